"""Invitations by email: sent, withdrawn, accepted once before they expire, and only by the
person they were sent to (a verified address equal to the invited one).

Invitation mail reaches strangers with text a member wrote, so only established accounts send
it, a limited number a day, with a short plain-text message that carries no links."""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.audit.actions import record_audit
from cultivate.communities.actions.membership import add_member
from cultivate.communities.models import (
    Community,
    Invitation,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
)
from cultivate.core.errors import (
    ActionError,
    Conflict,
    NotAllowed,
    RateLimited,
    Refused,
    choose_one_of,
)
from cultivate.core.mail import send_after_commit
from cultivate.policy import Can

MAX_MESSAGE = 500
_LINK = re.compile(r"[a-z][a-z0-9+.-]*://|\bwww\.|\bmailto:", re.IGNORECASE)


def mask_email(email: str) -> str:
    """c***@example.org: enough for its owner to recognise, not enough to harvest."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def _check_sender(actor) -> None:
    """Refuse senders the platform should not relay mail for (see the module docstring)."""
    if not policy.is_established(actor):
        if not policy.has_verified_email(actor):
            raise Refused(_("Verify your email address before you send invitations."),
                          code="email_not_verified")
        hours = settings.CULTIVATE_INVITE_MIN_ACCOUNT_AGE_HOURS
        raise Refused(
            _("New accounts can send invitations %(hours)s hours after signing up. Ask a "
              "platform admin if you need to invite people sooner.") % {"hours": f"{hours:g}"},
            code="account_too_new")
    # Lock the sender's row so parallel requests cannot all pass the count below.
    list(get_user_model().objects.select_for_update().filter(pk=actor.pk).values_list("pk"))
    since = timezone.now() - timedelta(days=1)
    recent = Invitation.objects.filter(invited_by=actor, created_at__gte=since)
    sent = recent.count()
    if sent >= settings.CULTIVATE_INVITATIONS_PER_DAY:
        oldest = min(recent.values_list("created_at", flat=True))
        raise RateLimited(
            _("You have sent %(count)d invitations in the last 24 hours, the most allowed. "
              "Try again tomorrow.") % {"count": sent}, code="invitation_limit",
            retry_after=(oldest - since).total_seconds())


def _message_errors(message: str) -> list[str]:
    if len(message) > MAX_MESSAGE:
        return [_("Keep the message under %(max)d characters.") % {"max": MAX_MESSAGE}]
    if _LINK.search(message):
        return [_("Leave links out of the personal message: the invitation already links to "
                  "the community.")]
    return []


@transaction.atomic
def do_invite_member(*, actor, community: Community, email: str, role: str = Role.MEMBER,
                     message: str = "") -> Invitation:
    standing = policy.standing_of(actor, community)
    policy.check(standing, Can.INVITE, community)
    _check_sender(actor)
    message = (message or "").strip()
    email = (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    if role not in Role.values:
        errors["role"] = [choose_one_of(Role.values)]
    elif role != Role.MEMBER and Can.MANAGE_MEMBERS not in policy.allowed(standing, community):
        errors["role"] = [_("Only conveners can invite someone straight into a role.")]
    if message_errors := _message_errors(message):
        errors["message"] = message_errors
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    if Membership.objects.filter(community=community, user__email__iexact=email).exists():
        raise Conflict(_("%(email)s is already a member.") % {"email": email},
                       code="already_member", fields={"email": [_("Already a member.")]})
    invitation = Invitation.objects.create(
        community=community, email=email, role=role, message=message,
        invited_by=actor, token=secrets.token_urlsafe(32),
        expires_at=timezone.now() + timedelta(days=settings.CULTIVATE_INVITATION_DAYS),
    )
    record_activity(actor=actor, verb=Verb.INVITATION_SENT, community=community,
                    target=invitation)
    accept_url = settings.SITE_URL + reverse("communities:invitation",
                                             kwargs={"token": invitation.token})
    send_after_commit(
        to=[email], template="communities/email/invitation",
        context={"invitation": invitation, "community": community, "inviter": actor,
                 "accept_url": accept_url, "message_lines": message.splitlines()},
    )
    return invitation


@transaction.atomic
def do_revoke_invitation(*, actor, invitation: Invitation) -> Invitation:
    community = invitation.community
    policy.check(policy.standing_of(actor, community), Can.INVITE, community)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation has already been used."), code="invitation_used")
    if invitation.revoked_at is not None:
        raise Conflict(_("This invitation was already withdrawn."), code="invitation_revoked")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_activity(actor=actor, verb=Verb.INVITATION_REVOKED, community=community,
                    target=invitation)
    record_audit(actor=actor, verb=Verb.INVITATION_REVOKED, target=invitation,
                 community=community, details={"role": invitation.role})
    return invitation


def find_invitation(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("community", "invited_by").filter(token=token).first()
    )
    if invitation is None:
        raise NotAllowed("no such invitation", hide=True)
    return invitation


@transaction.atomic
def do_accept_invitation(*, actor, token: str) -> Membership:
    if not policy.is_signed_in(actor):
        raise NotAllowed("sign in to accept an invitation")
    invitation = find_invitation(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation has already been used."), code="invitation_used")
    if invitation.revoked_at is not None:
        raise Conflict(_("This invitation was withdrawn."), code="invitation_revoked")
    if invitation.is_expired:
        raise Conflict(_("This invitation has expired. Ask for a new one."),
                       code="invitation_expired")
    community = invitation.community
    if Membership.objects.filter(community=community, user=actor).exists():
        raise Conflict(_("You are already a member of this community."), code="already_member")
    if not policy.has_verified_email(actor, invitation.email):
        raise Refused(
            _("This invitation was sent to %(email)s. Sign in with that address, or add it to "
              "your account and verify it, then open the invitation again.")
            % {"email": mask_email(invitation.email)}, code="wrong_address")
    invitation.accepted_by = actor
    invitation.accepted_at = timezone.now()
    invitation.save()
    JoinRequest.objects.filter(community=community, user=actor,
                               status=RequestStatus.PENDING).update(
        status=RequestStatus.APPROVED, decided_at=invitation.accepted_at,
        decided_by=invitation.invited_by)
    record_activity(actor=actor, verb=Verb.INVITATION_ACCEPTED, community=community,
                    target=invitation)
    return add_member(community=community, user=actor, role=invitation.role,
                       how="invitation", actor=actor)
