"""The live backchannel of a learning event: participants post comments and questions, vote on
questions, answer polls; facilitators moderate. Every change is also appended to `Update`, a log
numbered per channel, which is what websockets broadcast and what a reconnecting client (or a
polling one) resumes from, so nobody misses anything."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_BODY = 1000
MAX_NAME = 60
MAX_POLL_OPTIONS = 10
MAX_OPTION = 200


def new_guest_token() -> str:
    return secrets.token_urlsafe(24)


class LiveChannel(models.Model):
    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="live")
    is_open = models.BooleanField(_("open"), default=True)
    guests_allowed = models.BooleanField(
        _("guests may join with the code"), default=False,
        help_text=_("People without an account join with the event's code and a display name."))
    premoderated = models.BooleanField(
        _("facilitators approve posts first"), default=False)
    last_seq = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"live: {self.event}"


class Participant(models.Model):
    """A member, or a guest known by a display name and a secret token kept in their session."""

    channel = models.ForeignKey(LiveChannel, on_delete=models.CASCADE,
                                related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="live_participations")
    display_name = models.CharField(_("display name"), max_length=MAX_NAME)
    guest_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    joined_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "user"],
                                               condition=models.Q(user__isnull=False),
                                               name="live_participant_once")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_guest(self) -> bool:
        return self.user_id is None


class ItemKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    QUESTION = "question", _("Question")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden")


class Item(models.Model):
    channel = models.ForeignKey(LiveChannel, on_delete=models.CASCADE, related_name="items")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=10, choices=ItemKind)
    body = models.TextField(max_length=MAX_BODY)
    body_html = models.TextField(editable=False)
    status = models.CharField(max_length=10, choices=ItemStatus, default=ItemStatus.VISIBLE)
    pinned = models.BooleanField(default=False)
    answered = models.BooleanField(default=False)
    answer = models.TextField(max_length=MAX_BODY * 4, blank=True)
    answer_html = models.TextField(editable=False, blank=True)
    vote_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    harvested_topic = models.ForeignKey("conversations.Topic", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["channel", "status", "created_at"],
                                name="live_item_channel_status")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class Vote(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "participant"],
                                               name="live_vote_once")]

    def __str__(self) -> str:
        return f"vote {self.participant_id} → {self.item_id}"


class Poll(models.Model):
    channel = models.ForeignKey(LiveChannel, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("question"), max_length=300)
    multiple = models.BooleanField(_("several answers allowed"), default=False)
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.question


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=MAX_OPTION)
    position = models.PositiveSmallIntegerField(default=0)
    vote_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


class PollVote(models.Model):
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE,
                                    related_name="poll_votes")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["option", "participant"],
                                               name="live_poll_vote_once")]
        indexes = [models.Index(fields=["poll", "participant"], name="live_pollvote_who")]

    def __str__(self) -> str:
        return f"poll vote {self.participant_id} → {self.option_id}"


class Update(models.Model):
    """One numbered change of a channel, as sent to clients. `data` is what facilitators get;
    `public_data` what everyone else gets (None: nothing, e.g. a post awaiting approval)."""

    channel = models.ForeignKey(LiveChannel, on_delete=models.CASCADE, related_name="updates")
    seq = models.PositiveBigIntegerField()
    data = models.JSONField()
    public_data = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["channel", "seq"], name="live_update_seq")]

    def __str__(self) -> str:
        return f"{self.channel_id}#{self.seq}"
