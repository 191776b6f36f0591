"""Planning, changing and cancelling learning events, members' answers with the waiting list,
what stays after an event, and the personal calendar feed.

Views, the API, management commands and the live backchannel call these. Stewards of a
community (Can.PLAN_EVENTS) plan, change and cancel events and record their outcome; members
(Can.RSVP) answer going, maybe or not going.

Every change of an event or of its answers locks the event row first (select_for_update on
PostgreSQL; on SQLite the IMMEDIATE transaction takes the write lock at its start), so two
people asking for the last place are served one after the other: one gets it, the other
waits on the list.
"""

import zoneinfo
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.core.errors import ActionError, Conflict, NotAllowed, choose_one_of
from cultivate.events import recurrence
from cultivate.events.models import (
    MAX_CAPACITY,
    MAX_MARKDOWN,
    MAX_TITLE,
    Answer,
    CalendarFeed,
    Event,
    Rsvp,
    new_feed_token,
)
from cultivate.events.recurrence import REPEATS, build_rule, check_series
from cultivate.events.reminders import mail_cancellation, mail_promotion
from cultivate.formats.models import LearningFormat
from cultivate.history.revisions import record_revision
from cultivate.policy import Can

MIN_TITLE = 3
MAX_URL = 500
MAX_VENUE = 300
MAX_DURATION = timedelta(days=14)
# Fields a calendar shows: a change of any of them bumps the event's SEQUENCE.
CALENDAR_FIELDS = ("title", "description", "starts_at", "ends_at", "time_zone", "online_url",
                   "venue")
EVENT_FIELDS = ("title", "description", "agenda", "starts_at", "ends_at", "time_zone",
                "online_url", "venue", "capacity", "learning_format", "repeats", "repeat_until")
SERIES_FIELDS = ("repeats", "repeat_until")  # they make `recurrence`; not set one by one

_url_validator = URLValidator(schemes=["http", "https"])


def _text(value) -> str:
    # NUL cannot be stored by PostgreSQL and has no meaning in a text.
    return str(value or "").replace("\x00", "").strip()


class _Checked:
    def __init__(self):
        self.values: dict = {}
        self.errors: dict[str, list[str]] = {}

    def refuse(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(str(message))

    def raise_errors(self) -> None:
        if self.errors:
            raise ActionError(_("Please correct the marked fields."), fields=self.errors)


def valid_time_zone(name: str) -> bool:
    return bool(name) and name in zoneinfo.available_timezones()


def in_zone(value, zone: zoneinfo.ZoneInfo) -> datetime | None:
    """A datetime (or ISO 8601 text) as an aware UTC datetime; one without an offset is a
    wall-clock time in `zone`. None for what is not a time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zone)
    return value.astimezone(zoneinfo.ZoneInfo("UTC"))


def _check_url(checked: _Checked, field: str, value) -> None:
    url = _text(value)
    if url:
        if len(url) > MAX_URL:
            checked.refuse(field, _("Keep the address under %(max)d characters.") % {
                "max": MAX_URL})
        else:
            try:
                _url_validator(url)
            except ValidationError:
                checked.refuse(field, _("Give a web address that starts with http:// or "
                                        "https://."))
    checked.values[field] = url


def _check_markdown(checked: _Checked, field: str, value) -> None:
    text = _text(value)
    if len(text) > MAX_MARKDOWN:
        checked.refuse(field, _("Keep it under %(max)d characters.") % {"max": MAX_MARKDOWN})
    checked.values[field] = text


def _format_of(value) -> LearningFormat | None | bool:
    """A format from an instance, its slug or nothing; False for an unknown slug."""
    if value is None or value == "" or isinstance(value, LearningFormat):
        return value or None
    return LearningFormat.objects.filter(slug=_text(value)).first() or False


def _check_event(values: dict) -> dict:
    """Clean every field of an event, or raise ActionError naming each refused field."""
    checked = _Checked()
    title = _text(values.get("title"))
    if not MIN_TITLE <= len(title) <= MAX_TITLE:
        checked.refuse("title", _("Write a title of %(min)d to %(max)d characters.") % {
            "min": MIN_TITLE, "max": MAX_TITLE})
    checked.values["title"] = title
    _check_markdown(checked, "description", values.get("description"))
    _check_markdown(checked, "agenda", values.get("agenda"))
    zone_name = _text(values.get("time_zone"))
    zone = None
    if not valid_time_zone(zone_name):
        checked.refuse("time_zone", _("Choose a time zone from the list, such as "
                                      "Europe/Paris or Asia/Almaty."))
    else:
        zone = zoneinfo.ZoneInfo(zone_name)
    checked.values["time_zone"] = zone_name
    for field in ("starts_at", "ends_at"):
        value = values.get(field)
        when = in_zone(value, zone or zoneinfo.ZoneInfo("UTC"))
        if value in (None, ""):
            checked.refuse(field, _("Give a date and a time."))
        elif when is None:
            checked.refuse(field, _("Give a date and time such as 2026-03-14 15:00."))
        checked.values[field] = when
    starts, ends = checked.values["starts_at"], checked.values["ends_at"]
    if starts and ends:
        if ends <= starts:
            checked.refuse("ends_at", _("The end must be after the start."))
        elif ends - starts > MAX_DURATION:
            checked.refuse("ends_at", _("An event lasts at most %(days)d days.") % {
                "days": MAX_DURATION.days})
    _check_url(checked, "online_url", values.get("online_url"))
    venue = _text(values.get("venue"))
    if len(venue) > MAX_VENUE:
        checked.refuse("venue", _("Keep the venue under %(max)d characters.") % {
            "max": MAX_VENUE})
    checked.values["venue"] = venue
    capacity = values.get("capacity")
    if capacity in ("", None):
        capacity = None
    elif isinstance(capacity, bool) or not isinstance(capacity, int | str) or not str(
            capacity).strip().isdigit() or not 1 <= int(capacity) <= MAX_CAPACITY:
        checked.refuse("capacity", _("Give a number of places from 1 to %(max)d, or leave it "
                                     "empty for no limit.") % {"max": MAX_CAPACITY})
        capacity = None
    else:
        capacity = int(capacity)
    checked.values["capacity"] = capacity
    learning_format = _format_of(values.get("learning_format"))
    if learning_format is False:
        checked.refuse("learning_format", _("No such learning format in the catalogue."))
        learning_format = None
    checked.values["learning_format"] = learning_format
    _check_series(checked, values, zone)
    checked.raise_errors()
    return checked.values


def _date(value):
    """A date from a date, a datetime or ISO text; None when empty; False when unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value)[:10])
    except ValueError:
        return False


def _check_series(checked: _Checked, values: dict, zone) -> None:
    """`repeats` and `repeat_until` make the RFC 5545 rule (recurrence.py)."""
    repeats = _text(values.get("repeats"))
    until = _date(values.get("repeat_until"))
    checked.values["repeats"], checked.values["repeat_until"] = repeats, until or None
    checked.values["recurrence"] = ""
    if repeats not in REPEATS:
        checked.refuse("repeats", choose_one_of([key for key in REPEATS if key]))
        return
    if until is False:
        checked.refuse("repeat_until", _("Give a date such as 2027-06-30."))
        return
    starts = checked.values.get("starts_at")
    if not repeats or starts is None or zone is None:
        return
    local_start = starts.astimezone(zone)
    problems = check_series(local_start, repeats, until)
    for problem in problems:
        checked.refuse("repeat_until", problem)
    if not problems:
        checked.values["recurrence"] = build_rule(repeats, local_start, until)


def _check_plan(actor, community) -> None:
    policy.check(policy.standing_of(actor, community), Can.PLAN_EVENTS, community)


def _locked(event: Event) -> Event:
    """The event's row, locked until the transaction ends, with its community."""
    return Event.objects.select_for_update().select_related("community").get(pk=event.pk)


@transaction.atomic
def do_plan_event(*, actor, community, title: str, starts_at, ends_at, time_zone: str,
                  description: str = "", agenda: str = "", online_url: str = "",
                  venue: str = "", capacity=None, learning_format=None, repeats: str = "",
                  repeat_until=None) -> Event:
    """Plan an event. Times without an offset are wall-clock times in `time_zone`. With
    `repeats` (recurrence.REPEATS) it repeats until `repeat_until`, a date in that zone."""
    _check_plan(actor, community)
    values = _check_event({
        "title": title, "description": description, "agenda": agenda,
        "starts_at": starts_at, "ends_at": ends_at, "time_zone": time_zone,
        "online_url": online_url, "venue": venue, "capacity": capacity,
        "learning_format": learning_format, "repeats": repeats, "repeat_until": repeat_until})
    for name in SERIES_FIELDS:
        values.pop(name)
    event = Event.objects.create(community=community, created_by=actor, **values)
    fmt = values["learning_format"]
    record_activity(actor=actor, verb=Verb.EVENT_PLANNED, community=community, target=event,
                    payload={"format": fmt.slug if fmt else None})
    return event


@transaction.atomic
def do_change_event(*, actor, event: Event, **changes) -> Event:
    """Change the given fields (see EVENT_FIELDS; others are refused). A new start sends a
    new reminder; more places move people up from the waiting list."""
    _check_plan(actor, event.community)
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise ActionError(_("These fields cannot be changed here."),
                          fields={name: [_("Unknown field.")] for name in sorted(unknown)})
    event = _locked(event)
    if event.is_cancelled:
        raise Conflict(_("A cancelled event cannot be changed."), code="event_cancelled")
    current = {name: getattr(event, name) for name in EVENT_FIELDS}
    merged = current | changes
    if "time_zone" in changes and not ({"starts_at", "ends_at"} & set(changes)):
        # A new zone alone keeps the wall-clock times the steward sees on the form.
        zone = event.zone
        merged["starts_at"] = event.starts_at.astimezone(zone).replace(tzinfo=None)
        merged["ends_at"] = event.ends_at.astimezone(zone).replace(tzinfo=None)
    values = _check_event(merged)
    changed = [name for name in EVENT_FIELDS
               if name not in SERIES_FIELDS and values[name] != current[name]]
    if values["recurrence"] != event.recurrence:
        changed.append("recurrence")
    if not changed:
        return event
    record_revision(event, fields=changed, actor=actor)
    for name in changed:
        setattr(event, name, values[name])
    if set(changed) & {*CALENDAR_FIELDS, "recurrence"}:
        event.sequence += 1
    if "starts_at" in changed:
        event.reminder_sent_at = None  # a new time deserves its own reminder
    event.save()
    if "capacity" in changed:
        _fill_every_occurrence(event)
    record_activity(actor=actor, verb=Verb.EVENT_CHANGED, community=event.community,
                    target=event, payload={"fields": changed})
    return event


@transaction.atomic
def do_cancel_event(*, actor, event: Event) -> Event:
    """Cancel: the event stays visible, marked, and calendars show it cancelled; those who
    were going are told by mail."""
    _check_plan(actor, event.community)
    event = _locked(event)
    if event.is_cancelled:
        return event
    event.cancelled_at = timezone.now()
    event.sequence += 1
    event.save(update_fields=["cancelled_at", "sequence", "updated_at"])
    record_activity(actor=actor, verb=Verb.EVENT_CANCELLED, community=event.community,
                    target=event)
    mail_cancellation(event)
    return event


def _places_taken(event: Event, occurrence=None) -> int:
    return Rsvp.objects.filter(event=event, occurrence=occurrence, answer=Answer.GOING,
                               waitlisted=False).count()


def _fill_every_occurrence(event: Event) -> None:
    """After the places changed: each occurrence with people waiting moves them up."""
    occurrences = set(Rsvp.objects.filter(event=event, answer=Answer.GOING, waitlisted=True)
                      .values_list("occurrence", flat=True))
    for occurrence in sorted(occurrences, key=lambda moment: (moment is not None, moment)):
        _fill_places(event, occurrence)


def _fill_places(event: Event, occurrence=None) -> list[Rsvp]:
    """Move the earliest waiting answers up while there are places; mail each person moved.
    The caller holds the event's lock."""
    waiting = Rsvp.objects.filter(event=event, occurrence=occurrence, answer=Answer.GOING,
                                  waitlisted=True)
    if event.capacity is None:
        promoted = list(waiting.select_related("user"))
    else:
        free = event.capacity - _places_taken(event, occurrence)
        promoted = list(waiting.select_related("user").order_by("answered_at", "pk")[:free]
                        ) if free > 0 else []
    if not promoted:
        return []
    Rsvp.objects.filter(pk__in=[rsvp.pk for rsvp in promoted]).update(waitlisted=False)
    for rsvp in promoted:
        rsvp.waitlisted = False
        if rsvp.user.email and rsvp.user.is_active:
            mail_promotion(event, rsvp.user)
    return promoted


def which_occurrence(event: Event, occurrence=None):
    """The occurrence of a repeating event an answer or attendance is about: the one given
    (its original start) or the next that has not ended; None for an event that does not
    repeat. Raises ActionError for one the series does not have."""
    if not event.is_repeating:
        if occurrence not in (None, "") and occurrence != event.starts_at:
            raise ActionError(_("This event does not repeat."),
                              fields={"occurrence": [_("Leave it out for this event.")]})
        return None
    if occurrence in (None, ""):
        upcoming = recurrence.occurrences(event, since=timezone.now(),
                                          until=event.series_ends_at or event.ends_at)
        upcoming = [item for item in upcoming if not item.cancelled]
        if not upcoming:
            raise Conflict(_("This series is over."), code="event_over")
        return upcoming[0].original_start
    found = recurrence.find(event, occurrence) if isinstance(occurrence, datetime) else None
    if found is None:
        raise ActionError(_("This series has no such occurrence."),
                          fields={"occurrence": [_("Choose a date of the series.")]})
    return found.original_start


def which_occurrence_or_none(event: Event):
    """The next occurrence of a series (or its last, when all are over); None if none."""
    try:
        return which_occurrence(event)
    except ActionError:
        dates = recurrence.occurrences(event)
        return dates[-1].original_start if dates else None


@transaction.atomic
def do_rsvp(*, actor, event: Event, answer: str, occurrence=None) -> Rsvp:
    """Answer going, maybe or not going. "Going" to a full event joins the waiting list;
    leaving a place moves the earliest waiting person up (and mails them). For a repeating
    event the answer is about one occurrence (the next one unless `occurrence` says)."""
    community = event.community
    policy.check(policy.standing_of(actor, community), Can.RSVP, community)
    if answer not in Answer.values:
        raise ActionError(_("Please correct the marked fields."),
                          fields={"answer": [choose_one_of(Answer.values)]})
    event = _locked(event)
    if event.is_cancelled:
        raise Conflict(_("This event was cancelled."), code="event_cancelled")
    occurrence = which_occurrence(event, occurrence)
    if occurrence is not None:
        item = recurrence.find(event, occurrence)
        if item.cancelled:
            raise Conflict(_("This occurrence was cancelled."), code="event_cancelled")
        if item.ends_at <= timezone.now():
            raise Conflict(_("This event is over."), code="event_over")
    elif event.is_past:
        raise Conflict(_("This event is over."), code="event_over")
    rsvp = Rsvp.objects.filter(event=event, user=actor, occurrence=occurrence).first()
    if rsvp is not None and rsvp.answer == answer:
        return rsvp
    had_place = rsvp is not None and rsvp.answer == Answer.GOING and not rsvp.waitlisted
    now = timezone.now()
    waitlisted = False
    if answer == Answer.GOING:
        someone_waits = Rsvp.objects.filter(event=event, occurrence=occurrence,
                                            answer=Answer.GOING, waitlisted=True).exists()
        waitlisted = event.capacity is not None and (
            someone_waits or _places_taken(event, occurrence) >= event.capacity)
    if rsvp is None:
        rsvp = Rsvp.objects.create(event=event, user=actor, answer=answer, occurrence=occurrence,
                                   waitlisted=waitlisted, answered_at=now)
    else:
        rsvp.answer, rsvp.waitlisted, rsvp.answered_at = answer, waitlisted, now
        rsvp.save(update_fields=["answer", "waitlisted", "answered_at"])
    if had_place:
        _fill_places(event, occurrence)
    payload = {"answer": answer, "waitlisted": waitlisted}
    if occurrence is not None:
        payload["occurrence"] = recurrence.occurrence_key(occurrence)
    record_activity(actor=actor, verb=Verb.EVENT_RSVP, community=community, target=event,
                    payload=payload, occurred_at=now)
    return rsvp


@transaction.atomic
def do_record_event_outcome(actor, event: Event, *, notes=None, outputs=None,
                            recording_url=None) -> Event:
    """What stays after an event: notes and outputs (Markdown) and a recording link. Given
    values replace the old ones (None: unchanged). Stewards, once the event has started (the
    live backchannel puts its harvest into the notes this way)."""
    _check_plan(actor, event.community)
    event = _locked(event)
    if event.is_cancelled:
        raise Conflict(_("A cancelled event has no outcome to record."),
                       code="event_cancelled")
    if not event.has_started:
        raise Conflict(_("Record notes and outputs once the event has started."),
                       code="event_not_started")
    checked = _Checked()
    given = {name: value for name, value in (("notes", notes), ("outputs", outputs),
                                             ("recording_url", recording_url))
             if value is not None}
    for name, value in given.items():
        if name == "recording_url":
            _check_url(checked, name, value)
        else:
            _check_markdown(checked, name, value)
    checked.raise_errors()
    changed = [name for name, value in checked.values.items() if getattr(event, name) != value]
    if not changed:
        return event
    record_revision(event, fields=changed, actor=actor)
    for name in changed:
        setattr(event, name, checked.values[name])
    event.save()
    record_activity(actor=actor, verb=Verb.EVENT_OUTCOME_RECORDED, community=event.community,
                    target=event, payload={"fields": changed})
    return event


# --- the personal calendar feed ----------------------------------------------------------

@transaction.atomic
def do_ensure_calendar_feed(*, actor) -> CalendarFeed:
    """The person's secret calendar address, made on first use."""
    if not policy.is_signed_in(actor):
        raise NotAllowed("sign in for a calendar feed")
    feed, _created = CalendarFeed.objects.get_or_create(user=actor)
    return feed


@transaction.atomic
def do_regenerate_calendar_feed(*, actor) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = do_ensure_calendar_feed(actor=actor)
    feed.token = new_feed_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed


@transaction.atomic
def do_change_occurrence(*, actor, event: Event, occurrence, starts_at=None, ends_at=None,
                         skip: bool = False, restore: bool = False):
    """Change one occurrence of a repeating event, as calendar apps do: move it (new start and
    end, wall-clock times in the event's zone), skip it (calendars drop it: EXDATE) or bring
    a skipped or moved one back to the rule. The rest of the series is untouched."""
    from cultivate.events.models import ChangedOccurrence

    _check_plan(actor, event.community)
    event = _locked(event)
    if not event.is_repeating:
        raise ActionError(_("This event does not repeat: edit the event itself."),
                          fields={"occurrence": [_("Only for repeating events.")]})
    original = occurrence if isinstance(occurrence, datetime) else None
    key = recurrence.occurrence_key(original) if original else ""
    skipped = list(event.recurrence_exceptions or [])
    if original is None or (recurrence.find(event, original) is None and key not in skipped):
        raise ActionError(_("This series has no such occurrence."),
                          fields={"occurrence": [_("Choose a date of the series.")]})
    if restore:
        event.recurrence_exceptions = [k for k in skipped if k != key]
        ChangedOccurrence.objects.filter(event=event, original_start=original).delete()
    elif skip:
        event.recurrence_exceptions = sorted({*skipped, key})
        ChangedOccurrence.objects.filter(event=event, original_start=original).delete()
    else:
        values = _check_occurrence_times(event, starts_at, ends_at)
        ChangedOccurrence.objects.update_or_create(
            event=event, original_start=original,
            defaults={**values, "cancelled": False, "changed_at": timezone.now()})
    event.sequence += 1
    event.save()
    record_activity(actor=actor, verb=Verb.EVENT_CHANGED, community=event.community,
                    target=event, payload={"occurrence": key,
                                           "change": "restore" if restore else
                                           "skip" if skip else "move"})
    return event


def _check_occurrence_times(event: Event, starts_at, ends_at) -> dict:
    checked = _Checked()
    zone = event.zone
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        when = in_zone(value, zone)
        if value in (None, ""):
            checked.refuse(field, _("Give a date and a time."))
        elif when is None:
            checked.refuse(field, _("Give a date and time such as 2026-03-14 15:00."))
        checked.values[field] = when
    starts, ends = checked.values["starts_at"], checked.values["ends_at"]
    if starts and ends and ends <= starts:
        checked.refuse("ends_at", _("The end must be after the start."))
    elif starts and ends and ends - starts > MAX_DURATION:
        checked.refuse("ends_at", _("An event lasts at most %(days)d days.") % {
            "days": MAX_DURATION.days})
    checked.raise_errors()
    return checked.values
