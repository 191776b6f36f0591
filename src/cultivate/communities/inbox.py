"""The steward's inbox: what needs a convener or facilitator, community by community.

Each app contributes what it knows through one registration (its AppConfig.ready appends to
SOURCES), as it contributes its models and URLs: communities the join requests, conversations
the flags and the questions waiting, events the meetings to record and backchannels to harvest.
A source takes the stewarded communities and returns {community id: [InboxSection, ...]}.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.communities.models import Community, JoinRequest, Membership, RequestStatus, Role

STEWARD_ROLES = (Role.CONVENER, Role.FACILITATOR)
SHOWN_PER_SECTION = 5


@dataclass(frozen=True)
class InboxItem:
    title: str
    link: str
    meta: str = ""


@dataclass
class InboxSection:
    heading: str
    count: int
    items: list[InboxItem] = field(default_factory=list)
    more_link: str = ""


@dataclass
class CommunityInbox:
    community: Community
    sections: list[InboxSection]

    @property
    def count(self) -> int:
        return sum(section.count for section in self.sections)


# (the policy verb a steward needs for it, source): each source sees only the communities where
# the person may act on what it lists.
SOURCES: list[tuple[policy.Can, Callable[[list[Community]], dict[int, list[InboxSection]]]]] = []
# What any member may help with, whatever their role: user -> InboxSection.
MEMBER_SOURCES: list[Callable] = []
# Told when something new needs the stewards of a community: (stewards, community, title, link).
NOTIFIERS: list[Callable] = []


def stewarded_communities(user) -> list[Community]:
    if not policy.is_signed_in(user):
        return []
    return list(Community.objects.filter(
        memberships__user=user, memberships__role__in=STEWARD_ROLES).order_by("name"))


def inbox_of(user) -> list[CommunityInbox]:
    """Every stewarded community with the sections that hold something."""
    communities = stewarded_communities(user)
    if not communities:
        return []
    found: dict[int, list[InboxSection]] = {c.pk: [] for c in communities}
    verbs = {c.pk: policy.allowed(policy.standing_of(user, c), c) for c in communities}
    for verb, source in SOURCES:
        allowed = [c for c in communities if verb in verbs[c.pk]]
        for community_id, sections in (source(allowed).items() if allowed else ()):
            found[community_id].extend(s for s in sections if s.count)
    return [CommunityInbox(c, found[c.pk]) for c in communities]


def for_me(user) -> list[InboxSection]:
    if not policy.is_signed_in(user):
        return []
    return [section for source in MEMBER_SOURCES if (section := source(user)).count]


def waiting_count(user) -> int:
    return sum(box.count for box in inbox_of(user))


def notify_stewards(community: Community, *, title: str, link: str, exclude=None) -> None:
    """An in-app notice for each steward of the community (the actor left out)."""
    stewards = list(Membership.objects.filter(community=community, role__in=STEWARD_ROLES)
                    .exclude(user=exclude).values_list("user", flat=True))
    if stewards:
        for notifier in NOTIFIERS:
            notifier(stewards, community, title, link)


def join_requests(communities) -> dict[int, list[InboxSection]]:
    pending = (JoinRequest.objects.filter(community__in=communities, status=RequestStatus.PENDING)
               .select_related("user", "community").order_by("created_at", "pk"))
    by_community: dict[int, list] = {}
    for request in pending:
        by_community.setdefault(request.community_id, []).append(request)
    return {community_id: [InboxSection(
        _("Requests to join"), len(requests),
        [InboxItem(r.user.public_name, reverse("communities:requests", args=[r.community.slug]),
                   Truncator(r.message).chars(140)) for r in requests[:SHOWN_PER_SECTION]],
        reverse("communities:requests", args=[requests[0].community.slug]))]
        for community_id, requests in by_community.items()}


SOURCES.append((policy.Can.DECIDE_REQUESTS, join_requests))
