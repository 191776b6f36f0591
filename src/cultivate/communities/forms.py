from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cultivate.communities.actions.invitations import MAX_MESSAGE
from cultivate.communities.models import (
    MAX_MARKDOWN,
    Community,
    ExternalImages,
    JoinPolicy,
    Kind,
    Role,
    Stage,
    Visibility,
)
from cultivate.core import content_languages
from cultivate.core.models import parse_tag_list

MARKDOWN_HELP = _("Markdown: **bold**, *italic*, lists, [links](https://example.org).")


def _markdown(label, help_text, required=False):
    return forms.CharField(
        label=label, required=required, max_length=MAX_MARKDOWN,
        help_text=format_lazy("{} {}", help_text, MARKDOWN_HELP),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class CommunityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Address"), max_length=80, required=False,
        help_text=_("Letters, digits and dashes, used in /c/<address>/. Leave empty to derive "
                    "it from the name."),
    )
    tagline = forms.CharField(label=_("Tagline"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.COMMUNITY,
                             help_text=_("A community shares a domain and identity; a network "
                                         "is about connections among people."))
    stage = forms.ChoiceField(label=_("Lifecycle stage"), choices=Stage.choices,
                              initial=Stage.POTENTIAL)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices,
                                   initial=Visibility.PUBLIC, widget=forms.RadioSelect)
    join_policy = forms.ChoiceField(label=_("Who can join"), choices=JoinPolicy.choices,
                                    initial=JoinPolicy.OPEN, widget=forms.RadioSelect)
    external_images = forms.ChoiceField(
        label=_("Images from other sites"), choices=ExternalImages.choices,
        initial=ExternalImages.CLICK, widget=forms.RadioSelect, required=False,
        help_text=_("An image from another site is loaded from that site, which then learns "
                    "who read the page and when. Click to load keeps readers private; show at "
                    "once is simpler to read."))
    tags = forms.CharField(label=_("Tags"), required=False, max_length=1000,
                           help_text=_("Separate tags with commas, e.g. budgeting, PFM."))
    main_language = forms.ChoiceField(
        label=_("Main language"), required=False,
        choices=lambda: [("", _("Not said"))] + content_languages.choices(),
        help_text=_("The language members mostly write in. Posts are marked with their language "
                    "so screen readers and search read them right; nothing is translated."))
    other_languages = forms.MultipleChoiceField(
        label=_("Other working languages"), required=False, choices=content_languages.choices,
        widget=forms.SelectMultiple(attrs={"size": 5}))
    charter_domain = _markdown(_("Domain"), Community._meta.get_field("charter_domain").help_text,
                               required=True)
    charter_community = _markdown(
        _("Community"), Community._meta.get_field("charter_community").help_text, required=True)
    charter_practice = _markdown(
        _("Practice"), Community._meta.get_field("charter_practice").help_text, required=True)
    case_why = _markdown(_("Why"), Community._meta.get_field("case_why").help_text)
    case_what = _markdown(_("What"), Community._meta.get_field("case_what").help_text)
    case_how = _markdown(_("How"), Community._meta.get_field("case_how").help_text)

    confirm_visibility = forms.BooleanField(
        label=_("Yes, widen who can see the community"), required=False,
        help_text=_("Asked when the new visibility lets more people see it."))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("external_images"):  # not sent (an older form): keep what it was
            cleaned.pop("external_images", None)
        return cleaned

    def clean_tags(self):
        return parse_tag_list(self.cleaned_data["tags"])

    def action_values(self) -> dict:
        """The cleaned data as the actions take it: one ordered list of languages."""
        values = dict(self.cleaned_data)
        main, others = values.pop("main_language", ""), values.pop("other_languages", [])
        values["languages"] = [code for code in [main, *others] if code]
        return values

    @classmethod
    def initial_for(cls, community: Community) -> dict:
        initial = {name: getattr(community, name) for name in cls.base_fields
                   if name not in ("tags", "confirm_visibility", "main_language",
                                   "other_languages")}
        initial["tags"] = ", ".join(tag.name for tag in community.tags.all())
        initial["main_language"] = community.main_language
        initial["other_languages"] = community.languages[1:]
        return initial


    def lock_visibility(self) -> None:
        """For stewards who are not conveners: they see visibility, address and external images,
        not change them."""
        for name in ("visibility", "slug", "external_images"):
            self.fields[name].disabled = True
            self.fields[name].help_text = _("Only conveners can change this.")


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the conveners (optional)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say a few words about your practice and what you hope to learn."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    response = forms.CharField(label=_("Message to the person (optional)"), required=False,
                               max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    message = forms.CharField(
        label=_("Personal message (optional)"), required=False, max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Plain text, up to 500 characters, no links. It is shown as written by "
                    "you."))


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
