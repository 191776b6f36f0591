from django import forms
from django.utils.translation import gettext_lazy as _

from cultivate.conversations.forms import BODY_HELP, editor
from cultivate.core.models import parse_tag_list
from cultivate.practice.models import (
    MAX_SECTION,
    MAX_STORY_PART,
    MAX_TITLE,
    Outcome,
    Sharing,
)


def markdown_field(label, help_text=BODY_HELP, *, required=False, max_length=MAX_SECTION,
                   rows=6):
    return forms.CharField(label=label, required=required, max_length=max_length,
                           help_text=help_text, widget=forms.Textarea(attrs={"rows": rows}))


class MethodForm(forms.Form):
    title = forms.CharField(label=_("Name of the method"), max_length=MAX_TITLE)
    brief = markdown_field(_("Brief description"), _("What it is, in a few sentences."),
                           required=True, rows=3)
    applications = markdown_field(_("Example applications"),
                                  _("Where it has been or could be used: a list works well."))
    description = forms.CharField(label=_("Full description"), required=False,
                                  max_length=MAX_SECTION, help_text=BODY_HELP,
                                  widget=editor(12))
    references = markdown_field(_("More information and references"),
                                _("Links, guides, toolkits, people to ask."))
    tags = forms.CharField(label=_("Key tags"), required=False, max_length=500,
                           help_text=_("Separate tags with commas."))
    summary = forms.CharField(label=_("What did you change? (optional)"), required=False,
                              max_length=200)
    base_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_tags(self):
        return parse_tag_list(self.cleaned_data["tags"])


class StoryForm(forms.Form):
    title = forms.CharField(label=_("Title of your story"), max_length=MAX_TITLE)
    outcome = forms.ChoiceField(label=_("How did it go?"), choices=Outcome.choices,
                                widget=forms.RadioSelect,
                                help_text=_("Failures teach as much as successes."))
    context = markdown_field(_("The context"), _("Where, with whom, facing what?"),
                             required=True, max_length=MAX_STORY_PART, rows=4)
    what_we_did = markdown_field(_("What we did"), required=True, max_length=MAX_STORY_PART,
                                 rows=4)
    what_happened = markdown_field(_("What happened"), required=True,
                                   max_length=MAX_STORY_PART, rows=4)
    differently = markdown_field(_("What we would do differently"),
                                 max_length=MAX_STORY_PART, rows=3)


class CommentForm(forms.Form):
    body = markdown_field(_("Your comment"), required=True, max_length=MAX_STORY_PART, rows=3)


class PractitionerForm(forms.Form):
    note = forms.CharField(label=_("Your experience with it (optional)"), required=False,
                           max_length=500)
    willing_to_share = forms.BooleanField(label=_("I am glad to share tips"), required=False,
                                          initial=True)


class MethodSettingsForm(forms.Form):
    is_restricted = forms.BooleanField(label=_("Only stewards edit this page"), required=False)
    sharing = forms.ChoiceField(label=_("Who may read it"), choices=Sharing.choices)
    shared_with = forms.ModelMultipleChoiceField(
        label=_("Also list it in these communities"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple)
    related = forms.ModelMultipleChoiceField(
        label=_("Related methods"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, communities, methods, steward: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_with"].queryset = communities
        self.fields["related"].queryset = methods
        if not steward:
            for name in ("is_restricted", "sharing", "shared_with"):
                del self.fields[name]
