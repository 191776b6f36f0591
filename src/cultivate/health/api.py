"""JSON routes of the health check, its thresholds and the stage, with the pages' permissions."""

from datetime import date, datetime

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from cultivate import policy
from cultivate.core.errors import NotAllowed
from cultivate.health import actions, maturity, plans, pulse, queries
from cultivate.health.models import MaturityAssessment, PlanActivity, PulseSurvey
from cultivate.policy import Can

router = Router(tags=["community health"])


class FormatRef(Schema):
    slug: str
    name: str


class SignalOut(Schema):
    key: str
    name: str
    factor: str = Field(description="success factor, failure reason or principle")
    factor_name: str
    verdict: str = Field(description="healthy, watch, at_risk or unknown")
    figure: float | None
    explanation: str
    details: dict
    since: datetime | None
    formats: list[FormatRef] = Field(description="Learning formats that address it.")


class StageChangeOut(Schema):
    from_stage: str
    to_stage: str
    reason: str
    changed_by: str | None
    changed_at: datetime


class HealthOut(Schema):
    community: str
    stage: str
    suggested_stage: str
    suggestion_reasons: list[str]
    next_steps: str
    computed_at: datetime | None
    signals: list[SignalOut]
    stage_history: list[StageChangeOut]


class StageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    stage: str
    reason: str


class ThresholdOut(Schema):
    key: str
    label: str
    healthy: float
    at_risk: float
    higher_is_better: bool
    source: str


class ThresholdsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    thresholds: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description='{"core_share": {"healthy": 12, "at_risk": 4}, ...}; keys left out keep '
                    "their defaults.")
    reset: bool = False


def _health(community) -> dict:
    check = queries.health_check(community)
    return {
        "community": community.slug, "stage": community.stage,
        "suggested_stage": str(check.suggested_stage),
        "suggestion_reasons": [str(r) for r in check.suggestion_reasons],
        "next_steps": check.next_steps, "computed_at": check.computed_at,
        "signals": [{"key": row.kind.key, "name": str(row.kind.name),
                     "factor": str(row.kind.factor), "factor_name": str(row.kind.factor_name),
                     "verdict": row.verdict, "figure": row.figure,
                     "explanation": row.explanation, "details": row.details,
                     "since": row.since,
                     "formats": [{"slug": f.slug, "name": f.name} for f in row.formats]}
                    for row in check.signals],
        "stage_history": [{"from_stage": c.from_stage, "to_stage": c.to_stage,
                           "reason": c.reason, "changed_at": c.changed_at,
                           "changed_by": c.changed_by or None}
                          for c in check.history]}


@router.get("/communities/{slug}/health", response=HealthOut,
            summary="The health check: signals, suggested stage, stage history")
def health(request: HttpRequest, slug: str):
    community, _standing = policy.access_community(request.user, slug, Can.VIEW_HEALTH)
    return _health(community)


@router.post("/communities/{slug}/health/stage", response=HealthOut,
             summary="Move the lifecycle stage, saying why (stewards)")
def change_stage(request: HttpRequest, slug: str, payload: StageIn):
    community, _standing = policy.access_community(request.user, slug, Can.CHANGE_STAGE)
    community = actions.do_change_stage(actor=request.user, community=community,
                                        stage=payload.stage, reason=payload.reason)
    return _health(community)


def _thresholds(community) -> list[dict]:
    return [{"key": row["threshold"].key, "label": str(row["threshold"].label),
             "healthy": row["healthy"], "at_risk": row["at_risk"],
             "higher_is_better": row["threshold"].higher_is_better,
             "source": str(row["threshold"].source)}
            for row in queries.threshold_rows(community)]


@router.get("/communities/{slug}/health/thresholds", response=list[ThresholdOut],
            summary="The thresholds the signals are read against (stewards)")
def thresholds(request: HttpRequest, slug: str):
    community, _standing = policy.access_community(request.user, slug, Can.TUNE_HEALTH)
    return _thresholds(community)


@router.put("/communities/{slug}/health/thresholds", response=list[ThresholdOut],
            summary="Tune the thresholds (stewards); the next run of the job uses them")
def tune_thresholds(request: HttpRequest, slug: str, payload: ThresholdsIn):
    community, _standing = policy.access_community(request.user, slug, Can.TUNE_HEALTH)
    actions.do_tune_thresholds(actor=request.user, community=community,
                               values=payload.thresholds, reset=payload.reset)
    return _thresholds(community)


class PulseStatementOut(Schema):
    key: str
    statement: str
    average: float | None
    distribution: list[int] = Field(description="Answers at 1, 2, 3, 4 and 5.")


class PulseOut(Schema):
    id: int
    open_question: str
    opened_at: datetime
    closes_at: datetime
    is_open: bool
    recipients: int
    answers: int
    results_shown: bool = Field(description="Results show from five answers.")
    statements: list[PulseStatementOut] = Field(default_factory=list)
    open_answers: list[str] = Field(default_factory=list)


class PulseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    open_question: str = ""
    days: int = 14


class PulseAnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    passion: int
    trust: int
    value_felt: int
    identification: int
    open_answer: str = ""


def _pulse(survey) -> dict:
    found = pulse.results(survey)
    return {"id": survey.pk, "open_question": survey.open_question,
            "opened_at": survey.opened_at, "closes_at": survey.closes_at,
            "is_open": survey.is_open, "recipients": survey.recipients,
            "answers": found["count"], "results_shown": found["shown"],
            "statements": found.get("statements", []),
            "open_answers": found.get("open_answers", [])}


@router.get("/communities/{slug}/pulse", response=list[PulseOut],
            summary="Pulse surveys with their aggregate results (stewards and sponsors)")
def list_pulse(request: HttpRequest, slug: str):
    community, _standing = policy.access_community(request.user, slug, Can.VIEW_HEALTH)
    return [_pulse(s) for s in PulseSurvey.objects.filter(community=community)[:12]]


@router.post("/communities/{slug}/pulse", response={201: PulseOut},
             summary="Send a pulse survey to every member (stewards)")
def send_pulse(request: HttpRequest, slug: str, payload: PulseIn):
    community, _standing = policy.access_community(request.user, slug, Can.SEND_PULSE)
    survey = pulse.do_send_pulse(actor=request.user, community=community,
                                 open_question=payload.open_question, days=payload.days)
    return Status(201, _pulse(survey))


@router.post("/communities/{slug}/pulse/{survey_id}/answers", response={204: None},
             summary="Answer a pulse survey, once and anonymously (members)")
def answer_pulse(request: HttpRequest, slug: str, survey_id: int, payload: PulseAnswerIn):
    community, _standing = policy.access_community(request.user, slug, Can.ANSWER_PULSE)
    survey = PulseSurvey.objects.filter(pk=survey_id, community=community).first()
    if survey is None:
        raise NotAllowed("no such survey", hide=True)
    pulse.do_answer_pulse(actor=request.user, survey=survey,
                          values={k: str(v) for k, v in payload.dict().items()})
    return Status(204, None)


# --- maturity ------------------------------------------------------------------------------

class MaturityRoundOut(Schema):
    id: int
    label: str
    include_core: bool
    opened_at: datetime
    closed_at: datetime | None
    raters: int
    averages: dict[str, float] = Field(description="Dimension key -> average level (1-5).")


class MaturityIn(Schema):
    model_config = ConfigDict(extra="forbid")

    label: str = ""
    include_core: bool = False


class RatingsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    levels: dict[str, int] = Field(description="Each dimension key -> 1..5: domain, "
                                               "community, practice, rhythm, value, "
                                               "sponsorship, technology.")
    notes: dict[str, str] = Field(default_factory=dict)


def _rounds(community) -> list[dict]:
    rounds = list(MaturityAssessment.objects.filter(community=community)[:12])
    found = maturity.averages(rounds)
    return [{"id": r.pk, "label": r.label, "include_core": r.include_core,
             "opened_at": r.opened_at, "closed_at": r.closed_at,
             "raters": found[r.pk].get("raters", 0),
             "averages": {k: v for k, v in found[r.pk].items() if k != "raters"}}
            for r in rounds]


def _may_read_maturity(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.SEE)
    if Can.VIEW_HEALTH not in policy.allowed(standing, community) \
            and standing != policy.Standing.CORE:
        raise NotAllowed("not allowed to read the maturity assessment")
    return community


@router.get("/communities/{slug}/maturity", response=list[MaturityRoundOut],
            summary="Rounds of the maturity self-assessment with their averages")
def list_maturity(request: HttpRequest, slug: str):
    return _rounds(_may_read_maturity(request, slug))


@router.post("/communities/{slug}/maturity", response={201: list[MaturityRoundOut]},
             summary="Open a round of the maturity self-assessment (stewards)")
def open_maturity(request: HttpRequest, slug: str, payload: MaturityIn):
    community, _standing = policy.access_community(request.user, slug, Can.ASSESS_MATURITY)
    maturity.do_open_assessment(actor=request.user, community=community, label=payload.label,
                                include_core=payload.include_core)
    return Status(201, _rounds(community))


@router.put("/communities/{slug}/maturity/{round_id}/ratings",
            response=list[MaturityRoundOut], summary="Rate every dimension of an open round")
def rate_maturity(request: HttpRequest, slug: str, round_id: int, payload: RatingsIn):
    community, _standing = policy.access_community(request.user, slug, Can.SEE)
    found = MaturityAssessment.objects.filter(pk=round_id, community=community).first()
    if found is None:
        raise NotAllowed("no such assessment", hide=True)
    values = {key: str(level) for key, level in payload.levels.items()}
    values |= {f"{key}_note": note for key, note in payload.notes.items()}
    maturity.do_rate(actor=request.user, assessment=found, values=values)
    return _rounds(community)


# --- the action plan -------------------------------------------------------------------------

class PlanActivityOut(Schema):
    id: int
    title: str
    learning_format: str | None
    owner: str | None
    starts_on: date | None
    ends_on: date | None
    cadence: str
    status: str


class GoalOut(Schema):
    id: int
    title: str
    indicator: str
    indicator_name: str
    target: str
    activities: list[PlanActivityOut]


class PlanOut(Schema):
    id: int
    title: str
    starts_on: date
    ends_on: date
    goals: list[GoalOut]
    markdown_url: str
    pdf_url: str


class PlanIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str
    starts_on: str
    ends_on: str
    goal_title: str = Field(description="A plan starts with its first goal.")
    goal_indicator: str = ""
    goal_target: str = ""


class GoalIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str
    indicator: str = ""
    target: str = ""


class PlanActivityIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str
    learning_format: str = ""
    owner: int | None = None
    starts_on: str = ""
    ends_on: str = ""
    cadence: str = "once"
    status: str = "planned"


class StatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: str


def _plan(plan) -> dict:
    base = settings.SITE_URL + f"/c/{plan.community.slug}/plan/{plan.pk}"
    return {"id": plan.pk, "title": plan.title, "starts_on": plan.starts_on,
            "ends_on": plan.ends_on, "markdown_url": base + ".md", "pdf_url": base + ".pdf",
            "goals": [{"id": g.pk, "title": g.title, "indicator": g.indicator,
                       "indicator_name": g.indicator_name, "target": g.target,
                       "activities": [{
                           "id": a.pk, "title": a.title,
                           "learning_format": a.learning_format.slug if a.learning_format
                           else None, "owner": a.owner.username if a.owner else None,
                           "starts_on": a.starts_on, "ends_on": a.ends_on,
                           "cadence": a.cadence, "status": a.status}
                           for a in g.activities.all()]}
                      for g in _goals(plan)]}


def _goals(plan) -> list:
    """Goals read with the plan (plans_with_goals) or now."""
    found = getattr(plan, "goal_list", None)
    return found if found is not None else plans.goals_with_activities(plan)


@router.get("/communities/{slug}/plans", response=list[PlanOut],
            summary="The community's action plans, latest first (members read)")
def list_plans(request: HttpRequest, slug: str):
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    return [_plan(p) for p in plans.plans_with_goals(community, limit=10)]


@router.post("/communities/{slug}/plans", response={201: PlanOut},
             summary="Start a plan with its first goal (stewards)")
def start_plan(request: HttpRequest, slug: str, payload: PlanIn):
    community, _standing = policy.access_community(request.user, slug, Can.PLAN)
    return Status(201, _plan(plans.do_start_plan(actor=request.user, community=community,
                                                 values=payload.dict())))


@router.post("/communities/{slug}/plans/{plan_id}/goals", response={201: PlanOut},
             summary="Add a goal (stewards)")
def add_goal(request: HttpRequest, slug: str, plan_id: int, payload: GoalIn):
    community, _standing = policy.access_community(request.user, slug, Can.PLAN)
    plan = plans.plan_of(request.user, community, plan_id)
    plans.do_add_goal(actor=request.user, plan=plan, values=payload.dict())
    return Status(201, _plan(plan))


@router.post("/communities/{slug}/plans/{plan_id}/goals/{goal_id}/activities",
             response={201: PlanOut}, summary="Add an activity to a goal (stewards)")
def add_activity(request: HttpRequest, slug: str, plan_id: int, goal_id: int,
                 payload: PlanActivityIn):
    community, _standing = policy.access_community(request.user, slug, Can.PLAN)
    plan = plans.plan_of(request.user, community, plan_id)
    goal = plan.goals.filter(pk=goal_id).first()
    if goal is None:
        raise NotAllowed("no such goal", hide=True)
    values = {**payload.dict(), "owner": str(payload.owner or "")}
    plans.do_add_activity(actor=request.user, goal=goal, values=values)
    return Status(201, _plan(plan))


@router.patch("/communities/{slug}/plans/{plan_id}/activities/{activity_id}",
              response=PlanOut, summary="Set an activity's status (stewards)")
def set_status(request: HttpRequest, slug: str, plan_id: int, activity_id: int,
               payload: StatusIn):
    community, _standing = policy.access_community(request.user, slug, Can.PLAN)
    plan = plans.plan_of(request.user, community, plan_id)
    activity = PlanActivity.objects.filter(pk=activity_id, goal__plan=plan).first()
    if activity is None:
        raise NotAllowed("no such activity", hide=True)
    plans.do_set_status(actor=request.user, activity=activity, status=payload.status)
    return _plan(plan)


@router.post("/communities/{slug}/plans/{plan_id}/copy", response={201: PlanOut},
             summary="Copy a plan into the next period (stewards)")
def copy_plan(request: HttpRequest, slug: str, plan_id: int):
    community, _standing = policy.access_community(request.user, slug, Can.PLAN)
    plan = plans.plan_of(request.user, community, plan_id)
    return Status(201, _plan(plans.do_copy_plan(actor=request.user, plan=plan)))
