"""Two people for the last place, and two clocks sending reminders at once: real threads on
real connections (SQLite in a file, or PostgreSQL)."""

import threading
from datetime import timedelta

import icalendar
import pytest
from django import db
from django.core.management import call_command
from django.utils import timezone

from cultivate.events import actions
from cultivate.events.models import Event, Rsvp
from cultivate.events.reminders import send_due_reminders

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*jobs):
    """Run the jobs in threads released together; return their results (or exceptions)."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[index] = error
        finally:
            db.connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_people_for_the_last_place(world, plan, attempt):
    event = plan(world["ana"], world["private"], capacity=2)
    actions.do_rsvp(actor=world["fay"], event=event, answer="going")
    results = at_once(
        lambda: actions.do_rsvp(actor=world["ben"], event=event, answer="going"),
        lambda: actions.do_rsvp(actor=world["bea"], event=event, answer="going"))
    assert all(isinstance(result, Rsvp) for result in results), results
    assert sorted(result.waitlisted for result in results) == [False, True]
    assert Rsvp.objects.filter(event=event, answer="going", waitlisted=False).count() == 2
    assert Rsvp.objects.filter(event=event, waitlisted=True).count() == 1


def test_a_reminder_goes_once_over_smtp_with_the_event_attached(world, plan, smtp_server,
                                                                 settings):
    settings.CULTIVATE_EVENT_REMINDER_HOURS = 24
    starts = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    event = plan(world["ana"], world["private"], capacity=2, starts_at=starts,
                 ends_at=starts + timedelta(hours=1), venue="Room 4, Ministry of Finance")
    later = plan(world["ana"], world["private"], title="Next month's clinic",
                 starts_at=starts + timedelta(days=30),
                 ends_at=starts + timedelta(days=30, hours=1))
    for name, answer in (("ben", "going"), ("bea", "going"), ("bob", "going"),
                         ("fay", "maybe")):
        actions.do_rsvp(actor=world[name], event=event, answer=answer)
        actions.do_rsvp(actor=world[name], event=later, answer=answer)
    results = at_once(send_due_reminders, send_due_reminders, send_due_reminders)
    assert sorted(results) == [0, 0, 2], results
    assert send_due_reminders() == 0
    call_command("send_event_reminders", verbosity=0)
    assert sorted(m["To"] for m in smtp_server.messages) == ["bea@example.org",
                                                             "ben@example.org"]
    message = smtp_server.messages[0]
    assert "Case clinic" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "Room 4" in body and f"/events/{event.pk}/" in body
    attachment = next(part for part in message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    item = calendar.walk("VEVENT")[0]
    assert item["UID"].startswith(f"event-{event.pk}@")
    assert item.decoded("DTSTART") == starts
    assert item["LOCATION"] == "Room 4, Ministry of Finance"
    assert Event.objects.get(pk=event.pk).reminder_sent_at is not None
    assert Event.objects.get(pk=later.pk).reminder_sent_at is None


def test_a_refused_mail_is_tried_again(world, plan, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    starts = timezone.now() + timedelta(hours=2)
    event = plan(world["ana"], world["private"], starts_at=starts,
                 ends_at=starts + timedelta(hours=1))
    actions.do_rsvp(actor=world["ben"], event=event, answer="going")
    with pytest.raises(OSError):
        send_due_reminders()
    assert Event.objects.get(pk=event.pk).reminder_sent_at is None
