import hashlib
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cultivate.core.markdown import render_markdown

FORMER_MEMBER = _("a former member")
TIME_ZONE_CHOICES = sorted((name, name) for name in zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(value)s"), params={"value": value})


class User(AbstractUser):
    """A person on the platform, with the profile other practitioners see."""

    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    bio = models.TextField(_("short bio"), max_length=2000, blank=True)
    bio_html = models.TextField(editable=False, blank=True)
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # The interface language the person chose (settings.LANGUAGES); empty: their browser's.
    language = models.CharField(_("interface language"), max_length=10, blank=True,
                                choices=settings.LANGUAGES)
    # Set on accounts created by an importer ("stackexchange:<site>:<id>"); such accounts are
    # inactive until the person they stand for claims them.
    placeholder_ref = models.CharField(max_length=120, unique=True, null=True, blank=True,
                                       editable=False)
    # Set when a claim on this placeholder was approved: everything it owned moved to
    # `merged_into`. The row stays (inactive) so its placeholder_ref keeps re-imports idempotent.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged_accounts", editable=False)
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when the person's account was erased: the row stays, under a pseudonym, so what it
    # is attached to (analytics, kept contributions) stays consistent (people.mydata.erasure).
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    expertise = models.ManyToManyField(
        "core.Tag", verbose_name=_("expertise"), blank=True, related_name="experts"
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        if self.erased_at is not None:
            return str(FORMER_MEMBER)
        return self.display_name or self.username

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def is_placeholder(self) -> bool:
        return self.placeholder_ref is not None

    @property
    def is_claimable(self) -> bool:
        """An imported placeholder nobody has claimed yet."""
        return self.placeholder_ref is not None and self.merged_at is None

    @property
    def placeholder_source(self) -> str:
        """Where a placeholder came from: "stackexchange:<site>:user:1" gives "<site>"."""
        parts = (self.placeholder_ref or "").split(":")
        return parts[1] if len(parts) > 2 else parts[0]

    def save(self, *args, **kwargs):
        self.bio_html = render_markdown(self.bio)
        # set_password() keeps the new raw password until the save: however it was changed
        # (allauth change or reset, /admin/, a shell), no token outlives the old password.
        password_changed = self.pk is not None and self._password is not None
        super().save(*args, **kwargs)
        if password_changed:
            from cultivate.people.actions import do_revoke_all_access_tokens

            do_revoke_all_access_tokens(actor=self, reason=TokenRevocation.PASSWORD_CHANGED)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class TokenRevocation(models.TextChoices):
    BY_OWNER = "owner", _("revoked by you")
    PASSWORD_CHANGED = "password_changed", _("revoked because your password changed")


class PersonalAccessToken(models.Model):
    """A secret for scripts calling the API as this user. Only its hash is stored."""

    PREFIX = "cul_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=20, choices=TokenRevocation.choices, blank=True,
                                      editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


MAX_EVIDENCE = 1000
MAX_DECISION_NOTE = 2000


class AccountClaim(models.Model):
    """A person says an imported placeholder account is theirs. Imports carry no e-mail
    addresses, so a platform admin or a convener of the placeholder's communities decides."""

    claimant = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_claims")
    placeholder = models.ForeignKey(User, on_delete=models.CASCADE, related_name="claims_on")
    evidence = models.TextField(
        _("why this account is yours"), max_length=MAX_EVIDENCE,
        help_text=_("For example a link to your profile on the original site."))
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus,
                              default=ClaimStatus.PENDING)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("message to the claimant"), max_length=MAX_DECISION_NOTE,
                                     blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("account claim")
        verbose_name_plural = _("account claims")
        constraints = [
            models.UniqueConstraint(
                fields=["claimant", "placeholder"], condition=models.Q(status="pending"),
                name="account_claim_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["status", "placeholder"], name="account_claim_status")]

    def __str__(self) -> str:
        return f"{self.claimant} claims {self.placeholder} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == ClaimStatus.PENDING


class ErasureMode(models.TextChoices):
    KEEP = "keep", _("Keep my contributions, shown as by “a former member”")
    DELETE = "delete", _("Delete my contributions")


class ErasureStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the grace period to end")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Carried out")


class ErasureRequest(models.Model):
    """A person asked for their account to be erased. It is carried out once `due_at` has
    passed (the grace period), unless they cancel first, e.g. by signing in."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="erasure_requests")
    mode = models.CharField(_("what happens to contributions"), max_length=8,
                            choices=ErasureMode)
    status = models.CharField(_("status"), max_length=10, choices=ErasureStatus,
                              default=ErasureStatus.PENDING)
    requested_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    due_at = models.DateTimeField(_("carried out from"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    done_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    # The pseudonym the account got; the former username is not kept anywhere.
    pseudonym = models.CharField(_("pseudonym"), max_length=40, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(status="pending"),
                                    name="erasure_one_pending"),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="erasure_status_due")]

    def __str__(self) -> str:
        return f"{self.user.username} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == ErasureStatus.PENDING
