from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from cultivate.conversations.models import MAX_BODY, MAX_TITLE, EmailMode, TopicKind
from cultivate.core import content_languages
from cultivate.core.models import parse_tag_list

BODY_HELP = _("Markdown: **bold**, *italic*, lists, `code`, [links](https://example.org).")


def editor(rows: int) -> forms.Textarea:
    """A Markdown textarea whose live preview (htmx, when JavaScript runs) fills #body-preview."""
    return forms.Textarea(attrs={
        "rows": rows, "hx-post": reverse_lazy("markdown-preview"),
        "hx-trigger": "keyup changed delay:400ms, load", "hx-target": "#body-preview",
        "hx-swap": "innerHTML"})


def offer_post_languages(form: forms.Form, community) -> None:
    """A community that works in several languages lets the writer say which one a post is in
    (its `lang`, read by screen readers and search); otherwise it is the community's own."""
    if community is not None and len(community.languages) > 1:
        form.fields["language"] = forms.ChoiceField(
            label=_("Language of this post"), required=False,
            choices=[(code, content_languages.name_of(code)) for code in community.languages])


class TopicForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TopicKind.choices,
                             initial=TopicKind.DISCUSSION, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)

    def enable_similar(self, url: str) -> None:
        """While the title is typed, htmx shows similar questions of the community."""
        self.fields["title"].widget.attrs.update({
            "hx-get": url, "hx-trigger": "keyup changed delay:500ms", "hx-target": "#similar",
            "hx-include": "this"})
    body = forms.CharField(label=_("Text"), max_length=MAX_BODY, help_text=BODY_HELP,
                           widget=editor(8))
    tags = forms.CharField(label=_("Tags"), required=False, max_length=500,
                           help_text=_("Separate tags with commas."))

    def __init__(self, *args, can_announce: bool = False, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_post_languages(self, community)
        if not can_announce:
            self.fields["kind"].choices = [
                choice for choice in TopicKind.choices if choice[0] != TopicKind.ANNOUNCEMENT]

    def clean_tags(self):
        return parse_tag_list(self.cleaned_data["tags"])


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=MAX_BODY, help_text=BODY_HELP,
                           widget=editor(6))
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_post_languages(self, community)


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE, required=False)
    body = forms.CharField(label=_("Text"), max_length=MAX_BODY, help_text=BODY_HELP,
                           widget=editor(10))

    def __init__(self, *args, with_title: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_title:
            self.fields["title"].required = True
        else:
            del self.fields["title"]  # only a topic's first post carries its title


class SubscriptionForm(forms.Form):
    email_mode = forms.ChoiceField(label=_("Email from this community"), choices=EmailMode.choices)
    follows_new_topics = forms.BooleanField(
        label=_("Notify me in Cultivate of every new topic"), required=False)
