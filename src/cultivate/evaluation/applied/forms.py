from django import forms
from django.utils.translation import gettext_lazy as _

from cultivate.evaluation.applied.models import MAX_CHANGE, MAX_NOTE, Difference, FigureKind


class AppliedNoteForm(forms.Form):
    note = forms.CharField(
        label=_("How did you apply it? (optional)"), required=False, max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One sentence, e.g. “used the circular template in our 2027 "
                    "budget call”."))


class FollowUpForm(forms.Form):
    difference = forms.ChoiceField(label=_("Did it make a difference?"),
                                   choices=Difference.choices, widget=forms.RadioSelect)
    what_changed = forms.CharField(label=_("What changed?"), required=False,
                                   max_length=MAX_CHANGE, widget=forms.Textarea(attrs={"rows": 4}))
    for_whom = forms.CharField(label=_("For whom?"), required=False, max_length=200,
                               help_text=_("Your team, your organisation, citizens, ..."))
    figure_kind = forms.ChoiceField(label=_("A figure, if you have one"), required=False,
                                    choices=[("", _("no figure")), *FigureKind.choices])
    figure_value = forms.CharField(label=_("Value"), required=False, max_length=20)
    figure_unit = forms.CharField(label=_("Unit"), required=False, max_length=40,
                                  help_text=_("hours, weeks, euros, people, ..."))
    may_quote = forms.BooleanField(label=_("You may quote what I wrote, with my name, in "
                                           "stories and reports"), required=False)
