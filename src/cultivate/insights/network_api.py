"""JSON routes of the interaction network: its measures, brokers, boundary spanners and
unconnected newcomers, everyone's measures and the weighted ties page by page (for those who
see insights), and the caller's own people worth meeting (members)."""

from datetime import date, datetime

from ninja import Query, Router, Schema
from pydantic import Field

from cultivate import policy
from cultivate.core.api_schemas import PageQuery
from cultivate.core.page_cache import community_scope
from cultivate.core.paging import page_of
from cultivate.insights import network_queries
from cultivate.insights.network_queries import UNRATED
from cultivate.policy import Can

router = Router(tags=["insights"])


class PersonOut(Schema):
    id: int
    username: str
    display_name: str
    level: str = Field(description="core, active, occasional, peripheral, transactional, or "
                                   "unrated (no level computed yet)")


class BrokerOut(Schema):
    person: PersonOut
    betweenness: float = Field(description="Share of shortest paths between two others that "
                                           "pass through this person (0 to 1).")
    degree: int = Field(description="People this person has ties with here.")


class SpannerOut(Schema):
    person: PersonOut
    communities: int = Field(description="Communities where this person has ties.")
    degree: int


class NewcomerOut(Schema):
    person: PersonOut
    joined_at: datetime | None


class NetworkMemberOut(Schema):
    user_id: int
    username: str
    level: str
    degree: int
    betweenness: float
    communities_spanned: int


class NetworkOut(Schema):
    as_of: date = Field(description="The date the network is as of: `as_of` when given, else "
                                    "the last activity of a community that holds only "
                                    "imported history, else today (UTC).")
    as_of_imported: bool
    computed_at: datetime | None = Field(description="null before the first computation")
    window_days: int | None
    nodes: int = Field(description="Members with at least one tie.")
    edges: int = Field(description="Pairs of members with a tie (either direction).")
    interactions: int = Field(description="Replies, answers, acceptances and story comments "
                                          "between members in the window.")
    density: float
    components: int
    largest_component: int
    betweenness_method: str = Field(description="exact, or sampled from N people")
    brokers: list[BrokerOut]
    spanners: list[SpannerOut] = Field(description="The first 50, most communities first.")
    spanners_count: int
    newcomers: list[NewcomerOut] = Field(description="The 50 latest newcomers without a tie.")
    newcomers_count: int


MEMBERS_PER_PAGE = 500
TIES_PER_PAGE = 1_000


class MembersPage(Schema):
    items: list[NetworkMemberOut] = Field(
        description="Everyone with a tie, or new and without one; highest betweenness first, "
                    "500 a page.")
    count: int
    page: int
    pages: int


class TieOut(Schema):
    source: int = Field(description="User id of who replied, answered, accepted or commented.")
    target: int = Field(description="User id of whose post, answer or story it was.")
    weight: int = Field(description="How many times in the window.")


class TiesPage(Schema):
    items: list[TieOut] = Field(description="Heaviest first, 1,000 a page.")
    count: int
    page: int
    pages: int


class SuggestionOut(Schema):
    person: PersonOut
    why: str
    shared_with: list[PersonOut] = Field(description="People you both talk with (a few).")
    shared_count: int
    answers: int = Field(description="Answers given in the window, when suggested for that.")


class PeopleToMeetOut(Schema):
    in_network: bool = Field(description="false: no ties yet; the suggestions are then the "
                                         "people who answer most here")
    suggestions: list[SuggestionOut]


class NetworkAsOfQuery(Schema):
    as_of: str | None = Field(None, description="YYYY-MM-DD: the network of the window ending "
                                                "that day (UTC); a later day than today is "
                                                "today.")


def _person(person) -> dict:
    return {"id": person.id, "username": person.username, "display_name": person.name,
            "level": person.level}


@router.get("/communities/{slug}/network", response=NetworkOut,
            summary="The interaction network of a community (conveners, facilitators, "
                    "sponsors)")
def get_network(request, slug: str, params: Query[NetworkAsOfQuery]):
    community, _standing = policy.access_community(request.user, slug, Can.VIEW_INSIGHTS)
    net = network_queries.network(community, params.as_of)
    figures = net.figures
    return {
        "as_of": net.as_of.day, "as_of_imported": net.as_of.imported,
        "computed_at": net.computed_at, "window_days": figures.get("window_days"),
        "nodes": net.count("nodes"), "edges": net.count("edges"),
        "interactions": net.count("interactions"), "density": net.density,
        "components": net.count("components"),
        "largest_component": net.count("largest_component"),
        "betweenness_method": str(figures.get("betweenness") or "exact"),
        "brokers": [{"person": _person(r["person"]), "betweenness": r["betweenness"],
                     "degree": r["degree"]} for r in net.brokers],
        "spanners": [{"person": _person(r["person"]), "communities": r["communities"],
                      "degree": r["degree"]} for r in net.spanners],
        "spanners_count": net.count("spanners_count"),
        "newcomers": [{"person": _person(r["person"]), "joined_at": r["joined_at"]}
                      for r in net.newcomers],
        "newcomers_count": net.count("newcomers_count"),
    }


@router.get("/communities/{slug}/network/members", response=MembersPage,
            summary="Everyone's place in a community's network, page by page (conveners, "
                    "facilitators, sponsors)")
def get_network_members(request, slug: str, params: Query[PageQuery]):
    community, _standing = policy.access_community(request.user, slug, Can.VIEW_INSIGHTS)
    page = page_of(network_queries.member_measures(community), params.page, MEMBERS_PER_PAGE,
                   count_scopes=(community_scope(community.pk),))
    return page.body([
        {"user_id": r["user_id"], "username": r["user__username"],
         "level": r["level"] or UNRATED, "degree": r["degree"], "betweenness": r["betweenness"],
         "communities_spanned": r["communities_spanned"]} for r in page.rows])


@router.get("/communities/{slug}/network/ties", response=TiesPage,
            summary="Who replied to or answered whom in a community, page by page (conveners, "
                    "facilitators, sponsors)")
def get_network_ties(request, slug: str, params: Query[PageQuery]):
    community, _standing = policy.access_community(request.user, slug, Can.VIEW_INSIGHTS)
    page = page_of(network_queries.edges(community).values_list(
        "source_id", "target_id", "weight"), params.page, TIES_PER_PAGE,
        count_scopes=(community_scope(community.pk),))
    return page.body([{"source": source, "target": target, "weight": weight}
                      for source, target, weight in page.rows])


@router.get("/communities/{slug}/people-to-meet", response=PeopleToMeetOut,
            summary="People you might connect with in a community (your own, members only)")
def get_people_to_meet(request, slug: str):
    community, _standing = policy.access_community(request.user, slug, Can.MEET_PEOPLE)
    suggestions, in_network = network_queries.people_to_meet(community, request.user)
    return {"in_network": in_network, "suggestions": [
        {"person": _person(s.person), "why": s.why,
         "shared_with": [_person(p) for p in s.shared], "shared_count": s.shared_count,
         "answers": s.answers} for s in suggestions]}
