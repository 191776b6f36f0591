from django import forms
from django.utils.translation import gettext_lazy as _

from cultivate.evaluation.cycles import CYCLE_CHOICES
from cultivate.evaluation.indicators.models import Aggregation, TargetPeriod


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    cycle = forms.ChoiceField(label=_("Cycle"), choices=CYCLE_CHOICES)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False,
                           help_text=_("ministries, %, people, ..."))
    description = forms.CharField(label=_("How it is collected"), required=False,
                                  max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    target = forms.CharField(label=_("Target"), required=False, max_length=20)
    target_period = forms.ChoiceField(label=_("Target per"), choices=TargetPeriod.choices,
                                      initial=TargetPeriod.QUARTER)
    aggregation = forms.ChoiceField(label=_("Figures of a longer period"),
                                    choices=Aggregation.choices, initial=Aggregation.SUM)


class ValueForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=10,
                             help_text=_("2026, 2026-Q4 or 2026-11"))
    value = forms.CharField(label=_("Value"), max_length=20)
    source = forms.CharField(label=_("Source"), max_length=300, required=False,
                             help_text=_("Where the figure comes from."))
    url = forms.CharField(label=_("Link to the document"), max_length=500, required=False)
