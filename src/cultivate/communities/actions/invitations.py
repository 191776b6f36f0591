"""Invitations by email: sent, withdrawn, accepted once before they expire."""

import secrets
from datetime import timedelta

from django.conf import settings
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
from cultivate.core.errors import ActionError, Conflict, NotAllowed, choose_one_of
from cultivate.core.mail import send_after_commit
from cultivate.policy import Can


@transaction.atomic
def do_invite_member(*, actor, community: Community, email: str, role: str = Role.MEMBER,
                     message: str = "") -> Invitation:
    standing = policy.standing_of(actor, community)
    policy.check(standing, Can.INVITE, community)
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
    if len(message or "") > 2000:
        errors["message"] = [_("Keep the message under 2000 characters.")]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    if Membership.objects.filter(community=community, user__email__iexact=email).exists():
        raise Conflict(_("%(email)s is already a member.") % {"email": email},
                       code="already_member", fields={"email": [_("Already a member.")]})
    invitation = Invitation.objects.create(
        community=community, email=email, role=role, message=(message or "").strip(),
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
                 "accept_url": accept_url},
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
