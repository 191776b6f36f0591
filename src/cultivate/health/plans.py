"""The community's action plan: for a period, goals (each may point at a value indicator or
name its own target) and the activities that serve them, each built from a learning format,
with an owner, dates or a cadence and a status. Stewards write it; members read it; it exports
for the sponsor and can be copied into the next period."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.communities.models import Membership
from cultivate.core.errors import ActionError, NotAllowed, choose_one_of
from cultivate.evaluation.indicators import computed
from cultivate.evaluation.indicators.queries import custom_indicators
from cultivate.formats.models import LearningFormat
from cultivate.health.models import ActivityStatus, Cadence, Plan, PlanActivity, PlanGoal
from cultivate.policy import Can

MAX_TITLE = 200
MAX_PLAN_DAYS = 3 * 366
MAX_GOALS = 30
MAX_ACTIVITIES = 100


def _text(value) -> str:
    return str(value or "").replace("\x00", "").strip()


def _day(value, field: str, errors: dict, *, required: bool) -> date | None:
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        if required:
            errors[field] = [_("Give a date such as 2027-01-01.")]
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        errors[field] = [_("Give a date such as 2027-01-01.")]
        return None


def _title(value, field: str, errors: dict, what: str) -> str:
    title = _text(value)
    if not title:
        errors[field] = [_("Name the %(what)s.") % {"what": what}]
    elif len(title) > MAX_TITLE:
        errors[field] = [_("Keep it under %(max)d characters.") % {"max": MAX_TITLE}]
    return title


def indicator_choices(community) -> list[tuple[str, str]]:
    """("", none), computed indicators by key, then the community's custom ones by id."""
    choices = [("", _("None: name its own target"))]
    choices += [(indicator.key, str(indicator.name)) for indicator in computed.CATALOGUE]
    choices += [(str(indicator.pk), indicator.name)
                for indicator in custom_indicators(community).order_by("name")]
    return choices


def indicator_name(community, ref: str) -> str:
    return dict(indicator_choices(community)).get(ref, "") if ref else ""


def _check(actor, community) -> None:
    policy.check(policy.standing_of(actor, community), Can.PLAN, community)


def _clean_goal(community, values: dict, errors: dict, prefix: str = "") -> dict:
    title = _title(values.get(f"{prefix}title"), f"{prefix}title", errors, _("goal"))
    indicator = _text(values.get(f"{prefix}indicator"))
    if indicator and indicator not in dict(indicator_choices(community)):
        errors[f"{prefix}indicator"] = [_("Choose an indicator from the list.")]
    target = _text(values.get(f"{prefix}target"))
    if len(target) > MAX_TITLE:
        errors[f"{prefix}target"] = [_("Keep it under %(max)d characters.") % {
            "max": MAX_TITLE}]
    if not indicator and not target and f"{prefix}title" not in errors:
        errors[f"{prefix}target"] = [_("Point the goal at an indicator or name its own "
                                       "target, so you can tell when it is reached.")]
    return {"title": title, "indicator": indicator, "target": target}


@transaction.atomic
def do_start_plan(*, actor, community, values: dict) -> Plan:
    """A plan needs a title, a period and at least its first goal."""
    _check(actor, community)
    errors: dict = {}
    title = _title(values.get("title"), "title", errors, _("plan"))
    starts = _day(values.get("starts_on"), "starts_on", errors, required=True)
    ends = _day(values.get("ends_on"), "ends_on", errors, required=True)
    if starts and ends and ends < starts:
        errors["ends_on"] = [_("The end must be on or after the start.")]
    elif starts and ends and (ends - starts).days > MAX_PLAN_DAYS:
        errors["ends_on"] = [_("A plan covers at most three years.")]
    goal = _clean_goal(community, values, errors, prefix="goal_")
    if not _text(values.get("goal_title")):
        errors["goal_title"] = [_("A plan needs at least one goal: what should be different "
                                  "at the end of the period?")]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    plan = Plan.objects.create(community=community, title=title, starts_on=starts,
                               ends_on=ends, created_by=actor)
    PlanGoal.objects.create(plan=plan, **goal)
    return plan


@transaction.atomic
def do_add_goal(*, actor, plan: Plan, values: dict) -> PlanGoal:
    _check(actor, plan.community)
    errors: dict = {}
    goal = _clean_goal(plan.community, values, errors)
    if plan.goals.count() >= MAX_GOALS:
        errors["title"] = [_("A plan has at most %(max)d goals.") % {"max": MAX_GOALS}]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    return PlanGoal.objects.create(plan=plan, position=plan.goals.count(), **goal)


@transaction.atomic
def do_remove_goal(*, actor, goal: PlanGoal) -> None:
    _check(actor, goal.plan.community)
    if goal.plan.goals.count() <= 1:
        raise ActionError(_("A plan needs at least one goal: add another before removing "
                            "this one."), fields={"goal": [_("The last goal stays.")]})
    goal.delete()


def _clean_activity(plan: Plan, values: dict) -> dict:
    errors: dict = {}
    title = _title(values.get("title"), "title", errors, _("activity"))
    slug = _text(values.get("learning_format"))
    fmt = LearningFormat.objects.filter(slug=slug).first() if slug else None
    if slug and fmt is None:
        errors["learning_format"] = [_("No such learning format in the catalogue.")]
    owner = None
    owner_id = _text(values.get("owner"))
    if owner_id:
        membership = (Membership.objects.filter(community=plan.community, user_id=owner_id)
                      .select_related("user").first() if owner_id.isdigit() else None)
        if membership is None:
            errors["owner"] = [_("The owner must be a member of the community.")]
        else:
            owner = membership.user
    starts = _day(values.get("starts_on"), "starts_on", errors, required=False)
    ends = _day(values.get("ends_on"), "ends_on", errors, required=False)
    if starts and ends and ends < starts:
        errors["ends_on"] = [_("The end must be on or after the start.")]
    cadence = _text(values.get("cadence")) or Cadence.ONCE
    if cadence not in Cadence.values:
        errors["cadence"] = [choose_one_of(Cadence.values)]
    status = _text(values.get("status")) or ActivityStatus.PLANNED
    if status not in ActivityStatus.values:
        errors["status"] = [choose_one_of(ActivityStatus.values)]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    return {"title": title, "learning_format": fmt, "owner": owner, "starts_on": starts,
            "ends_on": ends, "cadence": cadence, "status": status}


@transaction.atomic
def do_add_activity(*, actor, goal: PlanGoal, values: dict) -> PlanActivity:
    _check(actor, goal.plan.community)
    cleaned = _clean_activity(goal.plan, values)
    if PlanActivity.objects.filter(goal__plan=goal.plan).count() >= MAX_ACTIVITIES:
        raise ActionError(_("A plan has at most %(max)d activities.") % {
            "max": MAX_ACTIVITIES}, fields={"title": [_("Too many activities.")]})
    return PlanActivity.objects.create(goal=goal, position=goal.activities.count(), **cleaned)


@transaction.atomic
def do_set_status(*, actor, activity: PlanActivity, status: str) -> PlanActivity:
    _check(actor, activity.goal.plan.community)
    if status not in ActivityStatus.values:
        raise ActionError(_("Please correct the marked fields."),
                          fields={"status": [choose_one_of(ActivityStatus.values)]})
    activity.status = status
    activity.save(update_fields=["status"])
    return activity


@transaction.atomic
def do_remove_activity(*, actor, activity: PlanActivity) -> None:
    _check(actor, activity.goal.plan.community)
    activity.delete()


@transaction.atomic
def do_copy_plan(*, actor, plan: Plan) -> Plan:
    """The next period's plan: same length, starting the day after this one ends, with the
    same goals and the activities not dropped, their dates moved along and set to planned."""
    _check(actor, plan.community)
    shift = plan.ends_on - plan.starts_on + timedelta(days=1)
    copy = Plan.objects.create(
        community=plan.community, title=_("%(title)s (next period)") % {"title": plan.title},
        starts_on=plan.starts_on + shift, ends_on=plan.ends_on + shift, copied_from=plan,
        created_by=actor)
    for goal in plan.goals.prefetch_related("activities"):
        new_goal = PlanGoal.objects.create(plan=copy, title=goal.title,
                                           indicator=goal.indicator, target=goal.target,
                                           position=goal.position)
        PlanActivity.objects.bulk_create([PlanActivity(
            goal=new_goal, title=a.title, learning_format_id=a.learning_format_id,
            owner_id=a.owner_id, cadence=a.cadence, position=a.position,
            starts_on=a.starts_on + shift if a.starts_on else None,
            ends_on=a.ends_on + shift if a.ends_on else None)
            for a in goal.activities.all() if a.status != ActivityStatus.DROPPED])
    return copy


def current_plan(community, *, today: date | None = None) -> Plan | None:
    """The plan covering today, else the latest one."""
    today = today or timezone.localdate()
    plans = Plan.objects.filter(community=community)
    return (plans.filter(starts_on__lte=today, ends_on__gte=today).order_by("-starts_on").first()
            or plans.order_by("-starts_on").first())


def plan_of(user, community, plan_id) -> Plan:
    plan = Plan.objects.filter(pk=plan_id, community=community).first() \
        if str(plan_id).isdigit() else None
    if plan is None:
        raise NotAllowed("no such plan", hide=True)
    return plan


def goals_with_activities(plan: Plan) -> list[PlanGoal]:
    """Goals with their activities, formats and owners (three queries)."""
    goals = list(plan.goals.prefetch_related("activities__learning_format",
                                             "activities__owner"))
    names = dict(indicator_choices(plan.community))
    for goal in goals:
        goal.indicator_name = names.get(goal.indicator, "")
    return goals


def plans_with_goals(community, limit: int) -> list[Plan]:
    """The community's latest plans, each with `goal_list` as goals_with_activities gives it
    (the same queries for one plan or ten)."""
    plans = list(community.plans.select_related("community").order_by("-starts_on")
                 .prefetch_related("goals__activities__learning_format",
                                   "goals__activities__owner")[:limit])
    names = dict(indicator_choices(community)) if plans else {}
    for plan in plans:
        plan.goal_list = list(plan.goals.all())
        for goal in plan.goal_list:
            goal.indicator_name = names.get(goal.indicator, "")
    return plans


def this_quarter(community, *, today: date | None = None, limit: int = 5) -> list:
    """Activities of the current plan under way or planned in this quarter (for the home)."""
    today = today or timezone.localdate()
    first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last = (date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
            - timedelta(days=1))
    plan = (Plan.objects.filter(community=community, starts_on__lte=last, ends_on__gte=first)
            .order_by("-starts_on").first())
    if plan is None:
        return []
    activities = (PlanActivity.objects.filter(goal__plan=plan)
                  .exclude(status__in=[ActivityStatus.DONE, ActivityStatus.DROPPED])
                  .select_related("learning_format", "goal").order_by("starts_on", "position"))
    chosen = [a for a in activities
              if (a.starts_on is None or a.starts_on <= last)
              and (a.ends_on is None or a.ends_on >= first)]
    return chosen[:limit]
