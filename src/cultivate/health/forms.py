from django import forms
from django.utils.translation import gettext_lazy as _

from cultivate.communities.models import Stage


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move the stage to"), choices=Stage.choices)
    stage_reason = forms.CharField(
        label=_("Why"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you see that says the community is at this stage; kept in the "
                    "history."))
