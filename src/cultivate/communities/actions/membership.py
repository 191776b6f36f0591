"""Joining, leaving, roles and removal; a community always keeps a convener."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.audit.actions import record_audit
from cultivate.communities.models import (
    Community,
    Membership,
    Role,
)
from cultivate.core.errors import ActionError, Conflict, choose_one_of
from cultivate.core.page_cache import LANDSCAPE, expire
from cultivate.core.realtime import access_changed_after_commit
from cultivate.policy import Can


def adjust_member_count(community: Community, delta: int) -> None:
    Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + delta)
    expire(LANDSCAPE)  # the directory shows the count
    community.member_count += delta


def add_member(*, community: Community, user, role: str, how: str, actor) -> Membership:
    try:
        with transaction.atomic():
            membership = Membership.objects.create(community=community, user=user, role=role)
    except IntegrityError as error:
        raise Conflict(_("You are already a member of this community."),
                       code="already_member") from error
    adjust_member_count(community, +1)
    record_activity(actor=actor, verb=Verb.MEMBER_JOINED, community=community,
                    target=membership, payload={"role": role, "how": how})
    return membership


@transaction.atomic
def do_join_community(*, actor, community: Community) -> Membership:
    standing = policy.standing_of(actor, community)
    if standing in policy.MEMBER_STANDINGS:
        raise Conflict(_("You are already a member of this community."), code="already_member")
    policy.check(standing, Can.JOIN, community)
    return add_member(community=community, user=actor, role=Role.MEMBER, how="open",
                       actor=actor)


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
    adjust_member_count(community, -1)
    record_activity(actor=actor, verb=Verb.MEMBER_LEFT, community=community,
                    payload={"user": actor.pk, "role": membership.role})
    access_changed_after_commit(actor.pk)


@transaction.atomic
def do_change_role(*, actor, membership: Membership, role: str) -> Membership:
    community = membership.community
    policy.check(policy.standing_of(actor, community), Can.MANAGE_MEMBERS, community)
    if role not in Role.values:
        raise ActionError(choose_one_of(Role.values), fields={"role": [_("Unknown role.")]})
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
    record_audit(actor=actor, verb=Verb.ROLE_CHANGED, target=membership.user, community=community,
                 details={"from": previous, "to": role})
    access_changed_after_commit(membership.user_id)
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
    adjust_member_count(community, -1)
    record_activity(actor=actor, verb=Verb.MEMBER_REMOVED, community=community,
                    payload={"user": user_id, "role": role})
    record_audit(actor=actor, verb=Verb.MEMBER_REMOVED, target=membership.user,
                 community=community, details={"role": role})
    access_changed_after_commit(user_id)
