"""What the hourly job concludes about a community's health, the thresholds its conveners
chose, and the pulse surveys they send (answers stored with no link to who gave them)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cultivate.health.thresholds import VERDICTS

MAX_QUESTION = 300
MAX_OPEN_ANSWER = 2000


class HealthSettings(models.Model):
    """A community's own thresholds: {key: {"healthy": x, "at_risk": y}}; missing keys use the
    defaults of thresholds.py."""

    community = models.OneToOneField("communities.Community", on_delete=models.CASCADE,
                                     related_name="health_settings")
    thresholds = models.JSONField(default=dict)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"health settings of {self.community_id}"


class HealthSignal(models.Model):
    """One signal's latest reading. `since`: when the verdict last changed, so the page can say
    "at risk since 12 March"."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="+")
    key = models.CharField(max_length=32)
    verdict = models.CharField(max_length=10, choices=list(VERDICTS.items()))
    figure = models.FloatField(null=True)
    details = models.JSONField(default=dict)  # the numbers behind the figure
    since = models.DateTimeField(default=timezone.now)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "key"],
                                               name="health_signal_once")]

    def __str__(self) -> str:
        return f"{self.community_id} {self.key}: {self.verdict}"


class PulseSurvey(models.Model):
    """A short survey a convener sends to members: four 5-point statements and one open
    question. Results show only as aggregates, only from PULSE_MIN_ANSWERS answers."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="pulse_surveys")
    open_question = models.CharField(
        _("open question"), max_length=MAX_QUESTION,
        default=_("What one thing would make this community more useful to you?"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    recipients = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return f"pulse {self.pk} of {self.community_id}"

    @property
    def is_open(self) -> bool:
        return timezone.now() < self.closes_at


class PulseReceipt(models.Model):
    """That a person answered a survey: nothing more, so they cannot answer twice. No time and
    no reference to the answer are kept."""

    survey = models.ForeignKey(PulseSurvey, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="pulse_once")]

    def __str__(self) -> str:
        return f"answered pulse {self.survey_id}"


class PulseAnswer(models.Model):
    """One anonymous answer. A random key and no timestamp, so neither the order of rows nor
    their times can be matched with the receipts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(PulseSurvey, on_delete=models.CASCADE, related_name="answers")
    passion = models.PositiveSmallIntegerField(null=True)
    trust = models.PositiveSmallIntegerField(null=True)
    value_felt = models.PositiveSmallIntegerField(null=True)
    identification = models.PositiveSmallIntegerField(null=True)
    open_answer = models.TextField(max_length=MAX_OPEN_ANSWER, blank=True)

    def __str__(self) -> str:
        return f"an answer to pulse {self.survey_id}"


class MaturityAssessment(models.Model):
    """One round of the maturity self-assessment (maturity.py), e.g. "2026"."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="maturity_assessments")
    label = models.CharField(_("name"), max_length=80)
    include_core = models.BooleanField(_("the core group rates too"), default=False)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.community_id} {self.label}"


class MaturityRating(models.Model):
    """One rater's level for one dimension of one assessment."""

    assessment = models.ForeignKey(MaturityAssessment, on_delete=models.CASCADE,
                                   related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    dimension = models.CharField(max_length=20)
    level = models.PositiveSmallIntegerField()
    note = models.TextField(max_length=1000, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "user", "dimension"],
                                               name="maturity_rating_once")]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.dimension}: {self.level}"


class Plan(models.Model):
    """The community's action plan for a period (usually a year): goals, and the activities
    that serve them."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="plans")
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F(
            "starts_on")), name="plan_ends_after_start")]

    def __str__(self) -> str:
        return self.title


class PlanGoal(models.Model):
    """A goal of a plan; it may point at a value indicator (computed key or custom id) or name
    its own target."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    indicator = models.CharField(_("indicator"), max_length=40, blank=True)  # "key" or "id"
    target = models.CharField(_("target"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Cadence(models.TextChoices):
    ONCE = "once", _("once")
    WEEKLY = "weekly", _("every week")
    BIWEEKLY = "biweekly", _("every other week")
    MONTHLY = "monthly", _("every month")
    QUARTERLY = "quarterly", _("every quarter")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    UNDER_WAY = "under_way", _("under way")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class PlanActivity(models.Model):
    """Something the community will do for a goal, built from a learning format, with an
    owner, dates or a cadence, and a status."""

    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("activity"), max_length=200)
    learning_format = models.ForeignKey("formats.LearningFormat", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+",
                                        verbose_name=_("learning format"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("owner"))
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    cadence = models.CharField(_("cadence"), max_length=10, choices=Cadence,
                               default=Cadence.ONCE)
    status = models.CharField(_("status"), max_length=10, choices=ActivityStatus,
                              default=ActivityStatus.PLANNED)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class StartupGuide(models.Model):
    """Where a new community's convener is in the start-up guide (startup.py)."""

    community = models.OneToOneField("communities.Community", on_delete=models.CASCADE,
                                     related_name="startup_guide")
    step = models.CharField(max_length=10, default="charter")
    skipped = models.JSONField(default=list)  # steps the convener chose to leave for later
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"start-up guide of {self.community_id}: {self.step}"
