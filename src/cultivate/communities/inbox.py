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
from cultivate.communities.models import Community, JoinRequest, Membership, RequestStatus

# Stewards by their seat (the policy's stewards, platform admins aside: they hold no seat).
STEWARD_ROLES = [s.value for s in policy.STEWARDS if s != policy.Standing.ADMIN]
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


def stewardships(user) -> list[Membership]:
    """The person's convener and facilitator seats, their communities loaded (one query)."""
    if not policy.is_signed_in(user):
        return []
    return list(Membership.objects.filter(user=user, role__in=STEWARD_ROLES)
                .select_related("community").order_by("community__name"))


def grouped_by_community(rows, community_id) -> dict[int, list]:
    """Rows in their order, grouped by `community_id(row)`: how each source splits its finds."""
    groups: dict[int, list] = {}
    for row in rows:
        groups.setdefault(community_id(row), []).append(row)
    return groups


def inbox_of(user) -> list[CommunityInbox]:
    """Every stewarded community with the sections that hold something."""
    seats = stewardships(user)
    if not seats:
        return []
    communities = [seat.community for seat in seats]
    found: dict[int, list[InboxSection]] = {c.pk: [] for c in communities}
    verbs = {seat.community_id: policy.allowed(
        policy.standing_of(user, seat.community, role=seat.role), seat.community)
        for seat in seats}
    for verb, source in SOURCES:
        allowed = [c for c in communities if verb in verbs[c.pk]]
        for community_id, sections in (source(allowed).items() if allowed else ()):
            found[community_id].extend(s for s in sections if s.count)
    return [CommunityInbox(c, found[c.pk]) for c in communities]


def for_me(user) -> list[InboxSection]:
    if not policy.is_signed_in(user):
        return []
    return [section for source in MEMBER_SOURCES if (section := source(user)).count]


def notify_stewards(community: Community, *, title: Callable[[], str], link: str,
                    exclude=None) -> None:
    """An in-app notice for each steward of the community (the actor left out); `title` is
    called in each steward's language."""
    stewards = list(Membership.objects.filter(community=community, role__in=STEWARD_ROLES)
                    .exclude(user=exclude).values_list("user", flat=True))
    if stewards:
        for notifier in NOTIFIERS:
            notifier(stewards, community, title, link)


def join_requests(communities) -> dict[int, list[InboxSection]]:
    pending = (JoinRequest.objects.filter(community__in=communities, status=RequestStatus.PENDING)
               .select_related("user", "community").order_by("created_at", "pk"))
    by_community = grouped_by_community(pending, lambda request: request.community_id)
    return {community_id: [InboxSection(
        _("Requests to join"), len(requests),
        [InboxItem(r.user.public_name, reverse("communities:requests", args=[r.community.slug]),
                   Truncator(r.message).chars(140)) for r in requests[:SHOWN_PER_SECTION]],
        reverse("communities:requests", args=[requests[0].community.slug]))]
        for community_id, requests in by_community.items()}


SOURCES.append((policy.Can.DECIDE_REQUESTS, join_requests))
