"""The health check page, the thresholds form and the stage's history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cultivate import policy
from cultivate.communities.models import Stage
from cultivate.core.errors import ActionError
from cultivate.core.fragments import cached
from cultivate.core.page_cache import community_scope
from cultivate.health import actions, queries
from cultivate.policy import Can


def _page(request, community, standing, *, stage_errors=None, status=200):
    verbs = policy.allowed(standing, community)
    may_plan = Can.PLAN_EVENTS in verbs
    # The same for every reader until content or the signals change (the job and every write
    # bump the content version); only the "plan this" links differ between readers.
    check, signals_html = cached("health-page", community.pk, may_plan,
                                 scopes=(community_scope(community.pk),),
                                 compute=lambda: _check_and_signals(community, may_plan))
    return render(request, "health/health.html", {
        "community": community, "check": check, "verbs": verbs,
        "signals_html": mark_safe(signals_html),  # noqa: S308 - our template, cached
        "may_plan": may_plan, "may_tune": Can.TUNE_HEALTH in verbs,
        "may_move_stage": Can.CHANGE_STAGE in verbs, "stages": Stage.choices,
        "stage_errors": stage_errors or {},
        "stage_value": request.POST.get("stage", check.suggested_stage),
        "stage_reason": request.POST.get("stage_reason", "")},
        status=status)


def _check_and_signals(community, may_plan: bool):
    check = queries.health_check(community)
    return check, render_to_string("health/_signals.html", {
        "community": community, "check": check, "may_plan": may_plan})


@require_safe
def health(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.VIEW_HEALTH)
    return _page(request, community, standing)


@require_POST
@login_required
def change_stage(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.CHANGE_STAGE)
    try:
        actions.do_change_stage(actor=request.user, community=community,
                                stage=str(request.POST.get("stage", ""))[:20],
                                reason=str(request.POST.get("stage_reason", "")))
    except ActionError as error:
        return _page(request, community, standing, status=error.status,
                     stage_errors={**error.fields, "general": [error.message]})
    messages.success(request, _("The stage is moved and the history keeps why."))
    return redirect("health:health", slug=slug)


def thresholds(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.TUNE_HEALTH)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            actions.do_tune_thresholds(actor=request.user, community=community,
                                       values=request.POST, reset="reset" in request.POST)
        except ActionError as error:
            errors, status = error.fields, error.status
        else:
            messages.success(request, _("Thresholds saved. The signals use them from the next "
                                        "run of the hourly job."))
            return redirect("health:thresholds", slug=slug)
    rows = queries.threshold_rows(community)
    for row in rows:  # what was typed survives a refusal
        key = row["threshold"].key
        row["healthy_value"] = request.POST.get(f"{key}__healthy", row["healthy"])
        row["at_risk_value"] = request.POST.get(f"{key}__at_risk", row["at_risk"])
        row["healthy_errors"] = errors.get(f"{key}__healthy", [])
        row["at_risk_errors"] = errors.get(f"{key}__at_risk", [])
    return render(request, "health/thresholds.html", {
        "community": community, "rows": rows, "has_errors": bool(errors)}, status=status)
