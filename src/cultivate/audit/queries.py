"""Reading the audit trail: filters shared by the pages and the API."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate.audit.admin_log import copy_missing_admin_entries
from cultivate.audit.models import AuditEntry
from cultivate.core.errors import ActionError

PER_PAGE = 50
MAX_FILTER = 150
EARLIEST, LATEST = date(2000, 1, 1), date(9000, 1, 1)  # beyond: no day arithmetic overflows


@dataclass
class AuditFilters:
    community: str = ""  # a community's address (slug); platform-wide page only
    actor: str = ""  # a username
    verb: str = ""  # a verb, or its start: `live.` finds every live moderation
    since: date | None = None
    until: date | None = None  # inclusive

    @classmethod
    def from_params(cls, params) -> "AuditFilters":
        """From a query string; bad values raise ActionError naming each field."""
        errors, values = {}, {}
        for name in ("community", "actor", "verb"):
            value = str(params.get(name) or "").strip()
            if len(value) > MAX_FILTER or "\x00" in value:
                errors[name] = [_("Not a value this filter knows.")]
            else:
                values[name] = value
        for name in ("since", "until"):
            value = params.get(name) or None
            if isinstance(value, str):
                try:
                    value = date.fromisoformat(value.strip())
                except ValueError:
                    value = False
            if value is False or (value is not None and not EARLIEST <= value <= LATEST):
                errors[name] = [_("Give a date as YYYY-MM-DD.")]
                continue
            values[name] = value
        if errors:
            raise ActionError(_("Please correct the marked filters."), fields=errors)
        return cls(**values)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def entries(filters: AuditFilters, *, community=None) -> QuerySet[AuditEntry]:
    """Newest first; only `community`'s entries when given (a convener's view)."""
    copy_missing_admin_entries()
    found = AuditEntry.objects.select_related("community", "actor")
    if community is not None:
        found = found.filter(community=community)
    elif filters.community:
        found = found.filter(community__slug=filters.community)
    if filters.actor:
        found = found.filter(actor_label=filters.actor)
    if filters.verb:
        found = found.filter(verb__startswith=filters.verb)
    if filters.since:
        found = found.filter(occurred_at__gte=_day_start(filters.since))
    if filters.until:
        found = found.filter(occurred_at__lt=_day_start(filters.until + timedelta(days=1)))
    return found
