"""Pages of indicators by cycle, the value-creation matrix and the landscape roll-up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cultivate import policy
from cultivate.core.errors import ActionError
from cultivate.core.forms import posted, show_action_error
from cultivate.evaluation import matrix as value_matrix
from cultivate.evaluation.cycles import CYCLES
from cultivate.evaluation.indicators import actions, computed, queries
from cultivate.evaluation.indicators.forms import IndicatorForm, ValueForm
from cultivate.evaluation.periods import current_quarter, parse_period
from cultivate.evaluation.value_cache import shared_body
from cultivate.insights import as_of
from cultivate.policy import Can


def period_of(request, community=None):
    """The chosen period, or the current quarter with the refusal shown on the page. For a
    community, "current" is the quarter its insights are read as of: the last quarter of an
    archive when it holds only imported history (insights/as_of.py)."""
    today = as_of.default_day(community) if community is not None else None
    try:
        return parse_period(str(request.GET.get("period", ""))[:20], today=today), ""
    except ActionError as error:
        return current_quarter(today), error.message


@require_safe
def matrix(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.VIEW_VALUE)
    period, period_error = period_of(request, community)
    body = shared_body("value-matrix", "evaluation/_matrix_body.html", community, period,
                       lambda: {"matrix": value_matrix.build(request.user, community, period),
                                "cycles": CYCLES, "community": community, "period": period})
    return render(request, "evaluation/matrix.html", {
        "community": community, "period": period, "period_error": period_error, "body": body},
        status=400 if period_error else 200)


def _indicators_page(request, community, standing, *, form=None, value_form=None,
                     value_for=None, status=200):
    period, period_error = period_of(request, community)
    verbs = policy.allowed(standing, community)
    rows = queries.indicator_rows(community, period)
    return render(request, "evaluation/indicators.html", {
        "community": community, "period": period, "period_error": period_error,
        "rows": rows, "cycles": CYCLES,
        "archived": list(queries.custom_indicators(community, archived=True)),
        "may_define": Can.DEFINE_INDICATORS in verbs,
        "may_enter": Can.ENTER_INDICATOR_VALUES in verbs,
        "form": form or IndicatorForm(), "value_form": value_form,
        "value_for": value_for}, status=400 if period_error and status == 200 else status)


@require_safe
def indicators(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.VIEW_VALUE)
    return _indicators_page(request, community, standing)


@require_POST
@login_required
def define(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.DEFINE_INDICATORS)
    form = IndicatorForm(request.POST)
    try:
        actions.do_define_indicator(actor=request.user, community=community,
                                    values=request.POST)
    except ActionError as error:
        form.is_valid()
        show_action_error(form, error)
        return _indicators_page(request, community, standing, form=form, status=error.status)
    messages.success(request, _("Indicator added."))
    return redirect("evaluation:indicators", slug=slug)


@require_POST
@login_required
def set_target(request, slug, key):
    community, _standing = policy.access_community(request.user, slug, Can.DEFINE_INDICATORS)
    try:
        actions.do_set_computed_target(actor=request.user, community=community, key=key,
                                       target=request.POST.get("target", ""))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Target saved."))
    return redirect("evaluation:indicators", slug=slug)


@require_POST
@login_required
def archive(request, slug, indicator_id):
    community, _standing = policy.access_community(request.user, slug, Can.DEFINE_INDICATORS)
    indicator = actions.access_indicator(request.user, community, indicator_id)
    restore = request.POST.get("restore") == "1"
    actions.do_archive_indicator(actor=request.user, community=community, indicator=indicator,
                                 archive=not restore)
    messages.success(request, _("Restored.") if restore else _("Archived: its figures stay."))
    return redirect("evaluation:indicators", slug=slug)


@login_required
def enter_value(request, slug, indicator_id):
    community, standing = policy.access_community(request.user, slug,
                                                  Can.ENTER_INDICATOR_VALUES)
    indicator = actions.access_indicator(request.user, community, indicator_id)
    if indicator.is_computed:
        messages.error(request, _("The platform computes this indicator; nobody enters its "
                                  "figures."))
        return redirect("evaluation:indicators", slug=slug)
    form = ValueForm(posted(request), initial={"period": current_quarter().key})
    status = 200
    if request.method == "POST":
        try:
            actions.do_enter_value(actor=request.user, community=community,
                                   indicator=indicator, values=request.POST)
        except ActionError as error:
            form.is_valid()
            show_action_error(form, error)
            status = error.status
        else:
            messages.success(request, _("Figure saved."))
            return redirect("evaluation:indicators", slug=slug)
    return render(request, "evaluation/indicator_value.html", {
        "community": community, "indicator": indicator, "form": form}, status=status)


@require_safe
@login_required
def rollup(request):
    communities = policy.value_communities(request.user).order_by("name")
    period, period_error = period_of(request)
    if not communities.exists():
        raise policy.NotAllowed("no community to compare")
    return render(request, "evaluation/rollup.html", {
        "period": period, "period_error": period_error, "catalogue": computed.CATALOGUE,
        "rows": [(community, [values.get(c.key) for c in computed.CATALOGUE])
                 for community, values in queries.rollup(communities[:200], period)]},
        status=400 if period_error else 200)
