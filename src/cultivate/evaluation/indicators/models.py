"""Indicators by cycle: computed ones the hourly job fills per week from what the platform
knows, and custom ones conveners define and stewards or sponsors fill in with a source."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cultivate.evaluation.cycles import CYCLE_CHOICES


class TargetPeriod(models.TextChoices):
    MONTH = "month", _("per month")
    QUARTER = "quarter", _("per quarter")
    YEAR = "year", _("per year")


class Aggregation(models.TextChoices):
    """How the figures entered inside a longer period combine (a quarter of monthly figures)."""

    SUM = "sum", _("add them up (counts)")
    AVERAGE = "average", _("average them (scores, rates)")
    LATEST = "latest", _("take the latest (totals to date)")


class Indicator(models.Model):
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="indicators", verbose_name=_("community"))
    # Computed indicators carry the key of their computation; custom ones leave it empty.
    key = models.CharField(max_length=40, blank=True, editable=False)
    cycle = models.CharField(_("cycle"), max_length=16, choices=CYCLE_CHOICES)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("how it is collected"), max_length=2000, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True,
                                 blank=True)
    target_period = models.CharField(_("target period"), max_length=8, choices=TargetPeriod,
                                     default=TargetPeriod.QUARTER)
    aggregation = models.CharField(_("over a longer period"), max_length=8,
                                   choices=Aggregation, default=Aggregation.SUM)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["community", "cycle", "name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["community", "key"],
                                               condition=~models.Q(key=""),
                                               name="indicator_computed_once")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_computed(self) -> bool:
        return bool(self.key)


class IndicatorValue(models.Model):
    """One figure for one period: a week for computed indicators, the period a person entered
    for custom ones (with where it comes from)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))  # inclusive
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=300, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    attachment = models.ForeignKey("attachments.Attachment", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator", "period_start"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [models.UniqueConstraint(fields=["indicator", "period_start", "period_end"],
                                               name="indicator_value_once_per_period")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_start}..{self.period_end}: {self.value}"
