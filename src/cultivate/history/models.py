"""Earlier text of user-written fields others rely on (charters, resources, events ...).

Posts and methods keep their own revisions; this table serves every other kind, so those
apps need no migration: one row per changed field per edit, holding the text it replaced.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TextRevision(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    field = models.CharField(_("field"), max_length=60)
    previous = models.TextField(_("previous text"), blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    edited_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        ordering = ["-edited_at", "-id"]
        verbose_name = _("text revision")
        verbose_name_plural = _("text revisions")
        indexes = [models.Index(fields=["content_type", "object_id", "edited_at"],
                                name="textrevision_object_time")]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {self.field} @ {self.edited_at:%Y-%m-%d}"
