"""Every change to communities and their membership. Views, API and commands call these."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.communities.models import (
    CHARTER_FIELDS,
    MARKDOWN_FIELDS,
    MAX_MARKDOWN,
    Community,
    Invitation,
    JoinPolicy,
    JoinRequest,
    Kind,
    Membership,
    RequestStatus,
    Role,
    Stage,
    Visibility,
)
from cultivate.core.errors import ActionError, Conflict, NotAllowed
from cultivate.core.mail import send_after_commit
from cultivate.core.models import tags_from_names
from cultivate.policy import Can

EDITABLE_FIELDS = ("name", "slug", "tagline", "kind", "stage", "visibility", "join_policy",
                   *MARKDOWN_FIELDS)
CHOICES = {"kind": Kind, "stage": Stage, "visibility": Visibility, "join_policy": JoinPolicy}
MAX_TAGS = 20


def _one_of(values) -> str:
    return _("Choose one of: %(options)s.") % {"options": ", ".join(values)}


def _clean_community_fields(values: dict, *, instance: Community | None) -> dict:
    """Validate the editable fields given; raise one ActionError listing every problem."""
    errors: dict[str, list[str]] = {}
    cleaned = {key: value for key, value in values.items() if key in EDITABLE_FIELDS}
    for key, value in cleaned.items():
        if isinstance(value, str):
            cleaned[key] = value.strip()
    if "name" in cleaned:
        name = cleaned["name"]
        if not name:
            errors["name"] = [_("Give the community a name.")]
        elif len(name) > 120:
            errors["name"] = [_("Keep the name under 120 characters.")]
        else:
            clash = Community.objects.filter(name__iexact=name)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                errors["name"] = [_("A community with this name already exists.")]
    if "slug" in cleaned or instance is None:
        slug = slugify(cleaned.get("slug") or cleaned.get("name") or "")[:80]
        if not slug:
            errors.setdefault("slug", [_("Choose an address made of letters, digits or dashes.")])
        else:
            clash = Community.objects.filter(slug=slug)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists() and "name" not in errors:
                field = "slug" if cleaned.get("slug") else "name"
                taken = _("The address /c/%(slug)s/ is taken.") % {"slug": slug}
                errors.setdefault(field, [taken])
        cleaned["slug"] = slug
    if len(cleaned.get("tagline", "")) > 200:
        errors["tagline"] = [_("Keep the tagline under 200 characters.")]
    for key, choices in CHOICES.items():
        if key in cleaned and cleaned[key] not in choices.values:
            errors[key] = [_one_of(choices.values)]
    for key in MARKDOWN_FIELDS:
        if len(cleaned.get(key, "")) > MAX_MARKDOWN:
            errors[key] = [_("Keep this under %(max)d characters.") % {"max": MAX_MARKDOWN}]
    for key in CHARTER_FIELDS:
        required = instance is None or key in cleaned
        if required and not cleaned.get(key, "") and key not in errors:
            errors[key] = [_("The charter needs its domain, community and practice.")]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    return cleaned


def _clean_tags(tags) -> list[str]:
    tags = [str(tag) for tag in tags]
    if len(tags) > MAX_TAGS:
        raise ActionError(_("Use at most %(max)d tags.") % {"max": MAX_TAGS},
                          fields={"tags": [_("Too many tags.")]})
    return tags


@transaction.atomic
def do_create_community(*, actor, tags=(), **values) -> Community:
    if not policy.can_create_community(actor):
        raise NotAllowed("sign in to start a community")
    cleaned = _clean_community_fields(values, instance=None)
    tag_names = _clean_tags(tags)
    try:
        with transaction.atomic():
            community = Community.objects.create(created_by=actor, **cleaned)
    except IntegrityError as error:
        raise Conflict(_("A community with this name or address already exists.")) from error
    community.tags.set(tags_from_names(tag_names))
    membership = Membership.objects.create(community=community, user=actor, role=Role.CONVENER)
    _count_members(community, +1)
    record_activity(actor=actor, verb=Verb.COMMUNITY_CREATED, community=community,
                    target=community)
    record_activity(actor=actor, verb=Verb.MEMBER_JOINED, community=community, target=membership,
                    payload={"role": Role.CONVENER, "how": "founded"})
    return community


@transaction.atomic
def do_update_community(*, actor, community: Community, tags=None, **values) -> Community:
    policy.check(policy.standing_of(actor, community), Can.EDIT, community)
    cleaned = _clean_community_fields(values, instance=community)
    changed = [key for key, value in cleaned.items() if getattr(community, key) != value]
    for key in changed:
        setattr(community, key, cleaned[key])
    if changed:
        try:
            with transaction.atomic():
                community.save()
        except IntegrityError as error:
            raise Conflict(_("A community with this name or address already exists.")) from error
    if tags is not None:
        community.tags.set(tags_from_names(_clean_tags(tags)))
        changed.append("tags")
    if changed:
        record_activity(actor=actor, verb=Verb.CHARTER_EDITED, community=community,
                        target=community, payload={"fields": sorted(changed)})
    return community


def _count_members(community: Community, delta: int) -> None:
    Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + delta)
    community.member_count += delta


def _add_member(*, community: Community, user, role: str, how: str, actor) -> Membership:
    try:
        with transaction.atomic():
            membership = Membership.objects.create(community=community, user=user, role=role)
    except IntegrityError as error:
        raise Conflict(_("You are already a member of this community."),
                       code="already_member") from error
    _count_members(community, +1)
    record_activity(actor=actor, verb=Verb.MEMBER_JOINED, community=community,
                    target=membership, payload={"role": role, "how": how})
    return membership


@transaction.atomic
def do_join_community(*, actor, community: Community) -> Membership:
    standing = policy.standing_of(actor, community)
    if standing in policy.MEMBER_STANDINGS:
        raise Conflict(_("You are already a member of this community."), code="already_member")
    policy.check(standing, Can.JOIN, community)
    return _add_member(community=community, user=actor, role=Role.MEMBER, how="open",
                       actor=actor)


@transaction.atomic
def do_request_to_join(*, actor, community: Community, message: str = "") -> JoinRequest:
    standing = policy.standing_of(actor, community)
    if standing in policy.MEMBER_STANDINGS:
        raise Conflict(_("You are already a member of this community."), code="already_member")
    if standing == policy.Standing.PENDING:
        raise Conflict(_("Your request to join is already waiting for a decision."),
                       code="already_requested")
    policy.check(standing, Can.REQUEST_TO_JOIN, community)
    message = (message or "").strip()
    if len(message) > 2000:
        raise ActionError(_("Keep the message under 2000 characters."),
                          fields={"message": [_("Too long.")]})
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(community=community, user=actor,
                                                      message=message)
    except IntegrityError as error:
        raise Conflict(_("Your request to join is already waiting for a decision."),
                       code="already_requested") from error
    record_activity(actor=actor, verb=Verb.JOIN_REQUESTED, community=community,
                    target=join_request)
    _tell_stewards_about(join_request)
    return join_request


def _tell_stewards_about(join_request: JoinRequest) -> None:
    community = join_request.community
    stewards = Membership.objects.filter(
        community=community, role__in=[Role.CONVENER, Role.FACILITATOR]
    ).exclude(user__email="").values_list("user__email", flat=True)
    if stewards:
        send_after_commit(
            to=sorted(stewards), template="communities/email/join_requested",
            context={"join_request": join_request, "community": community,
                     "requests_url": settings.SITE_URL + reverse(
                         "communities:requests", kwargs={"slug": community.slug})},
        )


@transaction.atomic
def do_withdraw_join_request(*, actor, community: Community) -> JoinRequest:
    join_request = (
        JoinRequest.objects.select_for_update()
        .filter(community=community, user=actor, status=RequestStatus.PENDING).first()
    )
    if join_request is None:
        raise ActionError(_("You have no request waiting here."), code="no_request")
    join_request.status = RequestStatus.WITHDRAWN
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_at"])
    record_activity(actor=actor, verb=Verb.JOIN_WITHDRAWN, community=community,
                    target=join_request)
    return join_request


@transaction.atomic
def do_decide_join_request(*, actor, join_request: JoinRequest, approve: bool,
                           response: str = "") -> JoinRequest:
    community = join_request.community
    policy.check(policy.standing_of(actor, community), Can.DECIDE_REQUESTS, community)
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != RequestStatus.PENDING:
        raise Conflict(_("This request was already decided."), code="already_decided")
    response = (response or "").strip()
    if len(response) > 2000:
        raise ActionError(_("Keep the message under 2000 characters."),
                          fields={"response": [_("Too long.")]})
    join_request.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    join_request.response = response
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save()
    verb = Verb.JOIN_APPROVED if approve else Verb.JOIN_DECLINED
    record_activity(actor=actor, verb=verb, community=community, target=join_request,
                    payload={"user": join_request.user_id})
    if approve:
        _add_member(community=community, user=join_request.user, role=Role.MEMBER,
                    how="request", actor=join_request.user)
    if join_request.user.email:
        send_after_commit(
            to=[join_request.user.email], template="communities/email/join_decided",
            context={"join_request": join_request, "community": community, "approved": approve},
        )
    return join_request


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
        errors["role"] = [_one_of(Role.values)]
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
    return _add_member(community=community, user=actor, role=invitation.role,
                       how="invitation", actor=actor)


def _conveners_left_without(membership: Membership) -> int:
    # Lock the convener rows so two demotions at once cannot both pass this check.
    others = (
        Membership.objects.select_for_update()
        .filter(community=membership.community_id, role=Role.CONVENER)
        .exclude(pk=membership.pk)
        .values_list("pk", flat=True)
    )
    return len(list(others))


def _guard_last_convener(membership: Membership, message: str) -> None:
    if membership.role == Role.CONVENER and _conveners_left_without(membership) == 0:
        raise Conflict(message, code="last_convener")


@transaction.atomic
def do_leave_community(*, actor, community: Community) -> None:
    membership = Membership.objects.filter(community=community, user=actor).first()
    if membership is None:
        raise ActionError(_("You are not a member of this community."), code="not_member")
    _guard_last_convener(
        membership, _("You are the last convener. Make someone else a convener first."))
    membership.delete()
    _count_members(community, -1)
    record_activity(actor=actor, verb=Verb.MEMBER_LEFT, community=community,
                    payload={"user": actor.pk, "role": membership.role})


@transaction.atomic
def do_change_role(*, actor, membership: Membership, role: str) -> Membership:
    community = membership.community
    policy.check(policy.standing_of(actor, community), Can.MANAGE_MEMBERS, community)
    if role not in Role.values:
        raise ActionError(_one_of(Role.values), fields={"role": [_("Unknown role.")]})
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == role:
        return membership
    if role != Role.CONVENER:
        _guard_last_convener(
            membership, _("A community always keeps at least one convener. Make someone else "
                          "a convener first."))
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record_activity(actor=actor, verb=Verb.ROLE_CHANGED, community=community, target=membership,
                    payload={"user": membership.user_id, "from": previous, "to": role})
    return membership


@transaction.atomic
def do_remove_member(*, actor, membership: Membership) -> None:
    community = membership.community
    policy.check(policy.standing_of(actor, community), Can.MANAGE_MEMBERS, community)
    _guard_last_convener(
        membership, _("A community always keeps at least one convener. Make someone else a "
                      "convener first."))
    user_id, role = membership.user_id, membership.role
    membership.delete()
    _count_members(community, -1)
    record_activity(actor=actor, verb=Verb.MEMBER_REMOVED, community=community,
                    payload={"user": user_id, "role": role})
