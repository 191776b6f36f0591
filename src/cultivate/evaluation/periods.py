"""The period a matrix, an indicator table or a report covers, read from `?period=`:
a year (`2026`), a quarter (`2026-Q4`) or a month (`2026-11`); the current quarter by default.
One parser for pages, the API and exports, so they cannot disagree on what a period means."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate.core.errors import ActionError

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    key: str  # as written in ?period=

    @property
    def label(self) -> str:
        return self.key

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same kind just before this one (for trends); before the first
        year it is an empty one."""
        try:
            return parse_period(_shift(self.key, -1))
        except ActionError:
            return Period(self.start, self.start - timedelta(days=1), "")

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def current_quarter(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


def parse_period(value: str | None, *, today: date | None = None) -> Period:
    """Raise ActionError (field `period`) for anything that is not a year, quarter or month."""
    value = (value or "").strip()
    if not value:
        return current_quarter(today)
    if match := _YEAR.match(value):
        year = _year(match.group(1))
        return Period(date(year, 1, 1), date(year, 12, 31), value)
    if match := _QUARTER.match(value):
        year, quarter = _year(match.group(1)), int(match.group(2))
        start = date(year, 3 * quarter - 2, 1)
        return Period(start, _month_end(year, 3 * quarter), f"{year}-Q{quarter}")
    if match := _MONTH.match(value):
        year, month = _year(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return Period(date(year, month, 1), _month_end(year, month), value)
    message = _("Choose a year (2026), a quarter (2026-Q4) or a month (2026-11).")
    raise ActionError(message, code="bad_period", fields={"period": [message]})


def _year(text: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        message = (_("Choose a year between %(first)s and %(last)s.")
                   % {"first": FIRST_YEAR, "last": LAST_YEAR})
        raise ActionError(message, code="bad_period", fields={"period": [message]})
    return year


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def _shift(key: str, step: int) -> str:
    if match := _YEAR.match(key):
        return str(int(match.group(1)) + step)
    if match := _QUARTER.match(key):
        index = int(match.group(1)) * 4 + int(match.group(2)) - 1 + step
        return f"{index // 4}-Q{index % 4 + 1}"
    year, month = int(key[:4]), int(key[5:7])
    index = year * 12 + month - 1 + step
    return f"{index // 12}-{index % 12 + 1:02d}"
