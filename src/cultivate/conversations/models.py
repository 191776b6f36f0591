from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cultivate.core.markdown import render_markdown

MAX_TITLE = 200
MAX_BODY = 50_000


class TopicKind(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    QUESTION = "question", _("Question")
    ANNOUNCEMENT = "announcement", _("Announcement")


class Topic(models.Model):
    """A conversation in a community: a discussion, a help-desk question or an announcement."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="topics")
    kind = models.CharField(_("kind"), max_length=12, choices=TopicKind,
                            default=TopicKind.DISCUSSION)
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    tags = models.ManyToManyField("core.Tag", verbose_name=_("tags"), blank=True,
                                  related_name="topics")
    created_at = models.DateTimeField(default=timezone.now)
    last_posted_at = models.DateTimeField(default=timezone.now)
    # Kept by the posting actions: topic lists show it for 30 topics per page.
    reply_count = models.PositiveIntegerField(default=0, editable=False)
    accepted_answer = models.ForeignKey("Post", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    # When the current accepted answer was chosen: the "recently answered" list sorts by it.
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_closed = models.BooleanField(_("closed"), default=False)

    class Meta:
        ordering = ["-is_pinned", "-last_posted_at", "-id"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [
            models.Index(fields=["community", "-is_pinned", "-last_posted_at"],
                         name="topic_community_recent"),
            models.Index(fields=["community", "kind", "-last_posted_at"],
                         name="topic_community_kind"),
            models.Index(fields=["community", "-answered_at"], name="topic_community_answered",
                         condition=models.Q(answered_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("conversations:topic",
                       kwargs={"slug": self.community.slug, "topic_id": self.pk})

    @property
    def accepts_replies(self) -> bool:
        return not (self.is_locked or self.is_closed)


class Post(models.Model):
    """The opening post of a topic or a reply in its flat thread."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("text"), max_length=MAX_BODY)
    body_html = models.TextField(editable=False, blank=True)
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    is_opening = models.BooleanField(default=False, editable=False)
    # The language the post is written in (core.content_languages; "" not said): pages mark it
    # with `lang`, search stems it with that language's rules (conversations.search).
    language = models.CharField(_("language"), max_length=8, blank=True)
    # Where an imported post came from ("stackexchange:<site>:post:<id>"): re-imports skip it.
    import_ref = models.CharField(max_length=120, unique=True, null=True, blank=True,
                                  editable=False)
    # Helpful marks an imported archive counted without naming who gave them (Stack Exchange
    # up-votes): added to the marks members give here.
    imported_helpful = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Soft deletion: the text stays for moderators, and can be restored for
    # CULTIVATE_DELETED_RETENTION_DAYS; then the purge empties it and sets purged_at (a
    # tombstone that keeps the thread's order and replies pointing at it).
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Filled by conversations.search.index_posts on PostgreSQL (SQLite uses an FTS5 table).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["topic", "created_at"], name="post_topic_time"),
                   # The daily purge looks for deleted posts only: a small partial index.
                   models.Index(fields=["deleted_at"], name="post_deleted",
                                condition=models.Q(deleted_at__isnull=False,
                                                   purged_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.topic_id}#{self.pk}"

    def save(self, *args, **kwargs):
        self.body_html = render_with_mentions(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.topic.get_absolute_url()}#post-{self.pk}"

    @property
    def restorable_until(self):
        """When a deleted post can no longer be restored (None while not deleted, or purged)."""
        from cultivate.core.retention import restorable_until

        return None if self.purged_at else restorable_until(self.deleted_at)


class TopicLink(models.Model):
    """A post links to a topic: the linked topic lists where it is mentioned (a backlink)."""

    from_post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="topic_links")
    to_topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="backlinks")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["from_post", "to_topic"],
                                               name="topic_link_once")]

    def __str__(self) -> str:
        return f"{self.from_post_id} → {self.to_topic_id}"


def render_with_mentions(body: str) -> str:
    """The post's HTML, with @names of existing people linked to their profiles."""
    from cultivate.conversations.mentions import link_mentions, mentioned_names

    html = render_markdown(body)
    names = mentioned_names(body)
    if not names:
        return html
    from django.contrib.auth import get_user_model

    existing = set(get_user_model().objects.filter(username__in=names, is_active=True)
                   .values_list("username", flat=True))
    return link_mentions(html, existing)


class PostRevision(models.Model):
    """The text a post had before an edit, kept so anyone who can read the post can see it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    # The topic's title before the edit, for edits of a first post (else empty).
    title = models.CharField(max_length=MAX_TITLE, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"{self.post_id} before {self.replaced_at:%Y-%m-%d %H:%M}"


class Helpful(models.Model):
    """A member found a reply helpful (one mark per member and post)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="helpful_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="helpful_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.post_id}"


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    OFF_TOPIC = "off_topic", _("Off topic")
    INAPPROPRIATE = "inappropriate", _("Rude, hurtful or inappropriate")
    OTHER = "other", _("Something else")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a moderator")
    HIDDEN = "hidden", _("Post hidden")
    DISMISSED = "dismissed", _("Dismissed")


class Flag(models.Model):
    """A member asks the moderators to look at a post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=FlagReason)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=FlagStatus, default=FlagStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(
            fields=["post", "user"], condition=models.Q(status="open"), name="flag_open_once")]
        indexes = [models.Index(fields=["status", "post"], name="flag_status_post")]

    def __str__(self) -> str:
        return f"{self.reason} on {self.post_id}"


class TopicFollow(models.Model):
    """Someone is told about new replies in a topic. `following=False` keeps an opt-out."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    following = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.topic_id}"


class NotificationKind(models.TextChoices):
    REPLY = "reply", _("New reply")
    MENTION = "mention", _("Mention")
    ANSWER_ACCEPTED = "accepted", _("Your answer was accepted")
    NEW_TOPIC = "new_topic", _("New topic in a community you follow")
    FOLLOW_UP = "follow_up", _("Did what you applied make a difference?")
    FEEDBACK = "feedback", _("How useful was the event?")
    PULSE = "pulse", _("A pulse survey of your community")
    STEWARD = "steward", _("Something needs a steward")


class Notification(models.Model):
    """Something a person should see; read or not."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField(max_length=10, choices=NotificationKind)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+")
    # Empty for notices about something other than a post (then `link` and `title` say where).
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    link = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"],
                                name="notification_inbox")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class EmailMode(models.TextChoices):
    EVERY_POST = "every_post", _("Every post as its own mail (mailing-list mode)")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    MONTHLY = "monthly", _("Monthly digest")
    NOTHING = "nothing", _("Nothing")


# Members who never chose get what Discourse's activity summary taught them: a weekly digest.
DEFAULT_EMAIL_MODE = EmailMode.WEEKLY


class CommunitySubscription(models.Model):
    """How one person hears about one community: by email, and in the app for new topics."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="community_subscriptions")
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="subscriptions")
    email_mode = models.CharField(_("email"), max_length=10, choices=EmailMode,
                                  default=DEFAULT_EMAIL_MODE)
    follows_new_topics = models.BooleanField(_("notify me of new topics"), default=False)
    # The end of the period the last digest covered; the next one starts there.
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "community"],
                                               name="subscription_once")]
        indexes = [models.Index(fields=["community", "email_mode"],
                                name="subscription_mode")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.community_id}: {self.email_mode}"


class InboundOutcome(models.TextChoices):
    POSTED = "posted", _("Reply posted")
    STARTED = "started", _("Topic started")
    REFUSED = "refused", _("Refused")
    BOUNCE = "bounce", _("Bounce")
    AUTO_REPLY = "auto_reply", _("Automatic reply (ignored)")
    DUPLICATE = "duplicate", _("Already received")


class InboundMail(models.Model):
    """One message received for one of our addresses (conversations.mail_in), whatever became
    of it: the log platform admins read, the duplicate check and the refusal rate limit."""

    message_id = models.CharField(_("Message-ID"), max_length=300, blank=True)
    sender = models.CharField(_("from"), max_length=254, blank=True)
    envelope_sender = models.CharField(_("envelope sender"), max_length=254, blank=True)
    recipient = models.CharField(_("to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=12, choices=InboundOutcome)
    # A stable word saying why (mail_in.Reason): bad_token, wrong_sender, too_large...
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("post"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("person"))
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    # Where the answer explaining a refusal went ("" when none was sent).
    answered_to = models.CharField(_("answered to"), max_length=254, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("received mail")
        verbose_name_plural = _("received mail")
        constraints = [models.UniqueConstraint(
            fields=["message_id", "recipient"], name="inbound_posted_once",
            condition=models.Q(outcome__in=["posted", "started"]) & ~models.Q(message_id=""))]
        indexes = [models.Index(fields=["answered_to", "received_at"], name="inbound_answered",
                                condition=~models.Q(answered_to=""))]

    def __str__(self) -> str:
        return f"{self.outcome} {self.message_id or self.pk}"
