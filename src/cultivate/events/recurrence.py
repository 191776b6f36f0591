"""Repeating events: an RFC 5545 rule (RRULE) on the event, dates skipped (EXDATE) and single
occurrences moved or cancelled (ChangedOccurrence, RECURRENCE-ID in calendars). Occurrences
are never stored one row each: they are expanded from the rule within the window asked for.

The rule is expanded in the event's own time zone, so "every Tuesday at 10:00 in Brussels"
stays at 10:00 across daylight-saving changes.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_OCCURRENCES = 260  # five years of weekly meetings
MAX_SERIES_DAYS = 5 * 366

REPEATS = {
    "": gettext_lazy("Does not repeat"),
    "weekly": gettext_lazy("Every week"),
    "biweekly": gettext_lazy("Every other week"),
    "monthly": gettext_lazy("Every month on the same weekday (e.g. the second Tuesday)"),
}
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Occurrence:
    original_start: datetime  # identifies it (RECURRENCE-ID), even when moved
    starts_at: datetime
    ends_at: datetime
    cancelled: bool = False
    changed: bool = False

    @property
    def key(self) -> str:
        return occurrence_key(self.original_start)


def occurrence_key(moment: datetime) -> str:
    """The address form of an occurrence: its original start in UTC, e.g. 20270112T090000Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def parse_occurrence_key(text: str) -> datetime | None:
    try:
        return datetime.strptime(str(text)[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def build_rule(repeats: str, local_start: datetime, until: date) -> str:
    """The RRULE text for one of REPEATS, ending on `until` (a date in the event's zone)."""
    last = datetime.combine(until, time(23, 59, 59), tzinfo=local_start.tzinfo)
    until_text = last.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    if repeats == "weekly":
        return f"FREQ=WEEKLY;UNTIL={until_text}"
    if repeats == "biweekly":
        return f"FREQ=WEEKLY;INTERVAL=2;UNTIL={until_text}"
    if repeats == "monthly":
        nth = (local_start.day - 1) // 7 + 1
        weekday = _WEEKDAYS[local_start.weekday()]
        if nth == 5:  # the fifth Tuesday is not in every month: take the last one
            return f"FREQ=MONTHLY;BYDAY=-1{weekday};UNTIL={until_text}"
        return f"FREQ=MONTHLY;BYDAY=+{nth}{weekday};UNTIL={until_text}"
    raise ValueError(repeats)


def preset_of(rule: str) -> tuple[str, date | None]:
    """(one of REPEATS, the last date) read back from a rule this module built."""
    if not rule:
        return "", None
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    until = None
    if "UNTIL" in parts:
        until = date.fromisoformat(parts["UNTIL"][:8])
    if parts.get("FREQ") == "MONTHLY":
        return "monthly", until
    return ("biweekly" if parts.get("INTERVAL") == "2" else "weekly"), until


def _rule(event, local_start: datetime):
    return rrulestr(event.recurrence, dtstart=local_start)


def series_starts(event, *, limit: int = MAX_OCCURRENCES + 1) -> list[datetime]:
    """Every start the rule gives (local to the event's zone), at most `limit`."""
    local_start = event.starts_at.astimezone(event.zone)
    if not event.recurrence:
        return [local_start]
    starts = []
    for moment in _rule(event, local_start):
        starts.append(moment)
        if len(starts) >= limit:
            break
    return starts


def check_series(local_start: datetime, repeats: str, until: date | None) -> list[str]:
    """Problems with a repeating series, as messages for the `repeat_until` field."""
    if not repeats:
        return []
    if until is None:
        return [_("Give the last date of the series: a series that never ends cannot be "
                  "planned (end it later, and plan the next one when the time comes).")]
    if until < local_start.date():
        return [_("The last date must be on or after the first event.")]
    if (until - local_start.date()).days > MAX_SERIES_DAYS:
        return [_("A series runs for at most five years.")]
    rule = build_rule(repeats, local_start, until)
    count = sum(1 for _moment in zip(range(MAX_OCCURRENCES + 1),
                                     rrulestr(rule, dtstart=local_start), strict=False))
    if count > MAX_OCCURRENCES:
        return [_("A series has at most %(max)d occurrences.") % {"max": MAX_OCCURRENCES}]
    return []


def last_end(event) -> datetime:
    """When the series' last occurrence ends (stored as series_ends_at for queries)."""
    if not event.recurrence:
        return event.ends_at
    last = series_starts(event)[-1] + (event.ends_at - event.starts_at)
    moved = [change.ends_at for change in event.changed_occurrences.all()] if event.pk else []
    return max([last, *moved])


def occurrences(event, *, since: datetime | None = None,
                until: datetime | None = None) -> list[Occurrence]:
    """Occurrences overlapping [since, until] (all when not given), skipped dates left out,
    moved and cancelled ones as changed. Reads `event.changed_occurrences` (prefetch it)."""
    duration = event.ends_at - event.starts_at
    if not event.recurrence:
        single = Occurrence(event.starts_at, event.starts_at, event.ends_at,
                            cancelled=event.cancelled_at is not None)
        return [single] if _overlaps(single, since, until) else []
    skipped = set(event.recurrence_exceptions or ())
    changes = {change.original_start: change for change in event.changed_occurrences.all()}
    local_start = event.starts_at.astimezone(event.zone)
    rule = _rule(event, local_start)
    if since is not None and until is not None:
        margin = duration + timedelta(days=1)
        moments = rule.between(since.astimezone(event.zone) - margin,
                               until.astimezone(event.zone) + margin, inc=True)
    else:
        moments = series_starts(event)
    found = []
    for moment in moments[:MAX_OCCURRENCES]:
        original = moment.astimezone(UTC)
        if occurrence_key(original) in skipped:
            continue
        change = changes.get(original)
        if change is not None:
            item = Occurrence(original, change.starts_at, change.ends_at,
                              cancelled=change.cancelled or event.cancelled_at is not None,
                              changed=True)
        else:
            item = Occurrence(original, original, original + duration,
                              cancelled=event.cancelled_at is not None)
        if _overlaps(item, since, until):
            found.append(item)
    return sorted(found, key=lambda item: item.starts_at)


def _overlaps(item: Occurrence, since, until) -> bool:
    return (since is None or item.ends_at >= since) and (until is None or item.starts_at <= until)


def find(event, original_start: datetime) -> Occurrence | None:
    """The occurrence that originally started at this moment, if the series has it."""
    for item in occurrences(event, since=original_start - timedelta(days=1),
                            until=original_start + timedelta(days=1)):
        if item.original_start == original_start:
            return item
    if event.recurrence:  # a moved occurrence may now be far from its original date
        change = next((c for c in event.changed_occurrences.all()
                       if c.original_start == original_start), None)
        if change is not None:
            return Occurrence(original_start, change.starts_at, change.ends_at,
                              cancelled=change.cancelled, changed=True)
    return None


def describe(event) -> str:
    """"Every week until 30 June 2027" in the reader's language."""
    repeats, until = preset_of(event.recurrence)
    if not repeats:
        return ""
    from django.utils.formats import date_format

    return _("%(repeats)s, until %(until)s") % {
        "repeats": REPEATS[repeats], "until": date_format(until, "DATE_FORMAT") if until else "?"}


def zoneinfo_of(name: str):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)
