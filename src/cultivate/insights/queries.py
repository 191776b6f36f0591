"""Read paths of the dashboards: they read the tables the recomputation job stores (levels,
snapshots, weekly and community figures), never the activity log, so a page costs the same
few queries whatever the size of the community or of its history."""

import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from cultivate import policy
from cultivate.communities.models import Community, Membership, StageChange
from cultivate.core.fragments import cached
from cultivate.core.page_cache import community_scope
from cultivate.insights import as_of
from cultivate.insights.as_of import AsOf
from cultivate.insights.models import (
    LEVEL_ORDER,
    CommunityFigures,
    LevelSnapshot,
    WeeklyFigures,
)

# Kinds of contribution in the order the charts stack them (WeeklyFigures.contributions keys).
KINDS = {
    "answering": _("Answering"),
    "sharing": _("Sharing"),
    "facilitating": _("Facilitating"),
    "posting": _("Posting"),
    "attending": _("Attending"),
    "reading": _("Reading"),
}
PERIODS = (12, 26, 52, 104)  # weeks a dashboard may cover
DEFAULT_WEEKS = 26
TREND_WEEKS = 12  # the landscape's activity trend
LANDSCAPE_PER_PAGE = 100


def week_of(day: date) -> date:
    """The Monday (UTC weeks, like WeeklyFigures.week) of the week holding `day`."""
    return day - timedelta(days=day.weekday())


def this_week() -> date:
    return week_of(timezone.now().date())  # USE_TZ: now() is UTC


def chosen_weeks(value) -> int:
    """The period asked for in ?weeks=, one of PERIODS; anything else gives the default."""
    try:
        weeks = int(str(value or "")[:4])
    except ValueError:
        return DEFAULT_WEEKS
    return weeks if weeks in PERIODS else DEFAULT_WEEKS


def median(values) -> float | None:
    """Median of a stored list of waits (numbers); None when empty or not numbers."""
    if not values or not isinstance(values, list):
        return None
    try:
        return float(statistics.median(values))
    except TypeError:
        return None


def _count(value) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


@dataclass
class Week:
    week: date
    contributions: dict[str, int] = field(default_factory=dict)
    contributors: int = 0
    new_members: int = 0
    returning_members: int = 0
    questions: int = 0
    questions_answered: int = 0
    median_first_answer_seconds: float | None = None
    answers_timed: int = 0  # how many first answers the median is taken over
    attendance: int = 0

    @property
    def total_contributions(self) -> int:
        return sum(self.contributions.values())


@dataclass
class Dashboard:
    community: Community
    weeks: list[Week]
    kinds: list[str]  # contribution kinds present, in KINDS order then others
    levels: dict[str, int]  # level -> people now, every level present
    level_history: list[tuple[date, dict[str, int]]]  # one snapshot per week, oldest first
    figures: CommunityFigures | None
    computed_at: datetime | None
    as_of: AsOf | None = None
    member_count: int | None = None  # members then, for a past date

    @property
    def people_in_levels(self) -> int:
        return sum(self.levels.values())

    @property
    def members(self) -> int:
        if self.member_count is not None:
            return self.member_count
        return self.community.member_count  # kept by the membership actions, always current

    @property
    def questions(self) -> int:
        return self.figures.questions if self.figures else 0

    @property
    def questions_answered(self) -> int:
        return self.figures.questions_answered if self.figures else 0

    @property
    def median_first_answer_seconds(self) -> float | None:
        return self.figures.median_first_answer_seconds if self.figures else None

    @property
    def unanswered(self) -> list[dict]:
        return clean_unanswered(self.figures.unanswered if self.figures else [])

    @property
    def unanswered_count(self) -> int:
        stored = self.figures.unanswered_count if self.figures else 0
        return max(stored, len(self.unanswered))  # the list holds the oldest few

    @property
    def useful_content(self) -> list[dict]:
        return clean_useful(self.figures.useful_content if self.figures else [])

    @property
    def network(self) -> dict:
        value = self.figures.network if self.figures else {}
        return value if isinstance(value, dict) else {}


def _levels(counts) -> dict[str, int]:
    counts = counts if isinstance(counts, dict) else {}
    return {level: _count(counts.get(level)) for level in LEVEL_ORDER}


def _safe_url(value) -> str:
    """Only our own paths become links (the stored lists come from reverse())."""
    url = str(value or "")
    return url if url.startswith("/") and not url.startswith("//") else ""


def _when(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    parsed = parse_datetime(str(value or ""))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def clean_unanswered(rows) -> list[dict]:
    return [{"id": row.get("id"), "title": str(row.get("title") or ""),
             "url": _safe_url(row.get("url")), "asked_at": _when(row.get("asked_at"))}
            for row in rows or [] if isinstance(row, dict)]


def clean_useful(rows) -> list[dict]:
    return [{"kind": str(row.get("kind") or ""), "id": row.get("id"),
             "title": str(row.get("title") or ""), "url": _safe_url(row.get("url")),
             "score": row.get("score") if isinstance(row.get("score"), int | float) else 0}
            for row in rows or [] if isinstance(row, dict)]


def _week_from(row: WeeklyFigures | None, week: date, *, with_waits: bool = True) -> Week:
    if row is None:
        return Week(week=week)
    contributions = row.contributions if isinstance(row.contributions, dict) else {}
    waits = row.first_answer_seconds if with_waits else []
    return Week(
        week=week, contributions={k: _count(v) for k, v in contributions.items()},
        contributors=row.contributors, new_members=row.new_members,
        returning_members=row.returning_members, questions=row.questions,
        questions_answered=row.questions_answered,
        median_first_answer_seconds=median(waits) if with_waits else None,
        answers_timed=len(waits or []) if with_waits else 0, attendance=row.attendance)


def week_range(weeks: int, *, until: date | None = None) -> list[date]:
    last = week_of(until) if until else this_week()
    return [last - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def dashboard(community: Community, *, weeks: int = DEFAULT_WEEKS,
              as_of_value=None) -> Dashboard:
    """Everything the community dashboard shows as of a date (`as_of_value`: ?as_of=, else
    as_of.reference's default), in three queries: the community's figures, its weekly figures
    of the period and its level snapshots of the period. Another date than the stored one is
    computed for it (and cached). Raises as_of.BadDate."""
    figures = CommunityFigures.objects.filter(community=community).first()
    when = as_of.reference(community, as_of_value, figures=figures)
    if not when.reads_stored(figures.computed_at if figures else None):
        return _dashboard_at(community, weeks, when)
    days = week_range(weeks, until=when.day)
    rows = {row.week: row for row in WeeklyFigures.objects.filter(
        community=community, week__gte=days[0], week__lte=days[-1]).order_by("week")}
    snapshots = (LevelSnapshot.objects
                 .filter(community=community, taken_on__gte=days[0], taken_on__lte=when.day)
                 .order_by("taken_on").values_list("taken_on", "counts"))
    history = _history(snapshots)
    if figures is not None and isinstance(figures.levels, dict) and figures.levels:
        levels = _levels(figures.levels)
    else:
        levels = next(reversed(history.values()), _levels({}))
    return _assemble(community, days, rows, history, levels, figures, when)


def _history(snapshots) -> dict[date, dict[str, int]]:
    """Level counts per week from (taken_on, counts) in order: the week's last one wins."""
    return {week_of(taken_on): _levels(counts) for taken_on, counts in snapshots}


def _assemble(community, days, rows, history, levels, figures, when, members=None
              ) -> Dashboard:
    shown = [_week_from(rows.get(day), day) for day in days]
    found = {kind for week in shown for kind in week.contributions}
    kinds = [kind for kind in KINDS if kind in found] + sorted(found - set(KINDS))
    return Dashboard(community=community, weeks=shown, kinds=kinds, levels=levels,
                     level_history=sorted(history.items()), figures=figures,
                     computed_at=figures.computed_at if figures else None, as_of=when,
                     member_count=members)


def _dashboard_at(community: Community, weeks: int, when: AsOf) -> Dashboard:
    """The dashboard as of a date the job did not store: computed from the activity log for
    that date, and kept in the cache under it until the community changes."""
    weekly, figures, snapshots, members = cached(
        "insights-dashboard-as-of", community.pk, when.day.isoformat(),
        scopes=(community_scope(community.pk),),
        compute=lambda: _figures_at(community, when))
    days = week_range(weeks, until=when.day)
    rows = {row.week: row for row in weekly if days[0] <= row.week <= days[-1]}
    history = _history((taken_on, counts) for taken_on, counts in snapshots
                       if taken_on >= days[0])
    history[week_of(when.day)] = _levels(figures.levels)
    return _assemble(community, days, rows, history, _levels(figures.levels), figures, when,
                     members)


def _figures_at(community: Community, when: AsOf) -> tuple:
    from cultivate.insights import figures, levels  # the job's modules, for a past date

    counts = levels.count_levels(levels.levels_at(community.pk, when.moment))
    members = Membership.objects.filter(community=community, joined_at__lt=when.moment).count()
    weekly, computed = figures.figures_at(community.pk, when.moment, levels=counts,
                                          members=members)
    snapshots = list(LevelSnapshot.objects.filter(community=community, taken_on__lte=when.day)
                     .order_by("taken_on").values_list("taken_on", "counts"))
    return weekly, computed, snapshots, members


# --- the landscape -------------------------------------------------------------------------

@dataclass
class LandscapeRow:
    community: Community
    levels: dict[str, int]
    trend: list[int]  # contributions per week, oldest first (TREND_WEEKS)
    computed_at: datetime | None
    stage_since: datetime | None = None  # when the lifecycle stage last moved
    health: dict = field(default_factory=dict)  # verdict -> signals (from LANDSCAPE_EXTRAS)

    @property
    def members(self) -> int:
        return self.community.member_count

    @property
    def people_in_levels(self) -> int:
        return sum(self.levels.values())

    @property
    def level_counts(self) -> list[int]:
        return [self.levels[level] for level in LEVEL_ORDER]

    @property
    def recent_contributions(self) -> int:
        return sum(self.trend)


# Apps that add to each landscape row register a function (community ids -> {id: {field:
# value}}); health adds its verdict counts without insights knowing it.
LANDSCAPE_EXTRAS: list = []


def landscape_communities(user) -> QuerySet[Community]:
    """The communities whose figures this user may compare (policy.insight_communities)."""
    return (policy.insight_communities(user).order_by("name", "pk")
            .only("pk", "name", "slug", "stage", "member_count", "visibility"))


def landscape_rows(communities, *, until: date | None = None) -> tuple[list[LandscapeRow],
                                                                      list[date]]:
    """One row per community of a page: two queries whatever the number of communities."""
    communities = list(communities)
    ids = [community.pk for community in communities]
    days = week_range(TREND_WEEKS, until=until)
    figures = {cid: (levels, at) for cid, levels, at in CommunityFigures.objects.filter(
        community_id__in=ids).values_list("community_id", "levels", "computed_at")}
    trend: dict[int, dict[date, int]] = {cid: {} for cid in ids}
    for cid, week, contributions in (WeeklyFigures.objects
                                     .filter(community_id__in=ids, week__gte=days[0])
                                     .values_list("community_id", "week", "contributions")):
        values = contributions.values() if isinstance(contributions, dict) else []
        trend[cid][week] = sum(_count(v) for v in values)
    since = dict(StageChange.objects.filter(community_id__in=ids).values("community_id")
                 .annotate(at=Max("changed_at")).values_list("community_id", "at").order_by())
    rows = [LandscapeRow(community=c, levels=_levels(figures.get(c.pk, ({}, None))[0]),
                         trend=[trend[c.pk].get(day, 0) for day in days],
                         computed_at=figures.get(c.pk, ({}, None))[1],
                         stage_since=since.get(c.pk)) for c in communities]
    for extra in LANDSCAPE_EXTRAS:
        found = extra(ids)
        for row in rows:
            for name, value in found.get(row.community.pk, {}).items():
                setattr(row, name, value)
    return rows, days
