"""The resource library: links, uploaded files and written guides a community shares, and the
key resources its stewards pick for the community home."""

import secrets
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cultivate.core import content_languages as languages
from cultivate.core.markdown import plain_text, render_markdown
from cultivate.core.uploads import extension_of, is_image

MAX_TITLE = 200
MAX_SUMMARY = 2_000
MAX_BODY = 50_000
MAX_URL = 2_000


class ResourceForm(models.TextChoices):
    """The form a resource takes (not a Django form): where its content lives."""

    LINK = "link", _("Link")
    FILE = "file", _("File")
    GUIDE = "guide", _("Written guide")


class ResourceType(models.TextChoices):
    GUIDE = "guide", _("Guide")
    TOOLKIT = "toolkit", _("Toolkit")
    CASE_STUDY = "case_study", _("Case study")
    TEMPLATE = "template", _("Template")
    INFOGRAPHIC = "infographic", _("Infographic")
    VIDEO = "video", _("Video")
    REPORT = "report", _("Report")
    DATASET = "dataset", _("Dataset")
    PRESENTATION = "presentation", _("Presentation")
    OTHER = "other", _("Other")


def stored_name(instance, filename: str) -> str:
    """A random name under resources/YYYY/MM/: the member's own name is never a path."""
    ext = extension_of(instance.original_name or filename)
    now = timezone.now()
    return f"resources/{now:%Y}/{now:%m}/{secrets.token_hex(16)}{'.' + ext if ext else ''}"


class Resource(models.Model):
    """A link, an uploaded file or a written guide in a community's library.

    Files are stored through Django's default storage under a random name and served only by
    the permission-checked view (`/c/<slug>/resources/<id>/file/<name>`).
    """

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="resources", verbose_name=_("community"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("added by"))
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    summary = models.TextField(_("summary"), max_length=MAX_SUMMARY)
    summary_html = models.TextField(editable=False, blank=True)
    form = models.CharField(_("form"), max_length=8, choices=ResourceForm)
    resource_type = models.CharField(_("type"), max_length=16, choices=ResourceType,
                                     default=ResourceType.OTHER)
    # An ISO 639-1 code (core.content_languages); validated by the actions.
    language = models.CharField(_("language"), max_length=8)
    tags = models.ManyToManyField("core.Tag", verbose_name=_("tags"), blank=True,
                                  related_name="resources")
    # A link.
    url = models.URLField(_("address"), max_length=MAX_URL, blank=True)
    # A file.
    file = models.FileField(_("file"), upload_to=stored_name, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=120, blank=True,
                                    help_text=_("Sniffed from the content, not the browser."))
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # A written guide.
    body = models.TextField(_("guide"), max_length=MAX_BODY, blank=True)
    body_html = models.TextField(editable=False, blank=True)

    created_at = models.DateTimeField(_("added at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # Soft deletion, as for posts: stewards can still open and restore it.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [
            models.Index(fields=["community", "-created_at"], name="resource_community_recent"),
            models.Index(fields=["community", "resource_type"], name="resource_community_type"),
            models.Index(fields=["community", "language"], name="resource_community_language"),
            # The daily purge looks for deleted resources only.
            models.Index(fields=["deleted_at"], name="resource_deleted",
                         condition=models.Q(deleted_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.summary_html = render_markdown(self.summary)
        self.body_html = render_markdown(self.body) if self.body else ""
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("resources:detail",
                       kwargs={"slug": self.community.slug, "resource_id": self.pk})

    @property
    def file_url(self) -> str:
        """The permission-checked address of the file ('' for links and guides)."""
        if self.form != ResourceForm.FILE or not self.original_name:
            return ""
        # quote() also encodes spaces and parentheses, so the URL is safe in Markdown links.
        return f"{self.get_absolute_url()}file/{quote(self.original_name, safe='')}"

    @property
    def is_image(self) -> bool:
        return bool(self.content_type) and is_image(self.content_type)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def restorable_until(self):
        """When a deleted resource can no longer be restored (None while not deleted)."""
        from cultivate.core.retention import restorable_until

        return restorable_until(self.deleted_at)

    @property
    def language_name(self) -> str:
        return languages.name_of(self.language)

    def search_document(self) -> tuple[str, str]:
        """(title, plain text) for the shared search index: the summary, a guide's text, and
        the address or file name, without Markdown or HTML."""
        parts = [plain_text(self.summary_html, self.body_html), self.url, self.original_name]
        return self.title, "\n\n".join(part for part in parts if part)


class KeyResource(models.Model):
    """A resource the community's stewards put on its home, in their order."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="key_resources", verbose_name=_("community"))
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="key_in",
                                 verbose_name=_("resource"))
    position = models.PositiveIntegerField(_("position"), default=0)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["community", "position", "id"]
        verbose_name = _("key resource")
        verbose_name_plural = _("key resources")
        constraints = [models.UniqueConstraint(fields=["community", "resource"],
                                               name="key_resource_once")]

    def __str__(self) -> str:
        return f"{self.community_id} #{self.position}: {self.resource_id}"
