"""What the recomputation job stores from the activity log: each member's level of
participation and its history, per-community weekly figures and network measures. Pages and
the API read these tables only, never the activity log itself."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Levels of participation (Wenger-Trayner), from the centre outwards."""

    CORE = "core", _("Core group")
    ACTIVE = "active", _("Active")
    OCCASIONAL = "occasional", _("Occasional")
    PERIPHERAL = "peripheral", _("Peripheral")
    TRANSACTIONAL = "transactional", _("Transactional")


LEVEL_ORDER = [level.value for level in Level]


class LevelRules(models.Model):
    """A community's thresholds; a community without a row uses the defaults (rules.py)."""

    community = models.OneToOneField("communities.Community", on_delete=models.CASCADE,
                                     related_name="level_rules")
    window_days = models.PositiveSmallIntegerField(_("window (days)"), default=90)
    core_score = models.PositiveIntegerField(_("core group from score"), default=40)
    core_weeks = models.PositiveSmallIntegerField(
        _("core group: active in at least this many weeks"), default=4)
    active_score = models.PositiveIntegerField(_("active from score"), default=12)
    occasional_score = models.PositiveIntegerField(_("occasional from score"), default=3)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"level rules of {self.community_id}"


class MemberLevel(models.Model):
    """A person's current level in a community, with the counts that explain it."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="levels")
    level = models.CharField(max_length=16, choices=Level)
    score = models.FloatField(default=0)
    counts = models.JSONField(default=dict)  # kind of contribution -> count in the window
    active_weeks = models.PositiveSmallIntegerField(default=0)
    is_member = models.BooleanField(default=True)
    since = models.DateTimeField(default=timezone.now)  # at this level since
    computed_at = models.DateTimeField(default=timezone.now)  # last written (rows that do not
    # change are not written again; LevelSnapshot.taken_on says when the job last ran)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "user"],
                                               name="member_level_once")]
        indexes = [models.Index(fields=["community", "level"], name="member_level_by_level")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.community_id}: {self.level}"


class LevelChange(models.Model):
    """A move between levels, kept so movement over time is visible."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    from_level = models.CharField(max_length=16, choices=Level, blank=True)  # "": first level
    to_level = models.CharField(max_length=16, choices=Level)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["community", "changed_at"], name="level_change_time"),
                   models.Index(fields=["user", "changed_at"], name="level_change_user")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.from_level or '-'} -> {self.to_level}"


class LevelSnapshot(models.Model):
    """How many people were at each level when the job ran: the picture over time."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="+")
    taken_on = models.DateField()
    counts = models.JSONField(default=dict)  # level -> people

    class Meta:
        ordering = ["taken_on"]
        constraints = [models.UniqueConstraint(fields=["community", "taken_on"],
                                               name="level_snapshot_daily")]

    def __str__(self) -> str:
        return f"{self.community_id} {self.taken_on}"


class WeeklyFigures(models.Model):
    """One community's week (Monday, UTC): contributions by kind, members new and returning,
    questions asked and answered, time to first answer, event attendance."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="+")
    week = models.DateField()
    contributions = models.JSONField(default=dict)  # kind -> count
    contributors = models.PositiveIntegerField(default=0)
    new_members = models.PositiveIntegerField(default=0)
    returning_members = models.PositiveIntegerField(default=0)
    questions = models.PositiveIntegerField(default=0)
    questions_answered = models.PositiveIntegerField(default=0)  # of this week's questions
    first_answer_seconds = models.JSONField(default=list)  # sorted waits, for medians
    attendance = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["week"]
        constraints = [models.UniqueConstraint(fields=["community", "week"],
                                               name="weekly_figures_once")]

    def __str__(self) -> str:
        return f"{self.community_id} {self.week}"


class CommunityFigures(models.Model):
    """One row per community with the headline numbers and the network's measures."""

    community = models.OneToOneField("communities.Community", on_delete=models.CASCADE,
                                     related_name="+")
    members = models.PositiveIntegerField(default=0)
    levels = models.JSONField(default=dict)  # level -> people now
    questions = models.PositiveIntegerField(default=0)
    questions_answered = models.PositiveIntegerField(default=0)
    unanswered = models.JSONField(default=list)  # [{id, title, url, asked_at}] oldest first
    unanswered_count = models.PositiveIntegerField(default=0)
    median_first_answer_seconds = models.FloatField(null=True)
    useful_content = models.JSONField(default=list)  # [{kind, id, title, url, score}]
    network = models.JSONField(default=dict)  # density, nodes, edges, components...
    computed_at = models.DateTimeField(default=timezone.now)  # the moment figures are as of
    # The community holds only imported history: figures are as of its last activity
    # (computed_at), not of the job's run (as_of.py).
    imported_history = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"figures of {self.community_id}"


class NetworkMember(models.Model):
    """A person's place in a community's interaction network (who replies to and answers whom)."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    degree = models.PositiveIntegerField(default=0)
    betweenness = models.FloatField(default=0)
    communities_spanned = models.PositiveSmallIntegerField(default=1)
    x = models.FloatField(default=0)  # layout for the picture
    y = models.FloatField(default=0)
    suggestions = models.JSONField(default=list)  # user ids worth meeting, best first

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "user"],
                                               name="network_member_once")]
        indexes = [models.Index(fields=["community", "-betweenness"], name="network_brokers")]

    def __str__(self) -> str:
        return f"{self.user_id} in network {self.community_id}"


class InteractionEdge(models.Model):
    """`source` replied to or answered `target` `weight` times in a community.

    Derived from the activity log and rewritten by the job: the foreign keys are not checked
    by the database (a first run stores a million ties, and checking three keys each at commit
    took most of it); Django still deletes a person's or a community's ties with them."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="+", db_constraint=False)
    source = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+", db_constraint=False)
    target = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+", db_constraint=False)
    weight = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "source", "target"],
                                               name="interaction_edge_once")]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.target_id} ×{self.weight}"
