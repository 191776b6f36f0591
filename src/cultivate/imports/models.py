from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    STACKEXCHANGE = "stackexchange", _("Stack Exchange dump")
    MBOX = "mbox", _("Mailing-list archive (mbox or Maildir)")
    DISCOURSE = "discourse", _("Discourse forum (downloaded folder)")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """One run of an importer, started by a platform admin. While it runs, its live progress
    lives in a file beside it in the import folder (imports/progress.py): the importer's one
    transaction hides any change to this row from others until it ends."""

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind)
    community = models.ForeignKey("communities.Community", on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("community"))
    category_map = models.JSONField(_("categories to communities"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=500,
                              help_text=_("Relative to the import folder."))
    uploaded_name = models.CharField(_("uploaded file"), max_length=255, blank=True)
    site = models.CharField(_("site"), max_length=200, blank=True)
    list_name = models.CharField(_("list name"), max_length=200, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("started by"))
    status = models.CharField(_("status"), max_length=8, choices=JobStatus,
                              default=JobStatus.QUEUED)
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    absent = models.JSONField(_("absent from the source"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}: {self.uploaded_name or self.source}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
