"""Computed indicators: figures by cycle that the platform already knows, for any communities
and period, in a few set-based queries.

Immediate value comes from insights' weekly figures (written by the hourly job, per community
and ISO week); potential value from those and from level changes; applied and realized value
from "I applied this" records and their follow-ups. Nobody enters these: the page offers no
form for them.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from statistics import median

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cultivate.evaluation.applied.models import AppliedRecord, Difference, FigureKind, FollowUp
from cultivate.evaluation.periods import Period
from cultivate.events.models import EventFeedback
from cultivate.insights.models import LEVEL_ORDER, LevelChange, WeeklyFigures


@dataclass(frozen=True)
class ComputedIndicator:
    key: str
    cycle: str
    name: Promise
    unit: Promise
    description: Promise
    is_computed: bool = True
    target = None
    pk = None

    @property
    def get_cycle_display(self):
        from cultivate.evaluation.cycles import BY_KEY

        return BY_KEY[self.cycle].label


CATALOGUE: tuple[ComputedIndicator, ...] = (
    ComputedIndicator("attendance", "immediate", _("Attendance at events"), _("people"),
                      _("People who took part in the community's events.")),
    ComputedIndicator("active_members", "immediate", _("Active members per week"), _("people"),
                      _("People who contributed, on average per week.")),
    ComputedIndicator("contributions", "immediate", _("Contributions"), _("contributions"),
                      _("Answers, posts, methods, stories, resources and facilitation.")),
    ComputedIndicator("questions_answered", "immediate", _("Questions answered"),
                      _("questions"), _("Questions asked in the period that got an answer.")),
    ComputedIndicator("first_answer_hours", "immediate", _("Time to a first answer"),
                      _("hours (median)"), _("How long a question waited for its first answer.")),
    ComputedIndicator("event_usefulness", "immediate", _("Usefulness of events"),
                      _("of 5 (average)"), _("How useful attendees said events were for their "
                                             "work, in the feedback after each one.")),
    ComputedIndicator("returning_members", "immediate", _("Returning members"), _("people"),
                      _("People who came back after a quiet spell.")),
    ComputedIndicator("knowledge_shared", "potential", _("Methods, stories and resources shared"),
                      _("contributions"), _("Methods written or improved, stories of use and "
                                            "resources added.")),
    ComputedIndicator("moved_inwards", "potential", _("People who became more active"),
                      _("people"), _("Members whose level of participation moved inwards.")),
    ComputedIndicator("applied", "applied", _("“I applied this” records"), _("records"),
                      _("Times members said they used something from the community in their "
                        "work.")),
    ComputedIndicator("people_applying", "applied", _("Members who applied something"),
                      _("people"), _("Different members with at least one applied record.")),
    ComputedIndicator("differences", "realized", _("Follow-ups reporting a difference"),
                      _("answers"), _("Follow-up answers that say what was applied made a "
                                      "difference.")),
    ComputedIndicator("hours_saved", "realized", _("Time saved (reported)"), _("hours"),
                      _("Hours saved, as members reported them in follow-ups.")),
    ComputedIndicator("people_reached", "realized", _("People reached (reported)"), _("people"),
                      _("People reached, as members reported them in follow-ups.")),
)
BY_KEY = {indicator.key: indicator for indicator in CATALOGUE}


def values_for(community_ids, period: Period) -> dict[int, dict[str, Decimal | None]]:
    """community id -> indicator key -> figure over the period (None: nothing to count)."""
    ids = list(community_ids)
    figures: dict[int, dict[str, Decimal | None]] = {cid: {} for cid in ids}
    if not ids:
        return figures
    _from_weekly(ids, period, figures)
    _from_levels(ids, period, figures)
    _from_applied(ids, period, figures)
    _from_feedback(ids, period, figures)
    return figures


def weekly_series(community_id: int, period: Period) -> dict[str, list[tuple]]:
    """key -> [(week, value)] inside the period, for sparklines."""
    series: dict[str, list[tuple]] = defaultdict(list)
    for row in _weekly_rows([community_id], period):
        series["attendance"].append((row.week, row.attendance))
        series["active_members"].append((row.week, row.contributors))
        series["contributions"].append((row.week, sum(_counts(row).values())))
        series["questions_answered"].append((row.week, row.questions_answered))
        series["returning_members"].append((row.week, row.returning_members))
        series["knowledge_shared"].append((row.week, _counts(row).get("sharing", 0)))
    applied = (AppliedRecord.objects.filter(community_id=community_id, **_within("created_at",
                                                                                   period))
               .annotate(week=TruncWeek("created_at")).values("week")
               .annotate(n=Count("*")).order_by("week"))
    series["applied"] = [(row["week"].date() if hasattr(row["week"], "date") else row["week"],
                          row["n"]) for row in applied]
    return dict(series)


def _within(field: str, period: Period) -> dict:
    """A range on the timestamp itself (not its date), so its index serves the query."""
    start = datetime.combine(period.start, time.min, tzinfo=UTC)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=UTC)
    return {f"{field}__gte": start, f"{field}__lt": end}


def _weekly_rows(ids, period: Period):
    return WeeklyFigures.objects.filter(community_id__in=ids, week__gte=period.start,
                                        week__lte=period.end).order_by("week")


def _counts(row) -> dict:
    return {k: v for k, v in (row.contributions or {}).items()
            if isinstance(v, int) and k != "reading"}


def _from_weekly(ids, period, figures) -> None:
    grouped: dict[int, list] = defaultdict(list)
    for row in _weekly_rows(ids, period).only(
            "community_id", "week", "contributions", "contributors", "returning_members",
            "questions_answered", "first_answer_seconds", "attendance"):
        grouped[row.community_id].append(row)
    for cid, rows in grouped.items():
        waits = [w for row in rows for w in (row.first_answer_seconds or [])
                 if isinstance(w, int | float)]
        found = figures[cid]
        found["attendance"] = Decimal(sum(r.attendance for r in rows))
        found["active_members"] = _decimal(sum(r.contributors for r in rows) / len(rows))
        found["contributions"] = Decimal(sum(sum(_counts(r).values()) for r in rows))
        found["questions_answered"] = Decimal(sum(r.questions_answered for r in rows))
        found["first_answer_hours"] = _decimal(median(waits) / 3600) if waits else None
        found["returning_members"] = Decimal(sum(r.returning_members for r in rows))
        found["knowledge_shared"] = Decimal(sum(_counts(r).get("sharing", 0) for r in rows))


def _from_levels(ids, period, figures) -> None:
    inwards = Q()
    for outer_index, outer in enumerate(LEVEL_ORDER):
        inner = LEVEL_ORDER[:outer_index]
        if inner:
            inwards |= Q(from_level=outer, to_level__in=inner)
    rows = (LevelChange.objects.filter(community_id__in=ids, **_within("changed_at", period))
            .filter(inwards).values("community_id")
            .annotate(people=Count("user", distinct=True)).order_by())
    for row in rows:
        figures[row["community_id"]]["moved_inwards"] = Decimal(row["people"])


def _from_applied(ids, period, figures) -> None:
    applied = (AppliedRecord.objects.filter(community_id__in=ids, **_within("created_at", period))
               .values("community_id").annotate(n=Count("*"), people=Count("user", distinct=True))
               .order_by())
    for row in applied:
        figures[row["community_id"]]["applied"] = Decimal(row["n"])
        figures[row["community_id"]]["people_applying"] = Decimal(row["people"])
    yes = Q(difference=Difference.YES)
    follow_ups = (FollowUp.objects.filter(applied__community_id__in=ids,
                                          **_within("answered_at", period))
                  .values("applied__community_id")
                  .annotate(differences=Count("pk", filter=yes),
                            hours=Sum("figure_value", filter=yes & Q(
                                figure_kind=FigureKind.TIME_SAVED)),
                            reached=Sum("figure_value", filter=yes & Q(
                                figure_kind=FigureKind.PEOPLE_REACHED)))
                  .order_by())
    for row in follow_ups:
        found = figures[row["applied__community_id"]]
        found["differences"] = Decimal(row["differences"])
        found["hours_saved"] = row["hours"]
        found["people_reached"] = row["reached"]


def _from_feedback(ids, period, figures) -> None:
    rows = (EventFeedback.objects.filter(event__community_id__in=ids,
                                         **_within("given_at", period))
            .values("event__community_id").annotate(average=Avg("usefulness")).order_by())
    for row in rows:
        figures[row["event__community_id"]]["event_usefulness"] = _decimal(row["average"])


def _decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 1)))
