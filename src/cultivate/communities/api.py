"""Thin JSON routes over the same actions and queries as the HTML views."""


from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from cultivate import policy
from cultivate.activity.stream import community_stream
from cultivate.communities import actions, queries
from cultivate.communities import schemas as s
from cultivate.communities.models import Community, Invitation, JoinPolicy, Membership
from cultivate.core.errors import NotAllowed
from cultivate.core.fragments import cached_fragment
from cultivate.core.page_cache import LANDSCAPE, community_scope, depends_on
from cultivate.core.paging import page_of
from cultivate.policy import Can

router = Router(tags=["communities"])
PAGE_SIZE = 50


def person(user) -> dict:
    return {"id": user.pk, "username": user.username, "display_name": user.public_name}


def summary(community: Community) -> dict:
    return {
        "id": community.pk, "slug": community.slug, "name": community.name,
        "tagline": community.tagline, "kind": community.kind, "stage": community.stage,
        "visibility": community.visibility, "join_policy": community.join_policy,
        "external_images": community.external_images,
        "tags": [tag.name for tag in community.tags.all()], "languages": community.languages,
        "member_count": community.member_count, "url": community.get_absolute_url(),
    }


def detail(community: Community, standing) -> dict:
    verbs = policy.allowed(standing, community)
    body = summary(community) | {
        "created_at": community.created_at, "your_standing": standing.value,
        "your_permissions": sorted(v.value for v in verbs),
        "case_for_membership": {"why": community.case_why, "what": community.case_what,
                                "how": community.case_how},
    }
    if Can.READ in verbs:
        body["charter"] = {"domain": community.charter_domain,
                           "community": community.charter_community,
                           "practice": community.charter_practice}
        body["charter_html"] = {"domain": community.charter_domain_html,
                                "community": community.charter_community_html,
                                "practice": community.charter_practice_html}
    return body


def flatten(payload: Schema, *, partial: bool) -> dict:
    """Schema with nested charter/case to the flat field names the actions take."""
    data = payload.dict(exclude_unset=partial)
    charter = data.pop("charter", None) or {}
    case = data.pop("case_for_membership", None) or {}
    data |= {f"charter_{k}": v for k, v in charter.items() if v is not None}
    data |= {f"case_{k}": v for k, v in case.items() if v is not None}
    return {k: v for k, v in data.items() if v is not None or not partial}


class DirectoryQuery(Schema):
    q: str = ""
    tag: str = ""
    kind: str = ""
    stage: str = ""
    page: int = 1


@router.get("/communities", response=s.CommunityPage, summary="Browse the landscape")
def list_communities(request: HttpRequest, filters: Query[DirectoryQuery]):
    params = queries.DirectoryFilters.from_params(filters.dict())

    def render() -> str:
        found = queries.directory(request.user, params)
        page = page_of(found, filters.page, PAGE_SIZE)
        body = page.body([summary(c) for c in page.rows])
        return s.CommunityPage.model_validate(body).model_dump_json()

    depends_on(request, LANDSCAPE)
    body = cached_fragment("api-directory", policy.visibility_scope(request.user), params,
                           filters.page, scopes=(LANDSCAPE,), render=render)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.post("/communities", response={201: s.CommunityDetail}, summary="Start a community")
def create_community(request: HttpRequest, payload: s.CommunityCreate):
    community = actions.do_create_community(actor=request.user, **flatten(payload, partial=False))
    return Status(201, detail(community, policy.standing_of(request.user, community)))


@router.get("/communities/{slug}", response=s.CommunityDetail)
def get_community(request: HttpRequest, slug: str):
    community, standing = policy.access_community(request.user, slug, Can.SEE)
    depends_on(request, community_scope(community.pk))
    return detail(community, standing)


@router.patch("/communities/{slug}", response=s.CommunityDetail,
              summary="Edit the charter, case for membership or settings")
def update_community(request: HttpRequest, slug: str, payload: s.CommunityPatch):
    community, _standing = policy.access_community(request.user, slug, Can.EDIT)
    values = flatten(payload, partial=True)
    confirm = bool(values.pop("confirm", False))
    community = actions.do_update_community(actor=request.user, community=community,
                                            confirm_visibility=confirm, **values)
    return detail(community, policy.standing_of(request.user, community))


@router.post("/communities/{slug}/join",
             response={200: s.CommunityJoinOut, 201: s.CommunityJoinOut},
             summary="Join an open community, or ask to join one that approves requests")
def join_community(request: HttpRequest, slug: str, payload: s.CommunityJoinIn | None = None):
    community, _standing = policy.access_community(request.user, slug, Can.SEE)
    if community.join_policy == JoinPolicy.REQUEST:
        message = payload.message if payload else ""
        join_request = actions.do_request_to_join(actor=request.user, community=community,
                                                  message=message)
        return Status(201, {"status": "pending", "request_id": join_request.pk})
    actions.do_join_community(actor=request.user, community=community)
    return Status(201, {"status": "member"})


@router.delete("/communities/{slug}/join", response={204: None},
               summary="Withdraw your pending request to join")
def withdraw_request(request: HttpRequest, slug: str):
    community, _standing = policy.access_community(request.user, slug, Can.SEE)
    actions.do_withdraw_join_request(actor=request.user, community=community)
    return Status(204, None)


@router.post("/communities/{slug}/leave", response={204: None})
def leave_community(request: HttpRequest, slug: str):
    community, _standing = policy.access_community(request.user, slug, Can.SEE)
    actions.do_leave_community(actor=request.user, community=community)
    return Status(204, None)


@router.get("/communities/{slug}/members", response=s.MemberPage)
def list_members(request: HttpRequest, slug: str, page: int = 1):
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    depends_on(request, community_scope(community.pk))
    page = max(1, page)
    rows, has_next = queries.members_page(community, page)
    return {"items": [_member(m) for m in rows], "page": page, "has_next": has_next}


def _member(membership: Membership) -> dict:
    return {"user": person(membership.user), "role": membership.role,
            "joined_at": membership.joined_at}


def _membership(community: Community, user_id: int) -> Membership:
    membership = queries.membership_of(community, user_id)
    if membership is None:
        raise NotAllowed("no such member", hide=True)
    return membership


@router.patch("/communities/{slug}/members/{user_id}", response=s.CommunityMemberOut,
              summary="Change a member's role (conveners)")
def change_role(request: HttpRequest, slug: str, user_id: int, payload: s.RoleIn):
    community, _standing = policy.access_community(request.user, slug, Can.MANAGE_MEMBERS)
    membership = actions.do_change_role(actor=request.user,
                                        membership=_membership(community, user_id),
                                        role=payload.role)
    return _member(membership)


@router.delete("/communities/{slug}/members/{user_id}", response={204: None},
               summary="Remove a member (conveners)")
def remove_member(request: HttpRequest, slug: str, user_id: int):
    community, _standing = policy.access_community(request.user, slug, Can.MANAGE_MEMBERS)
    actions.do_remove_member(actor=request.user, membership=_membership(community, user_id))
    return Status(204, None)


def _join_request(join_request) -> dict:
    return {"id": join_request.pk, "user": person(join_request.user),
            "message": join_request.message, "status": join_request.status,
            "response": join_request.response, "created_at": join_request.created_at,
            "decided_at": join_request.decided_at}


@router.get("/communities/{slug}/requests", response=list[s.JoinRequestOut],
            summary="Pending requests to join (conveners and facilitators)")
def list_requests(request: HttpRequest, slug: str):
    community, _standing = policy.access_community(request.user, slug, Can.DECIDE_REQUESTS)
    return [_join_request(r) for r in queries.pending_requests(community)]


def _decide(request, slug: str, request_id: int, approve: bool, payload):
    community, _standing = policy.access_community(request.user, slug, Can.DECIDE_REQUESTS)
    join_request = queries.pending_request(community, request_id)
    if join_request is None:
        raise NotAllowed("no such request", hide=True)
    decided = actions.do_decide_join_request(
        actor=request.user, join_request=join_request, approve=approve,
        response=payload.response if payload else "")
    return _join_request(decided)


@router.post("/communities/{slug}/requests/{request_id}/approve", response=s.JoinRequestOut)
def approve_request(request: HttpRequest, slug: str, request_id: int,
                    payload: s.JoinRequestDecisionIn | None = None):
    return _decide(request, slug, request_id, True, payload)


@router.post("/communities/{slug}/requests/{request_id}/decline", response=s.JoinRequestOut)
def decline_request(request: HttpRequest, slug: str, request_id: int,
                    payload: s.JoinRequestDecisionIn | None = None):
    return _decide(request, slug, request_id, False, payload)


def _invitation(invitation: Invitation) -> dict:
    if invitation.accepted_at:
        status = "accepted"
    elif invitation.revoked_at:
        status = "revoked"
    else:
        status = "expired" if invitation.is_expired else "open"
    return {"id": invitation.pk, "email": invitation.email, "role": invitation.role,
            "created_at": invitation.created_at, "expires_at": invitation.expires_at,
            "accepted_at": invitation.accepted_at, "status": status}


@router.get("/communities/{slug}/invitations", response=list[s.InvitationOut])
def list_invitations(request: HttpRequest, slug: str):
    community, _standing = policy.access_community(request.user, slug, Can.INVITE)
    return [_invitation(i) for i in queries.invitations(community)]


@router.post("/communities/{slug}/invitations", response={201: s.InvitationOut},
             summary="Invite someone by email (conveners and facilitators)")
def invite(request: HttpRequest, slug: str, payload: s.InvitationIn):
    community, _standing = policy.access_community(request.user, slug, Can.INVITE)
    invitation = actions.do_invite_member(actor=request.user, community=community,
                                          **payload.dict())
    return Status(201, _invitation(invitation))


@router.delete("/communities/{slug}/invitations/{invitation_id}", response=s.InvitationOut,
               summary="Withdraw an invitation that has not been used")
def revoke_invitation(request: HttpRequest, slug: str, invitation_id: int):
    community, _standing = policy.access_community(request.user, slug, Can.INVITE)
    found = queries.invitation_in(community, invitation_id)
    if found is None:
        raise NotAllowed("no such invitation", hide=True)
    return _invitation(actions.do_revoke_invitation(actor=request.user, invitation=found))


@router.post("/invitations/{token}/accept", response={201: s.CommunityMemberOut},
             summary="Accept an invitation with the token from its email")
def accept_invitation(request: HttpRequest, token: str):
    membership = actions.do_accept_invitation(actor=request.user, token=token)
    return Status(201, _member(membership))


@router.get("/communities/{slug}/activity", response=list[s.ActivityOut],
            summary="Recent activity in a community: its news, each linked to what it is about "
                    "(join requests, invitations and moderation are stewards' business)")
def community_activity(request: HttpRequest, slug: str, limit: int = 20):
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    depends_on(request, community_scope(community.pk))
    entries = community_stream(community, limit=min(max(limit, 1), 100))
    return [{"id": e.activity.pk, "occurred_at": e.activity.occurred_at, "verb": e.activity.verb,
             "actor": person(e.activity.actor) if e.activity.actor else None,
             "payload": e.activity.payload, "title": e.title, "url": e.link} for e in entries]
