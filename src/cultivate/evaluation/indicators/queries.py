"""Read paths of indicators shared by the indicator pages, the matrix, the report and the API."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from cultivate.evaluation.indicators.models import Indicator, IndicatorValue
from cultivate.evaluation.periods import Period


@dataclass
class IndicatorRow:
    indicator: Indicator
    value: Decimal | None  # over the period (sum of its values); None: nothing recorded
    previous: Decimal | None  # over the period before, for the trend
    target: Decimal | None  # the indicator's target (per its own target period)
    trend: list[tuple] = field(default_factory=list)  # (period_start, value) inside the period

    @property
    def direction(self) -> str:
        """'up', 'down', 'flat' or '' when either figure is missing."""
        if self.value is None or self.previous is None:
            return ""
        if self.value == self.previous:
            return "flat"
        return "up" if self.value > self.previous else "down"


def indicator_rows(community, period: Period) -> list[IndicatorRow]:
    """Every live indicator of the community with its figure for the period, ordered by cycle.
    (A first version: the indicators work refines how figures combine over a period.)"""
    indicators = list(Indicator.objects.filter(community=community, archived_at__isnull=True))
    previous = period.previous()
    totals = _totals(indicators, period)
    before = _totals(indicators, previous)
    from cultivate.evaluation.cycles import position

    indicators.sort(key=lambda indicator: (position(indicator.cycle), indicator.name))
    return [IndicatorRow(indicator=i, value=totals.get(i.pk), previous=before.get(i.pk),
                         target=i.target) for i in indicators]


def _totals(indicators, period: Period) -> dict[int, Decimal]:
    rows = (IndicatorValue.objects
            .filter(indicator__in=indicators, period_start__gte=period.start,
                    period_start__lte=period.end)
            .values("indicator").annotate(total=Sum("value")).order_by())
    return {row["indicator"]: row["total"] for row in rows}
