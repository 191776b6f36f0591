"""The action plan's pages: read it (members), write it (stewards), export it for the sponsor
(Markdown, PDF) and copy it into the next period."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cultivate import policy
from cultivate.communities.models import Membership, Role
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.evaluation.reports.views import file_download, pdf_download
from cultivate.formats.models import LearningFormat
from cultivate.health import plans
from cultivate.health.models import ActivityStatus, Cadence, PlanActivity, PlanGoal
from cultivate.policy import Can


def _page(request, community, standing, plan, *, errors=None, values=None, form="",
          status=200):
    verbs = policy.allowed(standing, community)
    may_plan = Can.PLAN in verbs
    context = {"community": community, "plan": plan, "may_plan": may_plan,
               "errors": errors or {}, "values": values or {}, "form": form,
               "goals": plans.goals_with_activities(plan) if plan else [],
               "other_plans": list(community.plans.exclude(pk=plan.pk if plan else None)
                                   .order_by("-starts_on")[:10])}
    if may_plan:
        today = timezone.localdate()
        context.update(
            indicators=plans.indicator_choices(community),
            formats=LearningFormat.objects.order_by("name").only("slug", "name"),
            owners=(Membership.objects.filter(community=community, role__in=[
                Role.CONVENER, Role.FACILITATOR, Role.CORE]).select_related("user")
                .order_by("user__username")[:200]),
            cadences=Cadence.choices, statuses=ActivityStatus.choices,
            default_start=today.replace(month=1, day=1).isoformat()
            if not plan else "", default_end=today.replace(month=12, day=31).isoformat()
            if not plan else "")
    return render(request, "health/plan.html", context, status=status)


@require_safe
def plan_page(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.READ)
    chosen = request.GET.get("plan", "")
    plan = (plans.plan_of(request.user, community, chosen) if chosen
            else plans.current_plan(community))
    return _page(request, community, standing, plan)


def _posted(request, slug, verb=Can.PLAN):
    return policy.access_community(request.user, slug, verb)


@require_POST
@login_required
def start(request, slug):
    community, standing = _posted(request, slug)
    try:
        plan = plans.do_start_plan(actor=request.user, community=community,
                                   values=request.POST)
    except ActionError as error:
        return _page(request, community, standing, None, errors=error.fields,
                     values=request.POST, form="start", status=error.status)
    messages.success(request, _("The plan is started: add the activities that serve its "
                                "goal."))
    return redirect(f"{community.get_absolute_url()}plan/?plan={plan.pk}")


@require_POST
@login_required
def add_goal(request, slug, plan_id):
    community, standing = _posted(request, slug)
    plan = plans.plan_of(request.user, community, plan_id)
    try:
        plans.do_add_goal(actor=request.user, plan=plan, values=request.POST)
    except ActionError as error:
        return _page(request, community, standing, plan, errors=error.fields,
                     values=request.POST, form="goal", status=error.status)
    return redirect(f"{community.get_absolute_url()}plan/?plan={plan.pk}")


def _goal(community, goal_id) -> PlanGoal:
    goal = PlanGoal.objects.select_related("plan__community").filter(
        pk=goal_id, plan__community=community).first()
    if goal is None:
        raise NotAllowed("no such goal", hide=True)
    return goal


def _activity(community, activity_id) -> PlanActivity:
    activity = PlanActivity.objects.select_related("goal__plan__community").filter(
        pk=activity_id, goal__plan__community=community).first()
    if activity is None:
        raise NotAllowed("no such activity", hide=True)
    return activity


@require_POST
@login_required
def add_activity(request, slug, goal_id):
    community, standing = _posted(request, slug)
    goal = _goal(community, goal_id)
    try:
        plans.do_add_activity(actor=request.user, goal=goal, values=request.POST)
    except ActionError as error:
        return _page(request, community, standing, goal.plan, errors=error.fields,
                     values=request.POST, form=f"activity-{goal.pk}", status=error.status)
    return redirect(f"{community.get_absolute_url()}plan/?plan={goal.plan_id}#goal-{goal.pk}")


@require_POST
@login_required
def change_activity(request, slug, activity_id):
    community, _standing = _posted(request, slug)
    activity = _activity(community, activity_id)
    try:
        if request.POST.get("remove"):
            plans.do_remove_activity(actor=request.user, activity=activity)
        else:
            plans.do_set_status(actor=request.user, activity=activity,
                                status=str(request.POST.get("status", ""))[:20])
    except ActionError as error:
        messages.error(request, error.message)
    return redirect(f"{community.get_absolute_url()}plan/?plan={activity.goal.plan_id}")


@require_POST
@login_required
def remove_goal(request, slug, goal_id):
    community, _standing = _posted(request, slug)
    goal = _goal(community, goal_id)
    try:
        plans.do_remove_goal(actor=request.user, goal=goal)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect(f"{community.get_absolute_url()}plan/?plan={goal.plan_id}")


@require_POST
@login_required
def copy(request, slug, plan_id):
    community, _standing = _posted(request, slug)
    plan = plans.do_copy_plan(actor=request.user,
                              plan=plans.plan_of(request.user, community, plan_id))
    messages.success(request, _("Copied into the next period: review its dates and goals."))
    return redirect(f"{community.get_absolute_url()}plan/?plan={plan.pk}")


def _export_context(request, slug, plan_id) -> dict:
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    plan = plans.plan_of(request.user, community, plan_id)
    return {"community": community, "plan": plan, "goals": plans.goals_with_activities(plan),
            "site_url": settings.SITE_URL}


@require_safe
def export_markdown(request, slug, plan_id):
    context = _export_context(request, slug, plan_id)
    return file_download(render_to_string("health/plan.md", context),
                         "text/markdown; charset=utf-8",
                         f"{context['community'].slug}-plan-{context['plan'].starts_on}.md")


@require_safe
def export_pdf(request, slug, plan_id):
    context = _export_context(request, slug, plan_id)
    return pdf_download(request, "health/plan_print.html", context,
                        f"{context['community'].slug}-plan-{context['plan'].starts_on}.pdf")
