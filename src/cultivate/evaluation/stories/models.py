"""Value-creation stories: one person's or group's account that walks through the cycles, one
step per cycle, each with its evidence and, where someone else saw it happen, corroborations."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cultivate.core.markdown import render_markdown
from cultivate.evaluation.cycles import CYCLE_CHOICES

MAX_TITLE = 200
MAX_STEP = 5000


class StoryStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed by the platform")  # a first draft nobody confirmed yet
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    DISMISSED = "dismissed", _("dismissed")


class StoryVisibility(models.TextChoices):
    COMMUNITY = "community", _("the community's members")
    LANDSCAPE = "landscape", _("everyone signed in on this platform")
    PUBLIC = "public", _("anyone, also without an account")


class ValueStory(models.Model):
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="value_stories", verbose_name=_("community"))
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    # Whose story it is; a facilitator may write it for them (written_by) with their consent.
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="value_stories",
                               verbose_name=_("whose story"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    consent_note = models.CharField(_("how consent was given"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=StoryStatus,
                              default=StoryStatus.DRAFT)
    # What the author asked for; beyond the community it counts only once a steward approved.
    visibility = models.CharField(_("who may read it"), max_length=10, choices=StoryVisibility,
                                  default=StoryVisibility.COMMUNITY)
    visibility_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.SET_NULL, related_name="+")
    visibility_approved_at = models.DateTimeField(null=True, blank=True)
    # Platform-drafted stories: the chain of evidence they came from, so none is proposed twice.
    proposal_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("value-creation story")
        verbose_name_plural = _("value-creation stories")
        constraints = [models.UniqueConstraint(
            fields=["community", "proposal_key"], condition=~models.Q(proposal_key=""),
            name="value_story_proposed_once")]
        indexes = [models.Index(fields=["community", "status", "-updated_at"],
                                name="value_story_community")]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_visibility(self) -> str:
        if self.visibility == StoryVisibility.COMMUNITY or self.visibility_approved_at:
            return self.visibility
        return StoryVisibility.COMMUNITY


class StoryStep(models.Model):
    story = models.ForeignKey(ValueStory, on_delete=models.CASCADE, related_name="steps")
    cycle = models.CharField(_("cycle"), max_length=16, choices=CYCLE_CHOICES)
    position = models.PositiveSmallIntegerField(editable=False)  # the cycle's order
    text = models.TextField(_("what happened in this cycle"), max_length=MAX_STEP, blank=True)
    text_html = models.TextField(editable=False, blank=True)
    # Not yet happened: what the teller hopes for; reopened and completed when it does.
    aspirational = models.BooleanField(_("not yet: an aspiration"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("story step")
        verbose_name_plural = _("story steps")
        constraints = [models.UniqueConstraint(fields=["story", "cycle"],
                                               name="story_step_once_per_cycle")]

    def __str__(self) -> str:
        return f"{self.story_id}: {self.cycle}"

    def save(self, *args, **kwargs):
        from cultivate.evaluation.cycles import position

        self.position = position(self.cycle)
        self.text_html = render_markdown(self.text)
        super().save(*args, **kwargs)


class Evidence(models.Model):
    """Something that shows a step happened: a thing on the platform (a post, a method, an
    event, an applied record...), an uploaded document or an external link."""

    step = models.ForeignKey(StoryStep, on_delete=models.CASCADE, related_name="evidence")
    target_type = models.ForeignKey(ContentType, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    attachment = models.ForeignKey("attachments.Attachment", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    url = models.URLField(_("link"), max_length=500, blank=True)
    # Kept from when it was linked: a removed post still reads "evidence removed: <label>".
    label = models.CharField(_("label"), max_length=200)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        indexes = [models.Index(fields=["target_type", "target_id"], name="evidence_target")]

    def __str__(self) -> str:
        return self.label


class Corroboration(models.Model):
    """A second person confirms a step happened as told."""

    step = models.ForeignKey(StoryStep, on_delete=models.CASCADE, related_name="corroborations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    note = models.CharField(_("what you saw"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["step", "user"],
                                               name="corroborate_once")]

    def __str__(self) -> str:
        return f"{self.user_id} corroborates {self.step_id}"
