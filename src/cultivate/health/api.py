"""JSON routes of the health check, its thresholds and the stage, with the pages' permissions."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from cultivate import policy
from cultivate.health import actions, queries
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
