"""Read paths of indicators shared by the indicator pages, the matrix, the report, the roll-up
and the API: computed indicators (computed.py) and the community's custom ones, side by side."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from cultivate.core.fragments import cached
from cultivate.core.page_cache import community_scope
from cultivate.evaluation.cycles import position
from cultivate.evaluation.indicators import computed
from cultivate.evaluation.indicators.models import Aggregation, Indicator, IndicatorValue
from cultivate.evaluation.periods import Period


@dataclass
class IndicatorRow:
    indicator: object  # an Indicator (custom) or a computed.ComputedIndicator
    value: Decimal | None  # over the period; None: nothing recorded
    previous: Decimal | None  # over the period before, for the trend
    target: Decimal | None
    trend: list[tuple] = field(default_factory=list)  # (period_start, value) inside the period
    values: list = field(default_factory=list)  # custom: the figures entered in the period

    @property
    def direction(self) -> str:
        """'up', 'down', 'flat' or '' when either figure is missing."""
        if self.value is None or self.previous is None:
            return ""
        if self.value == self.previous:
            return "flat"
        return "up" if self.value > self.previous else "down"

    @property
    def reached(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target

    @property
    def share_of_target(self) -> int | None:
        if not self.target or self.value is None:
            return None
        return min(100, int(self.value * 100 / self.target))


def custom_indicators(community, *, archived: bool = False):
    return Indicator.objects.filter(community=community, key="",
                                    archived_at__isnull=not archived)


def indicator_rows(community, period: Period, *, with_trend: bool = True) -> list[IndicatorRow]:
    """Every indicator of the community (computed, then custom, by cycle) for the period."""
    previous = period.previous()
    now, before, series = cached(
        "value-computed", community.pk, period.key, with_trend,
        scopes=(community_scope(community.pk),),
        compute=lambda: (computed.values_for([community.pk], period)[community.pk],
                         computed.values_for([community.pk], previous)[community.pk],
                         computed.weekly_series(community.pk, period) if with_trend else {}))
    targets = {i.key: i.target for i in Indicator.objects.filter(community=community)
               .exclude(key="") if i.target is not None}
    rows = [IndicatorRow(indicator=c, value=now.get(c.key), previous=before.get(c.key),
                         target=targets.get(c.key), trend=series.get(c.key, []))
            for c in computed.CATALOGUE]
    custom = list(custom_indicators(community))
    entered = _entered(custom, period)
    earlier = _entered(custom, previous)
    for indicator in custom:
        figures = entered.get(indicator.pk, [])
        rows.append(IndicatorRow(
            indicator=indicator, value=combine(indicator, figures),
            previous=combine(indicator, earlier.get(indicator.pk, [])), target=indicator.target,
            trend=[(v.period_start, v.value) for v in figures], values=figures))
    rows.sort(key=lambda row: position(row.indicator.cycle))
    return rows


def _entered(indicators, period: Period) -> dict[int, list[IndicatorValue]]:
    found: dict[int, list[IndicatorValue]] = defaultdict(list)
    if period.key == "":
        return found
    for value in (IndicatorValue.objects.filter(indicator__in=indicators,
                                                period_start__gte=period.start,
                                                period_start__lte=period.end)
                  .select_related("entered_by").order_by("period_start", "entered_at")):
        found[value.indicator_id].append(value)
    return found


def combine(indicator: Indicator, figures: list[IndicatorValue]) -> Decimal | None:
    if not figures:
        return None
    if indicator.aggregation == Aggregation.LATEST:
        return figures[-1].value
    total = sum((v.value for v in figures), Decimal(0))
    if indicator.aggregation == Aggregation.AVERAGE:
        return (total / len(figures)).quantize(Decimal("0.01"))
    return total


def rollup(communities, period: Period) -> list[tuple[object, dict]]:
    """The computed indicators of many communities side by side: [(community, key -> value)]."""
    communities = list(communities)
    values = computed.values_for([c.pk for c in communities], period)
    return [(community, values[community.pk]) for community in communities]
