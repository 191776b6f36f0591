"""The audit trail: who moderated, changed roles or visibility, deleted, or acted in /admin/.

Its own append-only table, not Activity: Activity is for analytics and gets pruned and
pseudonymised, while an audit must keep who did what for as long as the platform runs.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    pass


class AuditEntry(models.Model):
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    # Kept as written: the audit still says who acted after the account is gone.
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    verb = models.CharField(_("verb"), max_length=60)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    community = models.ForeignKey("communities.Community", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    details = models.JSONField(_("details"), default=dict, blank=True)
    # The Django admin log entry this row copies (once each, see admin_log.py).
    admin_log_id = models.PositiveBigIntegerField(null=True, blank=True, unique=True,
                                                  editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["community", "occurred_at"], name="audit_community_time"),
            models.Index(fields=["occurred_at"], name="audit_time"),
            models.Index(fields=["verb", "occurred_at"], name="audit_verb_time"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Audit entries are never changed")
        super().save(*args, **kwargs)
