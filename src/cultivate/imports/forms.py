from django import forms
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cultivate.communities.models import Community
from cultivate.core.errors import ActionError
from cultivate.imports.folder import UPLOAD_SUFFIXES, import_root, resolve_source
from cultivate.imports.models import ImportKind

IMPORT_ROOT = lazy(lambda: str(import_root()), str)()
NEEDS_COMMUNITY = (ImportKind.STACKEXCHANGE, ImportKind.MBOX)
NEEDS_FOLDER = (ImportKind.STACKEXCHANGE, ImportKind.DISCOURSE)


class StartImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What to import"), choices=ImportKind.choices)
    community = forms.ModelChoiceField(
        label=gettext_lazy("Into the community"), required=False,
        queryset=Community.objects.order_by("name"),
        help_text=gettext_lazy("Required for Stack Exchange dumps and mail archives. For "
                               "Discourse: where categories not listed below go."))
    path = forms.CharField(
        label=gettext_lazy("A file or folder already on the server"), required=False,
        max_length=500,
        help_text=format_lazy(gettext_lazy("Inside the import folder, {root}: relative to it "
                                           "or in full."), root=IMPORT_ROOT))
    upload = forms.FileField(
        label=gettext_lazy("Or upload it"), required=False,
        help_text=gettext_lazy("A .zip of a dump or folder, or an .mbox or .mbox.gz file. It "
                               "is unpacked into the import folder."))
    site = forms.CharField(
        label=gettext_lazy("Stack Exchange site"), required=False, max_length=200,
        help_text=gettext_lazy("For example history.meta.stackexchange.com (default: the "
                               "folder's name). Running the import again with the same site "
                               "adds only what is new."))
    list_name = forms.CharField(label=gettext_lazy("Mailing list name"), required=False,
                                max_length=200)
    category_map = forms.CharField(
        label=gettext_lazy("Discourse categories to communities"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One line per category: category = community address (for "
                               "example “budgeting = budget-practitioners”)."))

    def clean_path(self):
        text = self.cleaned_data["path"].strip()
        if not text:
            return None
        try:
            return resolve_source(text)
        except ActionError as error:
            raise forms.ValidationError(error.message, code=error.code) from error

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload and not upload.name.lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(
                _("Upload a .zip of a dump or folder, or an .mbox or .gz file."))
        return upload

    def clean_category_map(self):
        mapping = {}
        for number, line in enumerate(self.cleaned_data["category_map"].splitlines(), 1):
            if not line.strip():
                continue
            category, equals, slug = (part.strip() for part in line.partition("="))
            if not (equals and category and slug):
                raise forms.ValidationError(
                    _("Line %(number)s: write “category = community address”.")
                    % {"number": number})
            mapping[category] = slug
        unknown = sorted(set(mapping.values()) - set(
            Community.objects.filter(slug__in=mapping.values()).values_list("slug", flat=True)))
        if unknown:
            raise forms.ValidationError(_("No community at the address %(slugs)s.")
                                        % {"slugs": ", ".join(unknown)})
        return mapping

    def clean(self):
        data = super().clean()
        kind, path, upload = data.get("kind"), data.get("path"), data.get("upload")
        if path and upload:
            self.add_error("upload", _("Name a file on the server or upload one, not both."))
        elif not (path or upload or self.has_error("path") or self.has_error("upload")):
            self.add_error("path", _("Name a file or folder on the server, or upload one."))
        if kind in NEEDS_COMMUNITY and not data.get("community"):
            self.add_error("community", _("Choose the community that receives the history."))
        if (kind == ImportKind.DISCOURSE and not data.get("community")
                and not data.get("category_map") and not self.has_error("category_map")):
            self.add_error("community", _("Choose a community, or a community for each "
                                          "category below."))
        if path and kind in NEEDS_FOLDER and not path.is_dir():
            self.add_error("path", _("This import reads a folder; %(name)s is a file.")
                           % {"name": path.name})
        return data
