"""The maturity self-assessment page: rounds compared on a radar chart (with its table), the
rating form for those who rate, opening and closing a round."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cultivate import policy
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.health import maturity
from cultivate.health.models import MaturityAssessment, MaturityRating
from cultivate.insights.charts import PLOTLY_CONFIG, SERIES, Chart, Table
from cultivate.policy import Can

COMPARED = 4  # rounds on the radar chart


def radar(assessments, found) -> Chart:
    names = [str(name) for _key, name, _levels in maturity.DIMENSIONS]
    table = Table("maturity", _("Average level by dimension (1 emerging to 5 leading)"),
                  [_("Dimension"), *[a.label for a in assessments]])
    for key, name, _levels in maturity.DIMENSIONS:
        table.rows.append([str(name), *[found[a.pk].get(key) for a in assessments]])
    traces = []
    for index, assessment in enumerate(assessments):
        values = [found[assessment.pk].get(key) or 0 for key in maturity.DIMENSION_KEYS]
        colour = SERIES[index % len(SERIES)]
        traces.append({"type": "scatterpolar", "name": assessment.label, "fill": "toself",
                       "r": [*values, values[0]], "theta": [*names, names[0]],
                       "line": {"color": colour, "dash": ["solid", "dash", "dot",
                                                          "dashdot"][index % 4]},
                       "opacity": 0.6})
    figure = {"data": traces, "layout": {
        "polar": {"radialaxis": {"range": [0, 5], "dtick": 1}},
        "showlegend": True, "margin": {"l": 60, "r": 60, "t": 30, "b": 30}, "height": 460,
        "font": {"family": "system-ui, sans-serif", "size": 13}}}
    summary = _("Each round's average level on the seven dimensions, from 1 at the centre to "
                "5 at the edge.")
    return Chart("maturity", _("Maturity by dimension"), summary, table,
                 figure if assessments else None)


def _page(request, community, standing, *, errors=None, status=200):
    verbs = policy.allowed(standing, community)
    rounds = list(MaturityAssessment.objects.filter(community=community)[:12])
    found = maturity.averages(rounds)
    rated = [a for a in rounds if found[a.pk]]
    open_round = next((a for a in rounds if a.closed_at is None), None)
    mine = {}
    if open_round is not None and request.user.is_authenticated:
        mine = {r.dimension: r for r in MaturityRating.objects.filter(assessment=open_round,
                                                                      user=request.user)}
    values = request.POST if errors else {
        **{key: str(r.level) for key, r in mine.items()},
        **{f"{key}_note": r.note for key, r in mine.items()}}
    dimensions = [{"key": key, "name": name, "levels": list(zip(range(1, 6), maturity.LEVELS,
                                                                levels, strict=True)),
                   "value": values.get(key, ""), "note": values.get(f"{key}_note", ""),
                   "errors": (errors or {}).get(key, [])}
                  for key, name, levels in maturity.DIMENSIONS]
    return render(request, "health/maturity.html", {
        "community": community, "rounds": rounds, "found": found,
        "chart": radar(list(reversed(rated[:COMPARED])), found),
        "plotly_config": PLOTLY_CONFIG, "open_round": open_round,
        "may_open": Can.ASSESS_MATURITY in verbs,
        "may_rate": open_round is not None and maturity.may_rate(standing, open_round),
        "rated_already": bool(mine), "dimensions": dimensions, "errors": errors or {}},
        status=status)


def page(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.SEE)
    allowed = policy.allowed(standing, community)
    if Can.VIEW_HEALTH not in allowed and standing != policy.Standing.CORE:
        raise NotAllowed("not allowed to read the maturity assessment")
    return _page(request, community, standing)


@require_POST
@login_required
def open_round(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.ASSESS_MATURITY)
    try:
        maturity.do_open_assessment(actor=request.user, community=community,
                                    label=str(request.POST.get("label", ""))[:200],
                                    include_core=request.POST.get("include_core") == "on")
    except ActionError as error:
        messages.error(request, error.message)
        return _page(request, community, standing, status=error.status)
    messages.success(request, _("The assessment is open: rate each dimension below."))
    return redirect("health:maturity", slug=slug)


def _round(community, assessment_id) -> MaturityAssessment:
    found = MaturityAssessment.objects.filter(pk=assessment_id, community=community).first()
    if found is None:
        raise NotAllowed("no such assessment", hide=True)
    return found


@require_POST
@login_required
def rate(request, slug, assessment_id):
    community, standing = policy.access_community(request.user, slug, Can.SEE)
    assessment = _round(community, assessment_id)
    try:
        maturity.do_rate(actor=request.user, assessment=assessment, values=request.POST)
    except ActionError as error:
        return _page(request, community, standing, errors=error.fields, status=error.status)
    messages.success(request, _("Your rating is saved."))
    return redirect("health:maturity", slug=slug)


@require_POST
@login_required
def close_round(request, slug, assessment_id):
    community, _standing = policy.access_community(request.user, slug, Can.ASSESS_MATURITY)
    try:
        maturity.do_close_assessment(actor=request.user,
                                     assessment=_round(community, assessment_id))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The assessment is closed and joins the comparison."))
    return redirect("health:maturity", slug=slug)
