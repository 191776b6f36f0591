"""The sponsor report as JSON, with the pages' permissions."""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from cultivate import policy
from cultivate.core.errors import NotAllowed
from cultivate.evaluation.indicators.api import IndicatorOut, ValuePeriodQuery, _indicator
from cultivate.evaluation.periods import parse_period
from cultivate.evaluation.reports import builder
from cultivate.evaluation.stories.actions import story_path
from cultivate.insights import as_of
from cultivate.policy import Can

router = Router(tags=["value creation"])


class ReportStory(Schema):
    id: int
    title: str
    url: str
    cycles: list[str]


class CommunityReportOut(Schema):
    community: str
    name: str
    period: str
    charter: str
    members: int
    levels: dict[str, int]
    stage: str
    indicators: list[IndicatorOut]
    stories: list[ReportStory]


class LandscapeReportOut(Schema):
    period: str
    communities: list[CommunityReportOut]
    summary: list[dict[str, str | Decimal | None]]


def _out(found) -> dict:
    return {"community": found.community.slug, "name": found.community.name,
            "period": found.period.key, "charter": found.charter, "members": found.members,
            "levels": dict(found.levels), "stage": found.stage,
            "indicators": [_indicator(row) for row in found.indicators],
            "stories": [{"id": s.pk, "title": s.title, "url": story_path(s),
                         "cycles": [step.cycle for step in s.steps.all()
                                    if not step.aspirational]} for s in found.stories]}


@router.get("/communities/{slug}/value/report", response=CommunityReportOut,
            summary="The sponsor report of a community for a period")
def community_report(request: HttpRequest, slug: str, params: Query[ValuePeriodQuery]):
    community, _standing = policy.access_community(request.user, slug, Can.VIEW_VALUE)
    period = parse_period(params.period, today=as_of.default_day(community))
    return _out(builder.community_report(request.user, community, period))


@router.get("/value/report", response=LandscapeReportOut,
            summary="The landscape report: every community you sponsor (admins: all)")
def landscape_report(request: HttpRequest, params: Query[ValuePeriodQuery]):
    communities = policy.value_communities(request.user).order_by("name")[:100]
    if not communities:
        raise NotAllowed("no community to report on")
    found = builder.landscape_report(request.user, communities, parse_period(params.period))
    keys = [item.key for item in found.catalogue]
    return {"period": found.period.key, "communities": [_out(c) for c in found.communities],
            "summary": [{"community": c.slug, **dict(zip(keys, values, strict=True))}
                        for c, values in found.summary]}
