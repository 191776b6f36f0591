"""Requests to join a community that approves its members."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.audit.actions import record_audit
from cultivate.communities.actions.membership import add_member
from cultivate.communities.models import (
    Community,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
)
from cultivate.core.errors import ActionError, Conflict
from cultivate.core.i18n import language_of
from cultivate.core.mail import send_after_commit, send_to_people_after_commit
from cultivate.policy import Can


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
    from cultivate.communities.inbox import notify_stewards

    community = join_request.community
    notify_stewards(community, title=lambda: _("%(name)s asks to join") % {
        "name": join_request.user.public_name},
        link=reverse("communities:requests", kwargs={"slug": community.slug}))
    stewards = [membership.user for membership in Membership.objects.filter(
        community=community, role__in=[Role.CONVENER, Role.FACILITATOR]
    ).exclude(user__email="").select_related("user")]
    if stewards:
        send_to_people_after_commit(
            stewards, template="communities/email/join_requested",
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
    record_audit(actor=actor, verb=verb, target=join_request.user, community=community)
    if approve:
        add_member(community=community, user=join_request.user, role=Role.MEMBER,
                    how="request", actor=join_request.user)
    if join_request.user.email:
        send_after_commit(
            to=[join_request.user.email], template="communities/email/join_decided",
            context={"join_request": join_request, "community": community, "approved": approve},
            language=language_of(join_request.user),
        )
    return join_request
