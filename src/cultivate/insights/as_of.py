"""The date the insights are read as of: the one place that decides it for a community and a
request, for the pages, the API and the recomputation job.

- `?as_of=YYYY-MM-DD` when given (a day in the future is read as today): figures count what
  happened before the end of that day (UTC, like the weeks of the dashboards);
- else, when the community holds only imported history (no member has taken part in it here:
  no answer, post, share or attendance that an importer did not write), the moment of its last
  imported activity, so an archive that ended years ago shows its own life, not years of
  silence;
- else now.

The job computes every community as of its default (`default_moments`) and says in
CommunityFigures which it was, so a page read without `as_of` costs no extra query. A page
asked for another date computes its figures for that date (and caches them under it).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate.activity.actions import Verb
from cultivate.activity.models import Activity
from cultivate.core.errors import ActionError
from cultivate.insights.rules import KINDS

# Kinds of contribution that make a community's history its own (rules.KINDS): setting it up
# (creating it, the charter, invitations) and visits do not.
LIVE_KINDS = ("answering", "sharing", "posting", "attending")
LIVE_VERBS = tuple(verb for kind in LIVE_KINDS for verb in KINDS[kind][1])
IMPORTED = Q(payload__imported=True)


class BadDate(ActionError):
    """`as_of` is not a date: a malformed parameter (422 in the API, a form error on pages)."""

    status = 422


@dataclass(frozen=True)
class AsOf:
    day: date  # the date shown (UTC)
    moment: datetime  # figures count what happened before this
    chosen: bool = False  # asked for in ?as_of=
    imported: bool = False  # the default, from an imported archive's last activity

    @property
    def query(self) -> str:
        """The query string that keeps this date in links (empty for the default)."""
        return f"as_of={self.day.isoformat()}" if self.chosen else ""

    def reads_stored(self, computed_at: datetime | None) -> bool:
        """Whether the figures the job stored (as of `computed_at`) are the ones to show: for
        the default date, and for a chosen date that is theirs."""
        return not self.chosen or (computed_at is not None
                                   and day_of(computed_at) == self.day)


def parse(value, *, today: date | None = None) -> date | None:
    """The date of `?as_of=` (None when empty); a later day than today is today."""
    text = str(value or "").strip()[:40]
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or len(text) != 10:
        message = _("Give a date such as 2019-03-14.")
        raise BadDate(message, code="bad_as_of", fields={"as_of": [message]})
    return min(day, today or timezone.now().date())


def today() -> date:
    """Today (UTC), the latest date figures can be read as of."""
    return timezone.now().date()


def end_of(day: date, now: datetime) -> datetime:
    """The moment a day's figures are taken at (what happened before it counts): the day's end
    (UTC), or now for today."""
    return min(now, datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC))


def day_of(moment: datetime) -> date:
    """The day whose figures are taken at `moment` (the inverse of end_of)."""
    return (moment - timedelta(microseconds=1)).astimezone(UTC).date()


def imported_only(community_ids) -> dict[int, datetime]:
    """The communities among `community_ids` (None: all) that hold only imported history,
    with the moment of their last imported activity. Two queries whatever their number: the
    communities an import completed in, then their last imported activity unless a member
    took part there since (the import's own row and its memberships are not taking part)."""
    among = {} if community_ids is None else {"community__in": list(community_ids)}
    candidates = set(Activity.objects.filter(verb=Verb.IMPORT_COMPLETED, **among)
        .values_list("community_id", flat=True).distinct().order_by())
    if not candidates:
        return {}
    live = (Activity.objects.filter(community_id=OuterRef("community_id"), verb__in=LIVE_VERBS)
            .exclude(payload__has_key="imported"))  # (a missing key is NULL to exclude())
    rows = (Activity.objects.filter(IMPORTED, community__in=candidates)
            .values("community_id").annotate(last=Max("occurred_at"))
            .filter(~Exists(live)).values_list("community_id", "last").order_by())
    return {community_id: last for community_id, last in rows if last is not None}


def default_moments(community_ids, now: datetime) -> dict[int, datetime]:
    """The moment the job computes each community as of, for those not computed as of now:
    the end of the day of an imported archive's last activity."""
    return {pk: end_of(last.astimezone(UTC).date(), now)
            for pk, last in imported_only(community_ids).items()}


def reference(community, value=None, *, figures=None) -> AsOf:
    """The date to read `community`'s insights as of. `value`: `?as_of=` (BadDate when it is
    not a date); `figures`: its stored CommunityFigures when already read (else None)."""
    now = timezone.now()
    chosen = parse(value, today=now.date())
    if chosen is not None:
        return AsOf(day=chosen, moment=end_of(chosen, now), chosen=True)
    if figures is not None:
        if figures.imported_history:
            return AsOf(day=day_of(figures.computed_at), moment=figures.computed_at,
                        imported=True)
        return AsOf(day=now.date(), moment=now)
    last = imported_only([community.pk]).get(community.pk)  # not computed yet
    if last is not None:
        day = last.astimezone(UTC).date()
        return AsOf(day=day, moment=end_of(day, now), imported=True)
    return AsOf(day=now.date(), moment=now)


def default_day(community) -> date:
    """The day a community's figures are read as of when no date is asked for (value
    creation's default period holds it): one query once the job has run."""
    from cultivate.insights.models import CommunityFigures

    figures = (CommunityFigures.objects.filter(community=community)
               .only("computed_at", "imported_history").first())
    return reference(community, figures=figures).day

