from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cultivate.activity.actions import Verb
from cultivate.activity.models import Activity
from cultivate.core.errors import ActionError, Conflict, NotAllowed
from cultivate.events import actions, queries
from cultivate.events.models import Event, Rsvp
from cultivate.events.tests.conftest import soon, wall

pytestmark = pytest.mark.django_db


def test_a_facilitator_plans_an_event_in_its_own_zone(world, plan):
    event = plan(world["fay"], world["private"], starts_at=wall(2030, 3, 14, 15, 0),
                 ends_at=wall(2030, 3, 14, 16, 30), time_zone="Asia/Almaty")
    event.refresh_from_db()
    # 15:00 in Almaty (UTC+5) is 10:00 UTC.
    assert event.starts_at.isoformat().startswith("2030-03-14T10:00")
    assert event.description_html == "<p>Bring a <strong>circular</strong>.</p>\n"
    assert "<ol>" in event.agenda_html
    assert event.created_by == world["fay"]
    activity = Activity.objects.get(verb=Verb.EVENT_PLANNED)
    assert activity.community == world["private"] and activity.target_id == event.pk


def test_markdown_is_sanitised(world, plan):
    event = plan(world["ana"], world["private"],
                 description="<script>alert(1)</script>[x](javascript:alert(1))")
    assert "<script" not in event.description_html
    assert "href=\"javascript" not in event.description_html


@pytest.mark.parametrize("who", ["ben", "olga", "cleo"])
def test_only_stewards_plan(world, plan, who):
    with pytest.raises(NotAllowed):
        plan(world[who], world["private"])
    assert not Event.objects.exists()


def test_bad_input_names_every_field(world, plan):
    starts, _ends = soon()
    with pytest.raises(ActionError) as refused:
        plan(world["ana"], world["private"], title="x", ends_at=starts - timedelta(hours=1),
             time_zone="Mars/Olympus", online_url="ftp://x", capacity=0,
             learning_format="no-such-format")
    assert set(refused.value.fields) == {"title", "time_zone", "online_url", "capacity",
                                         "learning_format", "ends_at"}
    with pytest.raises(ActionError) as refused:
        plan(world["ana"], world["private"], ends_at=starts - timedelta(hours=1))
    assert set(refused.value.fields) == {"ends_at"}
    with pytest.raises(ActionError) as refused:
        plan(world["ana"], world["private"], starts_at="not a date")
    assert "starts_at" in refused.value.fields
    assert not Event.objects.exists()


def test_a_format_is_remembered(world, plan):
    event = plan(world["ana"], world["private"], learning_format="peer-assist")
    assert event.learning_format.slug == "peer-assist"


def test_changes_bump_the_sequence_and_a_new_start_resets_the_reminder(world, plan):
    event = plan(world["ana"], world["private"])
    Event.objects.filter(pk=event.pk).update(reminder_sent_at=timezone.now())
    event.refresh_from_db()
    actions.do_change_event(actor=world["fay"], event=event, agenda="Only the agenda")
    event.refresh_from_db()
    assert event.sequence == 0 and event.reminder_sent_at is not None
    new_start = event.starts_at + timedelta(days=1)
    actions.do_change_event(actor=world["fay"], event=event, starts_at=new_start,
                            ends_at=new_start + timedelta(hours=1))
    event.refresh_from_db()
    assert event.sequence == 1 and event.reminder_sent_at is None
    assert event.starts_at == new_start
    assert Activity.objects.filter(verb=Verb.EVENT_CHANGED).count() == 2
    with pytest.raises(NotAllowed):
        actions.do_change_event(actor=world["ben"], event=event, title="Mine now")


def test_a_new_zone_alone_keeps_the_wall_clock_times(world, plan):
    event = plan(world["ana"], world["private"], starts_at=wall(2030, 3, 14, 15, 0),
                 ends_at=wall(2030, 3, 14, 16, 0), time_zone="Asia/Almaty")
    actions.do_change_event(actor=world["ana"], event=event, time_zone="Europe/Paris")
    event.refresh_from_db()
    assert event.starts_at.astimezone(event.zone).hour == 15


def test_cancel_keeps_the_event_and_tells_those_going(world, plan, commit):
    event = plan(world["ana"], world["private"])
    actions.do_rsvp(actor=world["ben"], event=event, answer="going")
    actions.do_rsvp(actor=world["bea"], event=event, answer="maybe")
    mail.outbox.clear()
    with pytest.raises(NotAllowed):
        actions.do_cancel_event(actor=world["ben"], event=event)
    with commit(execute=True):
        actions.do_cancel_event(actor=world["ana"], event=event)
    event.refresh_from_db()
    assert event.is_cancelled and event.sequence == 1
    assert [m.to for m in mail.outbox] == [[world["ben"].email]]
    assert mail.outbox[0].attachments[0][2].startswith("text/calendar")
    with pytest.raises(Conflict):
        actions.do_rsvp(actor=world["bea"], event=event, answer="going")
    with pytest.raises(Conflict):
        actions.do_change_event(actor=world["ana"], event=event, title="Back on")


def test_the_waiting_list(world, plan, commit):
    event = plan(world["ana"], world["private"], capacity=2)
    ben = actions.do_rsvp(actor=world["ben"], event=event, answer="going")
    bea = actions.do_rsvp(actor=world["bea"], event=event, answer="going")
    bob = actions.do_rsvp(actor=world["bob"], event=event, answer="going")
    fay = actions.do_rsvp(actor=world["fay"], event=event, answer="going")
    assert (ben.waitlisted, bea.waitlisted, bob.waitlisted, fay.waitlisted) == (
        False, False, True, True)
    assert queries.waitlist_position(bob) == 1 and queries.waitlist_position(fay) == 2
    mail.outbox.clear()
    # Ben changes to maybe: bob, first in line, moves up and is told.
    with commit(execute=True):
        actions.do_rsvp(actor=world["ben"], event=event, answer="maybe")
    bob.refresh_from_db()
    fay.refresh_from_db()
    assert not bob.waitlisted and fay.waitlisted
    assert queries.waitlist_position(fay) == 1
    assert [m.to for m in mail.outbox] == [[world["bob"].email]]
    assert "place" in mail.outbox[0].subject
    # Ben wants to go again: behind fay.
    ben = actions.do_rsvp(actor=world["ben"], event=event, answer="going")
    assert ben.waitlisted and queries.waitlist_position(ben) == 2
    # More places move everyone waiting up, in order.
    mail.outbox.clear()
    with commit(execute=True):
        actions.do_change_event(actor=world["ana"], event=event, capacity=3)
    assert list(Rsvp.objects.filter(event=event, waitlisted=True).values_list(
        "user__username", flat=True)) == ["ben"]
    assert [m.to for m in mail.outbox] == [[world["fay"].email]]
    actions.do_change_event(actor=world["ana"], event=event, capacity=None)
    assert not Rsvp.objects.filter(event=event, waitlisted=True).exists()
    assert Activity.objects.filter(verb=Verb.EVENT_RSVP).count() == 6


def test_the_same_answer_twice_changes_nothing(world, plan):
    event = plan(world["ana"], world["private"])
    actions.do_rsvp(actor=world["ben"], event=event, answer="going")
    actions.do_rsvp(actor=world["ben"], event=event, answer="going")
    assert Activity.objects.filter(verb=Verb.EVENT_RSVP).count() == 1


def test_who_may_answer(world, plan):
    event = plan(world["ana"], world["private"])
    with pytest.raises(NotAllowed):
        actions.do_rsvp(actor=world["olga"], event=event, answer="going")
    with pytest.raises(ActionError) as refused:
        actions.do_rsvp(actor=world["ben"], event=event, answer="perhaps")
    assert "answer" in refused.value.fields
    public_event = plan(world["cleo"], world["public"])
    with pytest.raises(NotAllowed):  # reading a public community is not belonging to it
        actions.do_rsvp(actor=world["olga"], event=public_event, answer="going")


def test_no_answers_after_the_event(world, plan):
    starts = timezone.now() - timedelta(hours=3)
    event = plan(world["ana"], world["private"], starts_at=starts,
                 ends_at=starts + timedelta(hours=1))
    with pytest.raises(Conflict):
        actions.do_rsvp(actor=world["ben"], event=event, answer="going")


def test_outcome_after_the_start(world, plan):
    event = plan(world["ana"], world["private"])
    with pytest.raises(Conflict):
        actions.do_record_event_outcome(world["ana"], event, notes="Too early")
    starts = timezone.now() - timedelta(hours=3)
    past = plan(world["ana"], world["private"], starts_at=starts,
                ends_at=starts + timedelta(hours=1))
    with pytest.raises(NotAllowed):
        actions.do_record_event_outcome(world["ben"], past, notes="Mine")
    with pytest.raises(ActionError) as refused:
        actions.do_record_event_outcome(world["fay"], past, recording_url="not a url")
    assert "recording_url" in refused.value.fields
    actions.do_record_event_outcome(world["fay"], past, notes="We **agreed**.",
                                    outputs="- A template",
                                    recording_url="https://video.example.org/1")
    past.refresh_from_db()
    assert "<strong>agreed</strong>" in past.notes_html and "<li>" in past.outputs_html
    assert past.recording_url == "https://video.example.org/1"
    # Only what is given changes (the live backchannel puts its harvest into the notes).
    actions.do_record_event_outcome(world["fay"], past, notes="Harvest")
    past.refresh_from_db()
    assert past.notes == "Harvest" and past.outputs == "- A template"
    assert Activity.objects.filter(verb=Verb.EVENT_OUTCOME_RECORDED).count() == 2


def test_calendar_feed_token_regenerates(world):
    feed = actions.do_ensure_calendar_feed(actor=world["ben"])
    assert actions.do_ensure_calendar_feed(actor=world["ben"]).token == feed.token
    new = actions.do_regenerate_calendar_feed(actor=world["ben"])
    assert new.token != feed.token
    assert queries.feed_user(feed.token) is None
    assert queries.feed_user(new.token) == world["ben"]
