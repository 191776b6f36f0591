"""'I applied this': a member used something from the community in their work, and some weeks
later says whether it made a difference (the follow-up)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_NOTE = 280
MAX_CHANGE = 2000


class AppliedKind(models.TextChoices):
    """What can be applied; the content type says the same, this reads without a join."""

    POST = "post", _("answer or reply")
    METHOD = "method", _("method")
    METHOD_STORY = "method_story", _("story of use")
    RESOURCE = "resource", _("resource")
    FORMAT = "format", _("learning format")
    LIVE_QUESTION = "live_question", _("harvested question")
    EVENT = "event", _("event")


class AppliedRecord(models.Model):
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="+", verbose_name=_("community"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="applied_records")
    kind = models.CharField(_("kind"), max_length=16, choices=AppliedKind)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    note = models.CharField(_("how you applied it"), max_length=MAX_NOTE, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    follow_up_due_at = models.DateTimeField()
    # Claimed by a conditional update before the mail goes: one follow-up per record, ever.
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("applied record")
        verbose_name_plural = _("applied records")
        constraints = [models.UniqueConstraint(fields=["user", "target_type", "target_id"],
                                               name="applied_once")]
        indexes = [
            models.Index(fields=["community", "created_at"], name="applied_community_time"),
            models.Index(fields=["target_type", "target_id"], name="applied_target"),
            models.Index(fields=["follow_up_sent_at", "follow_up_due_at"],
                         name="applied_follow_up_due"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} applied {self.kind} {self.target_id}"


class Difference(models.TextChoices):
    YES = "yes", _("Yes, it made a difference")
    NOT_YET = "not_yet", _("Not yet")
    NO = "no", _("No")


class FigureKind(models.TextChoices):
    TIME_SAVED = "time_saved", _("time saved (hours)")
    COST = "cost", _("cost saved")
    PEOPLE_REACHED = "people_reached", _("people reached")
    OTHER = "other", _("other figure")


class FollowUp(models.Model):
    """The member's answer to 'did it make a difference?': evidence in the realized cycle."""

    applied = models.OneToOneField(AppliedRecord, on_delete=models.CASCADE,
                                   related_name="follow_up")
    difference = models.CharField(_("did it make a difference?"), max_length=8,
                                  choices=Difference)
    what_changed = models.TextField(_("what changed"), max_length=MAX_CHANGE, blank=True)
    for_whom = models.CharField(_("for whom"), max_length=200, blank=True)
    figure_kind = models.CharField(_("figure"), max_length=16, choices=FigureKind, blank=True)
    figure_value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True,
                                       blank=True)
    figure_unit = models.CharField(_("unit"), max_length=40, blank=True)
    may_quote = models.BooleanField(_("you may quote me"), default=False)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-answered_at", "-id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"follow-up of {self.applied_id}: {self.difference}"
