import secrets
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cultivate.core.uploads import extension_of, is_image


def stored_name(instance, filename: str) -> str:
    """A random name under attachments/YYYY/MM/: the member's own name is never a path."""
    ext = extension_of(instance.original_name or filename)
    now = timezone.now()
    return f"attachments/{now:%Y}/{now:%m}/{secrets.token_hex(16)}{'.' + ext if ext else ''}"


class Attachment(models.Model):
    """A file a member attached in a community; served only through the permission-checked
    view (`/files/<id>/<name>`), never straight from storage."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="attachments", verbose_name=_("community"))
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("uploader"))
    file = models.FileField(_("file"), upload_to=stored_name, max_length=200)
    original_name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=120,
                                    help_text=_("Sniffed from the content, not the browser."))
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        # quote() also encodes spaces and parentheses, so the URL is safe in Markdown links.
        return f"{get_script_prefix()}files/{self.pk}/{quote(self.original_name, safe='')}"

    @property
    def is_image(self) -> bool:
        return is_image(self.content_type)

    @property
    def markdown(self) -> str:
        """What the composer inserts: an image for images, a link for documents."""
        label = "".join("\\" + ch if ch in "\\[]*_`<>!" else ch for ch in self.original_name)
        return f"{'!' if self.is_image else ''}[{label}]({self.get_absolute_url()})"
