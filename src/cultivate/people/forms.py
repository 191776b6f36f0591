from django import forms
from django.utils.translation import gettext_lazy as _

from cultivate.core.i18n import language_choices
from cultivate.core.models import parse_tag_list
from cultivate.people.models import MAX_DECISION_NOTE, MAX_EVIDENCE, TIME_ZONE_CHOICES


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    bio = forms.CharField(label=_("Short bio"), max_length=2000, required=False,
                          widget=forms.Textarea(attrs={"rows": 4}),
                          help_text=_("Markdown. What you work on and what you can help with."))
    organisation = forms.CharField(label=_("Organisation"), max_length=120, required=False)
    location = forms.CharField(label=_("Location"), max_length=120, required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    language = forms.ChoiceField(
        label=_("Interface language"), required=False,
        choices=lambda: [("", _("As my browser asks"))] + language_choices(),
        help_text=_("Pages and the mail we send you use this language."))
    languages = forms.CharField(label=_("Languages"), max_length=500, required=False,
                                help_text=_("Separate with commas, e.g. English, Français."))
    expertise = forms.CharField(label=_("Expertise"), max_length=1000, required=False,
                                help_text=_("Topics people can ask you about, separated by "
                                            "commas."))

    def clean_languages(self):
        return parse_tag_list(self.cleaned_data["languages"])

    def clean_expertise(self):
        return parse_tag_list(self.cleaned_data["expertise"])

    @classmethod
    def initial_for(cls, user) -> dict:
        return {
            "display_name": user.display_name, "bio": user.bio,
            "organisation": user.organisation, "location": user.location,
            "time_zone": user.time_zone, "language": user.language,
            "languages": ", ".join(user.languages),
            "expertise": ", ".join(tag.name for tag in user.expertise.all()),
        }


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80,
                           help_text=_("What will use it, e.g. 'monthly report script'."))


class ClaimForm(forms.Form):
    evidence = forms.CharField(
        label=_("Why is this account yours?"), max_length=MAX_EVIDENCE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A reviewer reads this. Link to your profile on the original site, or say "
                    "how you can show it is you."))


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    message = forms.CharField(label=_("Message to the person (optional)"), required=False,
                              max_length=MAX_DECISION_NOTE,
                              widget=forms.Textarea(attrs={"rows": 2}))
