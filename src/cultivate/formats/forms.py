from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cultivate.conversations.forms import BODY_HELP, editor
from cultivate.formats.models import MAX_GROUP, MAX_MINUTES, MAX_NOTES, MAX_ROLES


def _number(label, highest, help_text=""):
    return forms.IntegerField(label=label, required=False, min_value=1, max_value=highest,
                              help_text=help_text)


class AdaptForm(forms.Form):
    """How a community runs a format. Limits are checked again by the action."""

    notes = forms.CharField(
        label=_("How we run it"), max_length=MAX_NOTES, widget=editor(10),
        help_text=format_lazy("{} {}", _("What your community does its own way: when, where, "
                                         "who prepares what, what to watch out for."),
                              BODY_HELP))
    roles = forms.CharField(
        label=_("Our roles"), required=False, max_length=MAX_ROLES,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Leave empty to use the roles of the catalogue."))
    duration_min = _number(_("Shortest session (minutes)"), MAX_MINUTES,
                           _("Leave the session length empty to use the catalogue's."))
    duration_max = _number(_("Longest session (minutes)"), MAX_MINUTES)
    group_size_min = _number(_("Smallest group"), MAX_GROUP,
                             _("Leave the group size empty to use the catalogue's."))
    group_size_max = _number(_("Largest group"), MAX_GROUP)

    @classmethod
    def for_adaptation(cls, adaptation):
        if adaptation is None:
            return cls()
        return cls(initial={name: getattr(adaptation, name) for name in cls.base_fields})
