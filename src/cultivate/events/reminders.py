"""Mail about events: a reminder to those going before the start (with the event's .ics), and
word of a cancellation.

`send_due_reminders` runs from `cultivate send-event-reminders` (cron, systemd timer) or from
the clock `cultivate run` keeps. Each event is claimed with a conditional UPDATE of
`reminder_sent_at` before its mail is built, so two clocks (two servers, or cron and a clock)
never remind anyone twice. The mail leaves after the claim commits; if the mail server refuses,
the claim is released and the next run tries again.
"""

import logging
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from cultivate import policy
from cultivate.core.i18n import language_of
from cultivate.core.mail import (
    render_mail,
    send_after_commit,
    send_messages,
    send_messages_after_commit,
)
from cultivate.events.calendars import calendar_of, event_filename
from cultivate.events.models import Answer, Event
from cultivate.people.models import User

logger = logging.getLogger(__name__)


def reminder_window() -> timedelta:
    return timedelta(hours=float(getattr(settings, "CULTIVATE_EVENT_REMINDER_HOURS", 24)))


def due_events(now: datetime):
    """Events starting within the reminder window that have not been reminded of."""
    return Event.objects.filter(cancelled_at__isnull=True, reminder_sent_at__isnull=True,
                                starts_at__gt=now, starts_at__lte=now + reminder_window())


def attendees(event: Event):
    """Who holds a place (going, not waiting) and may still read the community."""
    going = User.objects.filter(rsvps__event=event, rsvps__answer=Answer.GOING,
                                rsvps__waitlisted=False).exclude(email="")
    return policy.readers_among(going, event.community).order_by("pk")


def _person_zone(person) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(person.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _context(event: Event, person) -> dict:
    return {"event": event, "person": person,
            "url": settings.SITE_URL + event.get_absolute_url(),
            "starts_local": event.starts_at.astimezone(event.zone),
            "ends_local": event.ends_at.astimezone(event.zone)}


def _message(event: Event, person, template: str, ics: bytes, method: str) -> EmailMessage:
    """One person's mail, with times in their own zone (and the event's)."""
    with timezone.override(_person_zone(person)):
        subject, body = render_mail(template, _context(event, person), language_of(person))
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email],
                           headers={"Auto-Submitted": "auto-generated"})
    message.attach(event_filename(event), ics,
                   f"text/calendar; method={method}; charset=utf-8")
    return message


def send_due_reminders(now: datetime | None = None) -> int:
    """Remind everyone going to an event that starts soon. Returns how many mails went out."""
    now = now or timezone.now()
    return sum(_remind(pk, now) for pk in list(due_events(now).values_list("pk", flat=True)))


def _remind(event_pk: int, now: datetime) -> int:
    with transaction.atomic():
        claimed = Event.objects.filter(pk=event_pk, reminder_sent_at__isnull=True,
                                       cancelled_at__isnull=True).update(reminder_sent_at=now)
        if not claimed:  # another clock took it
            return 0
        event = Event.objects.select_related("community").get(pk=event_pk)
        ics = calendar_of([event])
        messages = [_message(event, person, "events/email/reminder", ics, "PUBLISH")
                    for person in attendees(event)]
    try:
        return send_messages(messages)
    except Exception:
        # Let the next run try again (unless the event changed meanwhile).
        Event.objects.filter(pk=event_pk, reminder_sent_at=now).update(reminder_sent_at=None)
        raise


def mail_cancellation(event: Event) -> int:
    """Tell those who were going (or waiting) that the event is cancelled, once the
    cancellation commits; the attached .ics removes it from their calendars."""
    going = User.objects.filter(rsvps__event=event, rsvps__answer=Answer.GOING).exclude(
        email="")
    people = list(policy.readers_among(going, event.community).order_by("pk"))
    ics = calendar_of([event])  # STATUS:CANCELLED with a higher SEQUENCE replaces the copy
    messages = [_message(event, person, "events/email/cancelled", ics, "PUBLISH")
                for person in people]
    send_messages_after_commit(messages)
    return len(messages)


def mail_promotion(event: Event, person) -> None:
    """Tell someone who moved up from the waiting list, once the change commits."""
    with timezone.override(_person_zone(person)):
        send_after_commit(to=[person.email], template="events/email/promoted",
                          context=_context(event, person), language=language_of(person))
