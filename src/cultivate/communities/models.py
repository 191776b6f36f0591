from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cultivate.core.markdown import render_markdown


class Kind(models.TextChoices):
    COMMUNITY = "community", _("Community")
    NETWORK = "network", _("Network")


class Stage(models.TextChoices):
    POTENTIAL = "potential", _("Potential")
    COALESCING = "coalescing", _("Coalescing")
    MATURING = "maturing", _("Maturing")
    STEWARDSHIP = "stewardship", _("Stewardship")
    TRANSFORMATION = "transformation", _("Transformation")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone can read it")
    LISTED = "listed", _("Listed: anyone sees it exists, members read it")
    PRIVATE = "private", _("Private: only members know it exists")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone may join at once")
    REQUEST = "request", _("On request: a convener or facilitator approves")
    INVITATION = "invitation", _("By invitation only")


class ExternalImages(models.TextChoices):
    """Whether images from other sites in members' Markdown load with the page: each load tells
    that site who read the page and when (a tracking pixel)."""
    CLICK = "click", _("Click to load: readers choose to load images from other sites; no site "
                       "learns who read what")
    SHOW = "show", _("Show at once: images from other sites load with the page; those sites can "
                     "see who reads and when")


class Role(models.TextChoices):
    SPONSOR = "sponsor", _("Sponsor")
    CONVENER = "convener", _("Convener")
    FACILITATOR = "facilitator", _("Facilitator")
    CORE = "core", _("Core group member")
    MEMBER = "member", _("Member")


# Markdown sources of the charter and the case for membership; each has a rendered `<name>_html`.
CHARTER_FIELDS = ("charter_domain", "charter_community", "charter_practice")
CASE_FIELDS = ("case_why", "case_what", "case_how")
MARKDOWN_FIELDS = CHARTER_FIELDS + CASE_FIELDS
MAX_MARKDOWN = 20_000


def _markdown_pair(label, help_text):
    source = models.TextField(label, max_length=MAX_MARKDOWN, blank=True, help_text=help_text)
    html = models.TextField(editable=False, blank=True)
    return source, html


class Community(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.COMMUNITY)
    stage = models.CharField(_("lifecycle stage"), max_length=16, choices=Stage,
                             default=Stage.POTENTIAL)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility,
                                  default=Visibility.PUBLIC)
    join_policy = models.CharField(_("join policy"), max_length=12, choices=JoinPolicy,
                                   default=JoinPolicy.OPEN)
    external_images = models.CharField(_("images from other sites"), max_length=8,
                                       choices=ExternalImages, default=ExternalImages.CLICK)
    tags = models.ManyToManyField("core.Tag", verbose_name=_("tags"), blank=True,
                                  related_name="communities")

    charter_domain, charter_domain_html = _markdown_pair(
        _("domain"), _("What the community cares about: its shared challenges and questions."))
    charter_community, charter_community_html = _markdown_pair(
        _("community"), _("Who takes part, its boundaries and relationships."))
    charter_practice, charter_practice_html = _markdown_pair(
        _("practice"), _("What members do and build together: their shared repertoire."))
    case_why, case_why_html = _markdown_pair(
        _("why join"), _("Why should I care? How does taking part benefit me, my institution, "
                         "my country?"))
    case_what, case_what_html = _markdown_pair(
        _("what we do"), _("What connections will I make? What will we do together? What "
                           "capability are we building?"))
    case_how, case_how_html = _markdown_pair(
        _("how it works"), _("How does the community operate? How can I contribute, what role "
                             "can I play?"))

    # The languages members write in (core.content_languages codes), the first the main one:
    # pages mark the community's own texts with it, posts default to it, search stems by it.
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    attribution = models.CharField(
        _("attribution"), max_length=500, blank=True,
        help_text=_("Credit for content that came from elsewhere, shown on the home page."))
    # Kept by the membership actions: the directory lists it on every card, and counting
    # 100,000 memberships per card on each request would dominate the page.
    member_count = models.PositiveIntegerField(_("members"), default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="community_name_unique_ci"),
        ]
        indexes = [models.Index(fields=["visibility", "name"], name="community_visibility_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        for field in MARKDOWN_FIELDS:
            setattr(self, f"{field}_html", render_markdown(getattr(self, field)))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("communities:home", kwargs={"slug": self.slug})

    @property
    def main_language(self) -> str:
        return self.languages[0] if self.languages else ""


class Membership(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membership_unique"),
        ]
        indexes = [
            models.Index(fields=["community", "role", "joined_at"],
                         name="membership_community_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.community} ({self.role})"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class JoinRequest(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE,
                                  related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="join_requests")
    message = models.TextField(_("message to the conveners"), max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=RequestStatus,
                              default=RequestStatus.PENDING)
    response = models.TextField(_("response"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], condition=models.Q(status="pending"),
                name="join_request_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.community} ({self.status})"


class Invitation(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, editable=False)
    message = models.TextField(_("personal message"), max_length=2000, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.community}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class StageChange(models.Model):
    """The lifecycle stage's history: who moved it, when and why. The stage itself is never
    changed by the platform; the health page only suggests one."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE,
                                  related_name="stage_changes")
    from_stage = models.CharField(max_length=16, choices=Stage, blank=True)
    to_stage = models.CharField(max_length=16, choices=Stage)
    reason = models.TextField(_("why"), max_length=2000, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["community", "-changed_at"], name="stage_change_time")]

    def __str__(self) -> str:
        return f"{self.community_id}: {self.from_stage or '-'} -> {self.to_stage}"
