"""What a sponsor report holds, for one community or a landscape, for a period: the same
figures the pages show (indicators from indicators.queries, stories from stories.queries,
levels from insights), gathered once for the HTML page, the Markdown and the PDF."""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import Truncator

from cultivate.core.markdown import plain_text
from cultivate.evaluation.indicators.queries import IndicatorRow, indicator_rows, rollup
from cultivate.evaluation.periods import Period
from cultivate.evaluation.stories.queries import strongest_stories
from cultivate.insights.models import LEVEL_ORDER, CommunityFigures, Level

REPORT_STORIES = 5
# Apps that add sections to a community's report register a function (community, period) ->
# [ReportSection]; community health adds its signals, maturity and the plan.
REPORT_EXTRAS: list = []


@dataclass
class ReportSection:
    title: str
    lines: list[str]  # plain text, for the page, the PDF and the Markdown alike


@dataclass
class CommunityReport:
    community: object
    period: Period
    charter: str  # in two lines
    members: int
    levels: list[tuple[str, int]]  # (level label, people), centre outwards
    indicators: list[IndicatorRow]
    stories: list
    stage: str
    sections: list = field(default_factory=list)  # ReportSection from REPORT_EXTRAS

    @property
    def indicators_with_figures(self) -> list[IndicatorRow]:
        return [row for row in self.indicators if row.value is not None or row.target]


@dataclass
class LandscapeReport:
    period: Period
    communities: list[CommunityReport] = field(default_factory=list)
    catalogue: list = field(default_factory=list)
    summary: list = field(default_factory=list)  # (community, [values in catalogue order])
    generated_at: object = None


def charter_lines(community) -> str:
    domain = plain_text(community.charter_domain_html)
    parts = [community.tagline, domain]
    return Truncator(" ".join(p for p in parts if p)).chars(280)


def community_report(user, community, period: Period, *, stories=REPORT_STORIES,
                     with_trend: bool = True) -> CommunityReport:
    figures = CommunityFigures.objects.filter(community=community).only("levels").first()
    counts = figures.levels if figures and isinstance(figures.levels, dict) else {}
    labels = dict(Level.choices)
    return CommunityReport(
        community=community, period=period, charter=charter_lines(community),
        members=community.member_count,
        levels=[(str(labels[level]), int(counts.get(level, 0) or 0)) for level in LEVEL_ORDER],
        indicators=indicator_rows(community, period, with_trend=with_trend),
        stories=strongest_stories(user, [community], period, limit=stories),
        stage=community.get_stage_display(),
        sections=[section for extra in REPORT_EXTRAS for section in extra(community, period)])


def landscape_report(user, communities, period: Period) -> LandscapeReport:
    from cultivate.evaluation.indicators.computed import CATALOGUE

    communities = list(communities)
    return LandscapeReport(
        period=period, catalogue=list(CATALOGUE),
        communities=[community_report(user, c, period, stories=3, with_trend=False)
                     for c in communities],
        summary=[(c, [values.get(item.key) for item in CATALOGUE])
                 for c, values in rollup(communities, period)],
        generated_at=timezone.now())
