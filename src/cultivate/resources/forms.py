"""The add and edit forms of the library. They only parse; the actions validate and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cultivate.conversations.forms import BODY_HELP, editor
from cultivate.core import content_languages as languages
from cultivate.core.models import parse_tag_list
from cultivate.resources import limits
from cultivate.resources.models import (
    MAX_BODY,
    MAX_SUMMARY,
    MAX_TITLE,
    MAX_URL,
    ResourceForm,
    ResourceType,
)


class AddResourceForm(forms.Form):
    """One form for the three forms of resource: the fields of the other two are ignored."""

    form = forms.ChoiceField(label=_("What are you adding?"), choices=ResourceForm.choices,
                             initial=ResourceForm.LINK, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    summary = forms.CharField(
        label=_("Summary"), max_length=MAX_SUMMARY,
        help_text=_("What it is, who it helps and when to use it. Markdown works."),
        widget=forms.Textarea(attrs={"rows": 3}))
    resource_type = forms.ChoiceField(label=_("Type"), choices=ResourceType.choices,
                                      initial=ResourceType.GUIDE)
    language = forms.ChoiceField(label=_("Language"))
    tags = forms.CharField(label=_("Tags"), required=False, max_length=500,
                           help_text=_("Separate tags with commas."))
    url = forms.CharField(label=_("Web address"), required=False, max_length=MAX_URL,
                          widget=forms.URLInput(attrs={"placeholder": "https://"}),
                          help_text=_("For a link: where the resource is, http:// or https://."))
    file = forms.FileField(label=_("File to upload"), required=False)
    body = forms.CharField(label=_("Guide"), required=False, max_length=MAX_BODY,
                           help_text=BODY_HELP, widget=editor(12))

    # Which fields belong to which form of resource (the page groups them).
    FORM_FIELDS = {ResourceForm.LINK: "url", ResourceForm.FILE: "file",
                   ResourceForm.GUIDE: "body"}

    def __init__(self, *args, language: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages.choices()
        self.fields["language"].initial = language if language in languages.CODES else "en"
        described = limits.describe()
        self.fields["file"].help_text = _(
            "Up to %(max)s MB: %(types)s. Files are checked by their content.") % {
            "max": described["max_mb"], "types": described["types"]}
        self.fields["file"].widget.attrs.update({
            "accept": described["accept"], "data-max-bytes": described["max_bytes"]})

    def clean_tags(self):
        return parse_tag_list(self.cleaned_data["tags"])

    def action_values(self, files) -> dict:
        """What do_add_resource takes, from the cleaned fields."""
        data = self.cleaned_data
        return {"form": data["form"], "title": data["title"], "summary": data["summary"],
                "resource_type": data["resource_type"], "language": data["language"],
                "tags": data["tags"], "url": data["url"], "body": data["body"],
                "uploaded_file": files.get("file")}


class EditResourceForm(AddResourceForm):
    """The same fields but the form of resource, which stays; a file may be replaced."""

    def __init__(self, *args, resource, **kwargs):
        super().__init__(*args, **kwargs)
        self.resource = resource
        del self.fields["form"]
        for form, field in self.FORM_FIELDS.items():
            if form != resource.form:
                del self.fields[field]
        if resource.form == ResourceForm.FILE:
            self.fields["file"].label = _("Replace the file")
        elif resource.form == ResourceForm.LINK:
            self.fields["url"].required = True
        else:
            self.fields["body"].required = True

    @staticmethod
    def initial_for(resource) -> dict:
        return {"title": resource.title, "summary": resource.summary,
                "resource_type": resource.resource_type, "language": resource.language,
                "tags": ", ".join(tag.name for tag in resource.tags.all()),
                "url": resource.url, "body": resource.body}

    def action_values(self, files) -> dict:
        data = self.cleaned_data
        values = {"title": data["title"], "summary": data["summary"],
                  "resource_type": data["resource_type"], "language": data["language"],
                  "tags": data["tags"]}
        if self.resource.form == ResourceForm.LINK:
            values["url"] = data["url"]
        elif self.resource.form == ResourceForm.GUIDE:
            values["body"] = data["body"]
        elif files.get("file") is not None:
            values["uploaded_file"] = files["file"]
        return values
