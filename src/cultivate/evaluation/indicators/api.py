"""JSON routes of indicators, the matrix and the roll-up, with the pages' permissions."""

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cultivate import policy
from cultivate.evaluation import matrix as value_matrix
from cultivate.evaluation.indicators import actions, queries
from cultivate.evaluation.periods import parse_period
from cultivate.insights import as_of
from cultivate.policy import Can

router = Router(tags=["value creation"])


class ValuePeriodQuery(Schema):
    period: str = Field("", description="2026, 2026-Q4 or 2026-11; the current quarter when "
                                        "left out.")


class IndicatorOut(Schema):
    id: int | None = Field(description="None for computed indicators.")
    key: str = Field(description="The computed indicator's key; empty for custom ones.")
    computed: bool
    cycle: str
    name: str
    unit: str
    description: str
    value: Decimal | None
    previous: Decimal | None
    target: Decimal | None
    trend: list[tuple[date, Decimal]]


class IndicatorsOut(Schema):
    period: str
    start: date
    end: date
    indicators: list[IndicatorOut]


class IndicatorIn(Schema):
    name: str
    cycle: str
    unit: str = ""
    description: str = ""
    target: str = Field("", description="A number, as text; empty for none.")
    target_period: str = "quarter"
    aggregation: str = Field("sum", description="sum, average or latest")


class IndicatorTargetIn(Schema):
    target: str = Field("", description="A number, as text; empty to remove the target.")


class IndicatorValueIn(Schema):
    period: str
    value: str
    source: str = ""
    url: str = ""


class MatrixStep(Schema):
    story_id: int
    story_title: str
    url: str
    aspirational: bool
    text: str


class MatrixRowOut(Schema):
    cycle: str
    indicators: list[IndicatorOut]
    steps: list[MatrixStep]


class MatrixOut(Schema):
    period: str
    rows: list[MatrixRowOut]


class RollupRow(Schema):
    community: str
    name: str
    values: dict[str, Decimal | None]


class RollupOut(Schema):
    period: str
    communities: list[RollupRow]


def _indicator(row) -> dict:
    indicator = row.indicator
    return {"id": indicator.pk, "key": getattr(indicator, "key", ""),
            "computed": indicator.is_computed, "cycle": indicator.cycle,
            "name": str(indicator.name), "unit": str(indicator.unit),
            "description": str(indicator.description), "value": row.value,
            "previous": row.previous, "target": row.target,
            "trend": [(start, Decimal(value)) for start, value in row.trend
                      if value is not None]}


@router.get("/communities/{slug}/value/indicators", response=IndicatorsOut,
            summary="Indicators by cycle for a period (stewards and sponsors)")
def list_indicators(request: HttpRequest, slug: str, params: Query[ValuePeriodQuery]):
    community, _standing = policy.access_community(request.user, slug, Can.VIEW_VALUE)
    period = parse_period(params.period, today=as_of.default_day(community))
    return {"period": period.key, "start": period.start, "end": period.end,
            "indicators": [_indicator(row) for row in queries.indicator_rows(community, period)]}


@router.post("/communities/{slug}/value/indicators", response={201: IndicatorOut},
             summary="Define a custom indicator (facilitators and conveners)")
def define_indicator(request: HttpRequest, slug: str, payload: IndicatorIn):
    community, _standing = policy.access_community(request.user, slug, Can.DEFINE_INDICATORS)
    indicator = actions.do_define_indicator(actor=request.user, community=community,
                                            values=payload.dict())
    return Status(201, _indicator(queries.IndicatorRow(indicator, None, None,
                                                       indicator.target)))


@router.put("/communities/{slug}/value/indicators/{indicator_id}", response=IndicatorOut,
            summary="Change a custom indicator")
def change_indicator(request: HttpRequest, slug: str, indicator_id: int,
                     payload: IndicatorIn):
    community, _standing = policy.access_community(request.user, slug, Can.DEFINE_INDICATORS)
    indicator = actions.access_indicator(request.user, community, indicator_id)
    indicator = actions.do_define_indicator(actor=request.user, community=community,
                                            values=payload.dict(), indicator=indicator)
    return _indicator(queries.IndicatorRow(indicator, None, None, indicator.target))


@router.delete("/communities/{slug}/value/indicators/{indicator_id}", response={204: None},
               summary="Archive a custom indicator (its figures stay)")
def archive_indicator(request: HttpRequest, slug: str, indicator_id: int):
    community, _standing = policy.access_community(request.user, slug, Can.DEFINE_INDICATORS)
    indicator = actions.access_indicator(request.user, community, indicator_id)
    actions.do_archive_indicator(actor=request.user, community=community, indicator=indicator)
    return Status(204, None)


@router.put("/communities/{slug}/value/indicators/computed/{key}/target",
            response={204: None}, summary="Set the target of a computed indicator")
def set_computed_target(request: HttpRequest, slug: str, key: str, payload: IndicatorTargetIn):
    community, _standing = policy.access_community(request.user, slug, Can.DEFINE_INDICATORS)
    actions.do_set_computed_target(actor=request.user, community=community, key=key,
                                   target=payload.target)
    return Status(204, None)


@router.post("/communities/{slug}/value/indicators/{indicator_id}/values",
             response={204: None},
             summary="Enter a custom indicator's figure for a period (stewards, sponsors)")
def enter_value(request: HttpRequest, slug: str, indicator_id: int, payload: IndicatorValueIn):
    community, _standing = policy.access_community(request.user, slug,
                                                   Can.ENTER_INDICATOR_VALUES)
    indicator = actions.access_indicator(request.user, community, indicator_id)
    actions.do_enter_value(actor=request.user, community=community, indicator=indicator,
                           values=payload.dict())
    return Status(204, None)


@router.get("/communities/{slug}/value/matrix", response=MatrixOut,
            summary="The value-creation matrix for a period")
def get_matrix(request: HttpRequest, slug: str, params: Query[ValuePeriodQuery]):
    community, _standing = policy.access_community(request.user, slug, Can.VIEW_VALUE)
    built = value_matrix.build(request.user, community,
                               parse_period(params.period, today=as_of.default_day(community)))
    from cultivate.evaluation.stories.actions import story_path

    return {"period": built.period.key, "rows": [{
        "cycle": row.cycle.key, "indicators": [_indicator(r) for r in row.indicators],
        "steps": [{"story_id": story.pk, "story_title": story.title, "url": story_path(story),
                   "aspirational": step.aspirational, "text": step.text}
                  for story, step in row.steps]} for row in built.rows]}


@router.get("/value/rollup", response=RollupOut,
            summary="Computed indicators of the communities you sponsor or steward")
def rollup(request: HttpRequest, params: Query[ValuePeriodQuery]):
    period = parse_period(params.period)
    communities = policy.value_communities(request.user).order_by("name")[:200]
    return {"period": period.key, "communities": [
        {"community": c.slug, "name": c.name, "values": values}
        for c, values in queries.rollup(communities, period)]}
