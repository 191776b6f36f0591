"""Community health's sections of the sponsor report (evaluation.reports.builder.REPORT_EXTRAS):
the signals at risk and to watch, the stage, the latest maturity rounds, and what the community
plans next. Plain lines, so the page, the PDF and the Markdown say the same."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cultivate.evaluation.reports.builder import ReportSection
from cultivate.health import maturity, plans, queries
from cultivate.health.models import ActivityStatus, MaturityAssessment
from cultivate.health.thresholds import AT_RISK, WATCH


def sections(community, period) -> list[ReportSection]:
    return [_health(community), *_maturity(community), *_plan(community)]


def _health(community) -> ReportSection:
    check = queries.health_check(community)
    lines = []
    for verdict, label in ((AT_RISK, _("At risk")), (WATCH, _("To watch"))):
        for row in (r for r in check.signals if r.verdict == verdict):
            lines.append(f"{label}: {row.kind.name}. {row.explanation}")
    lines.append(_("%(n)d of %(all)d signals healthy.") % {
        "n": check.counts.get("healthy", 0), "all": len(check.signals)})
    if check.history:
        lines.append(_("Lifecycle stage: %(stage)s since %(date)s.") % {
            "stage": check.history[0].to_label,
            "date": date_format(check.history[0].changed_at, "DATE_FORMAT")})
    return ReportSection(_("Community health"), lines)


def _maturity(community) -> list[ReportSection]:
    rounds = list(MaturityAssessment.objects.filter(community=community,
                                                    closed_at__isnull=False)[:2])
    if not rounds:
        return []
    found = maturity.averages(rounds)
    latest, before = rounds[0], rounds[1] if len(rounds) > 1 else None
    lines = []
    for key, name, _levels in maturity.DIMENSIONS:
        now = found[latest.pk].get(key)
        then = found[before.pk].get(key) if before else None
        if then is None:
            lines.append(f"{name}: {now}")
            continue
        lines.append(_("%(name)s: %(now)s (%(then)s in %(label)s)") % {
            "name": name, "now": now, "then": then, "label": before.label})
    return [ReportSection(_("Maturity self-assessment (%(label)s, 1 to 5)") % {
        "label": latest.label}, lines)]


def _plan(community) -> list[ReportSection]:
    plan = plans.current_plan(community)
    if plan is None:
        return []
    lines = []
    for goal in plans.goals_with_activities(plan):
        target = goal.target or goal.indicator_name
        lines.append(f"{goal.title}" + (f" ({target})" if target else ""))
        for activity in goal.activities.all():
            if activity.status not in (ActivityStatus.DONE, ActivityStatus.DROPPED):
                lines.append(f"— {activity.title}: {activity.get_status_display()}")
    return [ReportSection(_("What the community plans next: %(title)s") % {"title": plan.title},
                          lines)]
