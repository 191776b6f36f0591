"""Read paths of the health check shared by the page and the API: the stored signals with the
sentence that explains each figure, the formats that address it, the stage the signals
suggest and the stage's history. A fixed number of queries, whatever the community's size."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate.communities.models import Stage, StageChange
from cultivate.formats.models import LearningFormat
from cultivate.health import stages
from cultivate.health.models import HealthSettings, HealthSignal
from cultivate.health.signals import BY_KEY, SIGNALS, SignalKind
from cultivate.health.thresholds import (
    AT_RISK,
    THRESHOLDS,
    UNKNOWN,
    VERDICT_ORDER,
    VERDICTS,
    effective,
)


@dataclass(frozen=True)
class FormatRef:
    slug: str
    name: str


@dataclass(frozen=True)
class HistoryEntry:
    """A stage change as plain values: the check is cached, and plain values unpickle fast."""

    from_stage: str
    to_stage: str
    reason: str
    changed_at: datetime
    changed_by: str  # username, "" when the person is gone
    changed_by_name: str

    @property
    def from_label(self) -> str:
        return str(dict(Stage.choices).get(self.from_stage, self.from_stage))

    @property
    def to_label(self) -> str:
        return str(dict(Stage.choices).get(self.to_stage, self.to_stage))


@dataclass
class SignalRow:
    key: str  # the SignalKind's key: lazy translated names stay out of the cache (unpickling
    # each lazy string costs more than the page's queries)
    verdict: str
    figure: float | None
    details: dict
    since: datetime | None
    explanation: str
    formats: list = field(default_factory=list)  # FormatRef, best first

    @property
    def kind(self) -> SignalKind:
        return BY_KEY[self.key]

    @property
    def verdict_label(self) -> str:
        return str(VERDICTS[self.verdict])

    @property
    def at_risk(self) -> bool:
        return self.verdict == AT_RISK


@dataclass
class HealthCheck:
    signals: list[SignalRow]
    computed_at: datetime | None
    suggested_stage: str
    suggestion_reasons: list
    next_steps: str
    history: list
    counts: dict  # verdict -> signals

    @property
    def at_risk(self) -> list[SignalRow]:
        return [row for row in self.signals if row.verdict == AT_RISK]


def limits_of(community) -> dict:
    overrides = (HealthSettings.objects.filter(community=community)
                 .values_list("thresholds", flat=True).first())
    return effective(overrides)


def health_check(community) -> HealthCheck:
    stored = {row.key: row for row in HealthSignal.objects.filter(community=community)}
    limits = limits_of(community)
    slugs = {slug for kind in SIGNALS for slug in kind.formats}
    formats = {slug: FormatRef(slug, name) for slug, name in
               LearningFormat.objects.filter(slug__in=slugs).values_list("slug", "name")}
    rows = []
    for kind in SIGNALS:
        row = stored.get(kind.key)
        verdict = row.verdict if row else UNKNOWN
        figure, details = (row.figure, row.details) if row else (None, {})
        rows.append(SignalRow(
            key=kind.key, verdict=verdict, figure=figure, details=details,
            since=row.since if row else None,
            explanation=explain(kind.key, figure, details, limits) if row else
            _("Not computed yet: the hourly job has not run since this community started."),
            formats=[formats[slug] for slug in kind.formats if slug in formats]))
    rows.sort(key=lambda r: (VERDICT_ORDER[r.verdict], SIGNALS.index(r.kind)))
    verdicts = {r.kind.key: r.verdict for r in rows}
    age_days = max(0, (timezone.now() - community.created_at).days)
    stage, reasons = stages.suggest(verdicts, members=community.member_count, age_days=age_days)
    counts = {verdict: sum(1 for r in rows if r.verdict == verdict) for verdict in VERDICTS}
    return HealthCheck(
        signals=rows, computed_at=max((r.computed_at for r in stored.values()), default=None),
        suggested_stage=str(stage), suggestion_reasons=[str(reason) for reason in reasons],
        next_steps=str(stages.NEXT_STEPS[community.stage]),
        history=[HistoryEntry(c.from_stage, c.to_stage, c.reason, c.changed_at,
                              c.changed_by.username if c.changed_by else "",
                              c.changed_by.public_name if c.changed_by else "")
                 for c in StageChange.objects.filter(community=community)
                 .select_related("changed_by")[:20]],
        counts=counts)


def _number(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


class _Filled(dict):
    """Details written by an older version of the job may lack a number: show a dash."""

    def __missing__(self, key):
        return "–"


def explain(key: str, figure, details: dict, limits: dict) -> str:
    """The sentence behind a signal's figure, with the threshold it is read against."""
    if figure is None and key in ("core_group", "core_energy", "rhythm_conversation",
                                  "practice", "movement"):
        if key == "core_energy":
            return _("No core group yet, so no sign of its energy.")
        return _("Not enough activity yet to read this signal.")
    numbers = {k: _number(v) if isinstance(v, int | float) else v for k, v in details.items()}
    numbers["figure"] = _number(figure)
    healthy = {k: _number(v[0]) for k, v in limits.items()}
    at_risk = {k: _number(v[1]) for k, v in limits.items()}

    def fill(**extra) -> _Filled:
        return _Filled({**numbers, **extra})

    if key == "core_group":
        return _("%(core)s people in the core group: %(figure)s%% of %(members)s members "
                 "(healthy from %(h)s%%, at risk under %(r)s%% or fewer than %(p)s "
                 "people).") % fill(h=healthy["core_share"], r=at_risk["core_share"],
                                    p=at_risk["core_min_people"])
    if key == "core_energy":
        before = details.get("core_before")
        trend = (" " + _("%(before)s were in the core four weeks ago.") % {"before": before}
                 if before is not None else "")
        return _("Core members were active in %(active_weeks)s weeks of the last 13 on "
                 "average (%(figure)s%%; healthy from %(h)s%%).") % fill(
            h=healthy["core_energy"]) + trend
    if key == "rhythm_events":
        if not details.get("events") and not details.get("next"):
            return _("No event in the last six months and none planned.")
        return _("%(events)s events in the last six months; the longest stretch without one "
                 "was %(figure)s weeks (healthy up to %(h)s, at risk over %(r)s).") % fill(
            h=healthy["event_gap_weeks"], r=at_risk["event_gap_weeks"])
    if key == "rhythm_conversation":
        return _("Members contributed in %(weeks)s of the last %(of)s weeks (healthy from "
                 "%(h)s%%).") % fill(h=healthy["conversation_weeks"])
    if key == "one_to_one":
        if figure is None:
            return _("No newcomer old enough to judge; %(without_tie)s members have no tie "
                     "(network density %(density)s).") % fill(density=details.get("density"))
        return _("%(unconnected)s of %(newcomers)s newcomers have no tie after "
                 "%(settle_weeks)s weeks (%(figure)s%%; at risk over %(r)s%%); "
                 "%(without_tie)s members have no tie in all.") % fill(
            r=at_risk["newcomers_unconnected"])
    if key == "practice":
        return _("%(practice)s of %(all)s contributions in the last 12 weeks were answers, "
                 "methods, stories or resources (%(figure)s%%; healthy from %(h)s%%).") % fill(
            h=healthy["practice_share"])
    if key == "movement":
        return _("%(inward)s people moved to a more central level in 90 days, %(outward)s "
                 "outwards: %(figure)s per 100 members (healthy from %(h)s).") % fill(
            h=healthy["inward_moves"])
    if key == "open_competence":
        if figure is None:
            return _("Fewer than five newcomers this year: nothing to judge yet.")
        return _("%(rising)s of %(newcomers)s newcomers of the past year are now active or "
                 "in the core (%(figure)s%%; healthy from %(h)s%%).") % fill(
            h=healthy["newcomers_rising"])
    if key == "leadership":
        return _("%(leaders)s people facilitated or answered in the last 90 days; the busiest "
                 "did %(top_share)s%% of it (healthy: %(h)s people or more, under "
                 "%(t)s%%).") % fill(h=healthy["leaders"], t=healthy["top_leader_share"])
    if figure is None:  # the pulse signals
        return _("No pulse survey with at least five answers yet.")
    return _("%(figure)s of 5 on average from %(answers)s answers to the latest pulse survey "
             "(healthy from %(h)s).") % fill(h=healthy["pulse_score"])


def threshold_rows(community) -> list[dict]:
    limits = limits_of(community)
    return [{"threshold": t, "healthy": limits[key][0], "at_risk": limits[key][1]}
            for key, t in THRESHOLDS.items()]


def landscape_health(community_ids) -> dict[int, dict]:
    """For the landscape: community id -> {"health": {verdict: signals}} (one query)."""
    from django.db.models import Count

    found: dict[int, dict] = {}
    rows = (HealthSignal.objects.filter(community_id__in=list(community_ids))
            .values_list("community_id", "verdict").annotate(n=Count("id")).order_by())
    for community_id, verdict, n in rows:
        found.setdefault(community_id, {"health": {}})["health"][verdict] = n
    return found
