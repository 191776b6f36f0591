"""JSON routes of the health check, its thresholds and the stage, with the pages' permissions."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from cultivate import policy
from cultivate.core.errors import NotAllowed
from cultivate.health import actions, pulse, queries
from cultivate.health.models import PulseSurvey
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
                           "changed_by": c.changed_by.username if c.changed_by else None}
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
    open_question: str = ""
    days: int = 14


class PulseAnswerIn(Schema):
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
