"""Events as iCalendar (RFC 5545) files: one event, a community's feed, a person's feed.

Times go out in UTC (DTSTART/DTEND with a Z), so every calendar app agrees on the instant
whatever zone database it has; the event's own zone is named in the description. The UID is
stable per event and instance, and SEQUENCE grows with every change a calendar shows, so a
calendar app replaces its copy instead of adding a second one.
"""

from datetime import UTC
from urllib.parse import urlparse

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from icalendar import Calendar, vRecur
from icalendar import Event as CalendarEvent

from cultivate.core.markdown import plain_text
from cultivate.events import recurrence
from cultivate.events.models import Event

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Cultivate//Learning events//EN"


def community_feed_url(community, token: str | None = None) -> str:
    """A community's calendar address; private communities need the reader's token."""
    url = settings.SITE_URL + reverse("events:community-feed", kwargs={"slug": community.slug})
    return f"{url}?token={token}" if token else url


def personal_feed_url(token: str) -> str:
    return settings.SITE_URL + reverse("events:personal-feed", kwargs={"token": token})


def event_uid(event: Event) -> str:
    host = urlparse(settings.SITE_URL).hostname or "localhost"
    return f"event-{event.pk}@{host}"


def _description(event: Event) -> str:
    zone_line = _("Planned in the time zone %(zone)s.") % {"zone": event.time_zone}
    parts = [plain_text(event.description_html, event.agenda_html), zone_line]
    if event.online_url:
        parts.append(_("Online: %(url)s") % {"url": event.online_url})
    parts.append(settings.SITE_URL + event.get_absolute_url())
    return "\n\n".join(part for part in parts if part)


def _component(event: Event, stamp, *, occurrence=None) -> CalendarEvent:
    """One VEVENT: the event (with its rule when it repeats), or one changed occurrence of a
    series (RECURRENCE-ID: its original start)."""
    item = CalendarEvent()
    item.add("uid", event_uid(event))
    item.add("dtstamp", stamp)
    item.add("created", event.created_at)
    item.add("last-modified", event.updated_at)
    item.add("sequence", event.sequence)
    if occurrence is not None:
        zone = event.zone
        item.add("recurrence-id", occurrence.original_start.astimezone(zone))
        item.add("dtstart", occurrence.starts_at.astimezone(zone))
        item.add("dtend", occurrence.ends_at.astimezone(zone))
    elif event.is_repeating:
        # A series is written in its own zone, so every occurrence keeps its wall-clock
        # time across daylight-saving changes (a UTC start would drift by an hour).
        zone = event.zone
        item.add("dtstart", event.starts_at.astimezone(zone))
        item.add("dtend", event.ends_at.astimezone(zone))
        item.add("rrule", vRecur.from_ical(event.recurrence))
        for key in event.recurrence_exceptions or ():
            moment = recurrence.parse_occurrence_key(key)
            if moment is not None:
                item.add("exdate", moment.astimezone(zone))
    else:
        item.add("dtstart", event.starts_at.astimezone(UTC))
        item.add("dtend", event.ends_at.astimezone(UTC))
    summary = event.title
    if event.is_cancelled:
        summary = _("Cancelled: %(title)s") % {"title": event.title}
    item.add("summary", summary)
    item.add("description", _description(event))
    location = event.venue or event.online_url
    if location:
        item.add("location", location)
    item.add("url", settings.SITE_URL + event.get_absolute_url())
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return item


def calendar_of(events, *, name: str | None = None, method: str = "PUBLISH") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(UTC)
    for event in events:
        calendar.add_component(_component(event, stamp))
        if event.is_repeating:
            for change in event.changed_occurrences.all():
                moved = recurrence.Occurrence(change.original_start, change.starts_at,
                                              change.ends_at)
                calendar.add_component(_component(event, stamp, occurrence=moved))
    calendar.add_missing_timezones()  # VTIMEZONE for every zone a series is written in
    return calendar.to_ical()


def ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def event_filename(event: Event) -> str:
    return f"{slugify(event.title)[:60] or 'event'}.ics"
