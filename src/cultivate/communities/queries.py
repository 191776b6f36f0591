"""Read paths shared by the HTML views, the API and the demo/benchmark tools."""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from cultivate import policy
from cultivate.communities.models import (
    Community,
    Invitation,
    JoinRequest,
    Kind,
    Membership,
    RequestStatus,
    Role,
    Stage,
)
from cultivate.core.models import Tag

ROLE_ORDER = [Role.CONVENER, Role.FACILITATOR, Role.SPONSOR, Role.CORE, Role.MEMBER]
MEMBERS_PER_PAGE = 50
PEOPLE_ON_HOME = 12


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    tag: str = ""
    kind: str = ""
    stage: str = ""

    @classmethod
    def from_params(cls, params) -> "DirectoryFilters":
        kind = params.get("kind", "")
        stage = params.get("stage", "")
        return cls(
            q=(params.get("q") or "").strip()[:100],
            tag=(params.get("tag") or "").strip()[:60],
            kind=kind if kind in Kind.values else "",
            stage=stage if stage in Stage.values else "",
        )


def directory(user, filters: DirectoryFilters) -> QuerySet[Community]:
    """Communities this user may see, filtered, with their tags prefetched (two queries)."""
    communities = policy.visible_communities(user)
    if filters.q:
        communities = communities.filter(
            Q(name__icontains=filters.q) | Q(tagline__icontains=filters.q)
        )
    if filters.tag:
        communities = communities.filter(tags__slug=filters.tag)
    if filters.kind:
        communities = communities.filter(kind=filters.kind)
    if filters.stage:
        communities = communities.filter(stage=filters.stage)
    return communities.order_by("name").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name"))
    )


def biggest_public_community() -> Community | None:
    """The public community with the most members: its pages are the ones to warm first."""
    return Community.objects.filter(visibility="public").order_by("-member_count").first()


def in_community(rows, community: Community) -> list:
    """Rows of one community (events, adaptations...) with it attached, so their addresses
    need no query each."""
    rows = list(rows)
    for row in rows:
        row.community = community
    return rows


def tags_in_use() -> QuerySet[Tag]:
    return Tag.objects.filter(communities__isnull=False).distinct().order_by("name")


def members_page(community: Community, page: int, *, per_page: int = MEMBERS_PER_PAGE
                 ) -> tuple[list[Membership], bool]:
    """One page of members, conveners first then by role, oldest first within a role, and
    whether another page follows.

    Reads role by role through the (community, role, joined_at) index: page 1 costs the same
    in a community of 20 or of 100,000. Deeper pages count the roles before them and skip rows
    by id alone, joining users only for the rows shown.
    """
    skip = (max(page, 1) - 1) * per_page
    wanted = per_page + 1
    rows: list[Membership] = []
    for role in ROLE_ORDER:
        in_role = Membership.objects.filter(community=community, role=role)
        if skip:
            size = in_role.count()
            if skip >= size:
                skip -= size
                continue
        rows += _slice_of_role(in_role, skip, wanted - len(rows))
        skip = 0
        if len(rows) >= wanted:
            break
    return rows[:per_page], len(rows) > per_page


def _slice_of_role(in_role, skip: int, limit: int) -> list[Membership]:
    ordered = in_role.order_by("joined_at", "id")
    if not skip:
        return list(ordered.select_related("user")[:limit])
    ids = list(ordered.values_list("id", flat=True)[skip : skip + limit])
    found = {m.pk: m for m in Membership.objects.filter(pk__in=ids).select_related("user")}
    return [found[pk] for pk in ids]


def membership_of(community: Community, user_id) -> Membership | None:
    return (
        Membership.objects.select_related("user", "community")
        .filter(community=community, user_id=user_id)
        .first()
    )


def pending_requests(community: Community) -> list[JoinRequest]:
    return list(
        JoinRequest.objects.filter(community=community, status=RequestStatus.PENDING)
        .select_related("user")
        .order_by("created_at")
    )


def pending_request_count(community: Community) -> int:
    return JoinRequest.objects.filter(community=community, status=RequestStatus.PENDING).count()


def pending_request(community: Community, request_id) -> JoinRequest | None:
    if not str(request_id or "").isdigit():
        return None
    return (
        JoinRequest.objects.select_related("user", "community")
        .filter(community=community, pk=request_id)
        .first()
    )


def invitations(community: Community, *, limit: int = 100) -> list[Invitation]:
    return list(
        Invitation.objects.filter(community=community)
        .select_related("invited_by", "accepted_by")
        .order_by("-created_at")[:limit]
    )


def invitation_in(community: Community, invitation_id) -> Invitation | None:
    return Invitation.objects.select_related("community").filter(
        community=community, pk=invitation_id).first()


def communities_of(user) -> list[Membership]:
    if not policy.is_signed_in(user):
        return []
    return list(
        Membership.objects.filter(user=user).select_related("community").order_by(
            "community__name")
    )


def memberships_visible_to(viewer, person) -> list[Membership]:
    """A person's memberships, leaving out communities the viewer may not know of."""
    visible = policy.visible_communities(viewer).filter(pk=OuterRef("community_id"))
    return list(
        Membership.objects.filter(user=person).filter(Exists(visible))
        .select_related("community").order_by("community__name")
    )


def exposed_if_public(community: Community) -> dict[str, int]:
    """What anyone on the internet could read once the community is public: shown before a
    convener confirms widening its visibility. Other apps' models by name: they import us."""
    def count(label: str, **filters) -> int:
        return apps.get_model(label).objects.filter(community=community, **filters).count()

    return {
        "conversations": count("conversations.Topic"),
        "methods": count("practice.Method"),
        "resources": count("resources.Resource", deleted_at__isnull=True),
        "events": count("events.Event"),
        "members": community.member_count,
    }


def convener_count(community) -> int:
    return Membership.objects.filter(community=community, role=Role.CONVENER).count()
