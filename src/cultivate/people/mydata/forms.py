from django import forms
from django.utils.translation import gettext_lazy as _

from cultivate.people.models import ErasureMode


class ErasureForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("What happens to what you wrote"), choices=ErasureMode.choices,
        widget=forms.RadioSelect,
        help_text=_("Kept: your posts, methods and stories stay, shown as by “a former "
                    "member”. Deleted: your posts, stories, comments and resources are removed; "
                    "a topic others replied to keeps their replies without your text, and a "
                    "method others edited stays."))
    confirm = forms.BooleanField(
        label=_("I understand that after the grace period my account cannot be restored."))
