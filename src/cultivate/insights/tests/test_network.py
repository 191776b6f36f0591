"""The interaction network: a known pattern built through the conversation actions, then its
measures, suggestions, pages and API."""

from datetime import timedelta

import networkx as nx
import numpy as np
import pytest
from django.db.models import Q
from django.utils import timezone

from cultivate.activity.actions import Verb, record_activity
from cultivate.communities.models import Membership
from cultivate.conversations.actions import do_accept_answer, do_reply, do_start_topic
from cultivate.insights import graph
from cultivate.insights.models import (
    CommunityFigures,
    InteractionEdge,
    Level,
    MemberLevel,
    NetworkMember,
)
from cultivate.insights.network import compute_networks

LEAVES = ("lia", "leo", "lou", "lyn")


def ask(asker, community, title="How do you phase a budget reform?"):
    return do_start_topic(actor=asker, community=community, kind="question", title=title,
                          body="We are starting next year.")


@pytest.fixture
def landscape(make_user, make_community):
    """Budget (public): hub answers the questions of four leaves (a star), one of them
    accepts; Water (public): hub answers bea, so hub spans two communities. nina joined
    Budget yesterday and has not talked with anyone; ana (convener) has not either."""
    ana, hub, bea, nina = (make_user(name) for name in ("ana", "hub", "bea", "nina"))
    people = {"ana": ana, "hub": hub, "bea": bea, "nina": nina}
    budget = make_community(ana, name="Budget")
    water = make_community(ana, name="Water")
    for name in LEAVES:
        people[name] = make_user(name)
        Membership.objects.create(community=budget, user=people[name])
    Membership.objects.create(community=budget, user=hub)
    Membership.objects.create(community=water, user=hub)
    Membership.objects.create(community=water, user=bea)
    long_ago = timezone.now() - timedelta(days=300)
    Membership.objects.update(joined_at=long_ago)
    Membership.objects.create(community=budget, user=nina,
                              joined_at=timezone.now() - timedelta(days=1))
    for name in LEAVES:
        topic = ask(people[name], budget)
        answer = do_reply(actor=hub, topic=topic, body="Start with one ministry.")
        if name == "lia":
            do_accept_answer(actor=people["lia"], topic=topic, post=answer)
            do_reply(actor=people["lia"], topic=topic, body="Thanks!")  # to herself: dropped
    do_reply(actor=hub, topic=ask(bea, water), body="Meter first.")
    MemberLevel.objects.create(community=budget, user=hub, level=Level.ACTIVE)
    return {"budget": budget, "water": water, **people}


def edges_of(community):
    return sorted(InteractionEdge.objects.filter(community=community)
                  .values_list("source__username", "target__username", "weight"))


def member_rows(community):
    return {row.user.username: row for row in NetworkMember.objects.filter(
        community=community).select_related("user")}


def test_edges_come_from_answers_replies_and_acceptances(landscape):
    compute_networks(now=timezone.now())
    assert edges_of(landscape["budget"]) == [
        ("hub", name, 1) for name in sorted(LEAVES)] + [("lia", "hub", 1)]
    assert edges_of(landscape["water"]) == [("hub", "bea", 1)]


def test_star_measures_broker_spanner_and_newcomer(landscape):
    result = compute_networks(now=timezone.now())
    assert result["communities"] == 2
    network = CommunityFigures.objects.get(community=landscape["budget"]).network
    # A star of 5: 4 ties of 10 possible; the hub lies on every path between leaves.
    assert network["nodes"] == 5 and network["edges"] == 4
    assert network["density"] == pytest.approx(0.4)
    assert network["components"] == 1 and network["betweenness"] == "exact"
    assert network["interactions"] == 5
    assert [b["user"] for b in network["brokers"]] == [landscape["hub"].pk]
    assert network["brokers"][0]["betweenness"] == pytest.approx(1.0)
    assert network["spanners"] == [{"user": landscape["hub"].pk, "communities": 2,
                                    "degree": 4}]
    assert [n["user"] for n in network["newcomers"]] == [landscape["nina"].pk]
    assert network["newcomers_count"] == 1
    assert sorted(network["picture"]) == sorted(
        landscape[name].pk for name in ("hub", *LEAVES))
    # The picture's lines are stored with it: each tied pair once (the hub and lia answered
    # each other: one line), smaller id first, flattened.
    hub = landscape["hub"].pk
    assert network["picture_lines"] == [
        value for leaf in sorted(landscape[name].pk for name in LEAVES)
        for value in (min(hub, leaf), max(hub, leaf))]
    rows = member_rows(landscape["budget"])
    assert rows["hub"].degree == 4 and rows["hub"].communities_spanned == 2
    assert rows["lia"].degree == 1 and rows["lia"].communities_spanned == 1
    assert rows["nina"].degree == 0
    assert "ana" not in rows  # no ties and not new: nothing to store
    assert (rows["hub"].x, rows["hub"].y) != (rows["lia"].x, rows["lia"].y)


def test_suggestions_share_a_tie_or_meet_who_answers(landscape):
    compute_networks(now=timezone.now())
    rows = member_rows(landscape["budget"])
    ids = {name: landscape[name].pk for name in ("hub", *LEAVES)}
    # Leaves all talk with hub: they are suggested to each other, best-ranked by id.
    assert rows["lia"].suggestions == [ids["leo"], ids["lou"], ids["lyn"]]
    # The newcomer is pointed to whoever answers most among the active members.
    assert rows["nina"].suggestions == [ids["hub"]]
    assert rows["hub"].suggestions == []


def test_window_members_and_bad_payloads(landscape, make_user):
    budget, hub, lia = landscape["budget"], landscape["hub"], landscape["lia"]
    now = timezone.now()
    record_activity(actor=lia, verb=Verb.POST_REPLIED, community=budget,
                    payload={"post": 1, "reply_to_author": landscape["leo"].pk},
                    occurred_at=now - timedelta(days=400))  # outside the window
    record_activity(actor=lia, verb=Verb.POST_REPLIED, community=budget,
                    payload={"post": 2})  # an older row without the key
    record_activity(actor=lia, verb=Verb.STORY_COMMENTED, community=budget,
                    payload={"story": 1, "story_author": landscape["lou"].pk})
    record_activity(actor=lia, verb=Verb.POST_REPLIED, community=budget,
                    payload={"post": 3, "reply_to_author": landscape["lyn"].pk,
                             "topic_author": hub.pk})  # the reply's author wins
    gone = make_user("gone")
    record_activity(actor=gone, verb=Verb.POST_REPLIED, community=budget,
                    payload={"post": 4, "topic_author": lia.pk})  # not a member
    compute_networks(now=now + timedelta(seconds=1))
    assert ("lia", "lou", 1) in edges_of(budget) and ("lia", "lyn", 1) in edges_of(budget)
    assert ("lia", "leo", 1) not in edges_of(budget)
    assert not InteractionEdge.objects.filter(source=gone).exists()


def test_deleting_a_person_deletes_their_ties(landscape):
    # The ties table has no database-level keys: Django's cascade must still clear them.
    compute_networks(now=timezone.now())
    hub = landscape["hub"]
    assert InteractionEdge.objects.filter(source=hub).exists()
    hub.delete()
    assert not InteractionEdge.objects.filter(Q(source_id=hub.pk) | Q(target_id=hub.pk)).exists()
    assert not NetworkMember.objects.filter(user_id=hub.pk).exists()


def test_running_twice_gives_the_same_rows(landscape):
    now = timezone.now()
    compute_networks(now=now)

    def snapshot():
        members = list(NetworkMember.objects.order_by("community", "user").values(
            "community", "user", "degree", "betweenness", "communities_spanned", "x", "y",
            "suggestions"))
        figures = list(CommunityFigures.objects.order_by("community").values(
            "community", "network"))
        return edges_of(landscape["budget"]), members, figures

    first = snapshot()
    assert compute_networks(now=now)["edges"] == 6
    assert snapshot() == first
    compute_networks(now=now, community_ids=[landscape["water"].pk])
    assert snapshot() == first


def test_a_rerun_follows_changes(landscape):
    budget = landscape["budget"]
    compute_networks(now=timezone.now())
    Membership.objects.filter(community=budget, user=landscape["leo"]).delete()
    topic = ask(landscape["lia"], budget, title="And the second year?")
    do_reply(actor=landscape["hub"], topic=topic, body="Two ministries.")
    compute_networks(now=timezone.now())
    assert edges_of(budget) == [("hub", "lia", 2), ("hub", "lou", 1), ("hub", "lyn", 1),
                                ("lia", "hub", 1)]
    rows = member_rows(budget)
    assert "leo" not in rows and rows["hub"].degree == 3
    assert rows["lia"].suggestions == [landscape["lou"].pk, landscape["lyn"].pk]


def test_figures_of_other_kinds_are_kept(landscape):
    CommunityFigures.objects.create(community=landscape["budget"], members=7)
    compute_networks(now=timezone.now())
    figures = CommunityFigures.objects.get(community=landscape["budget"])
    assert figures.members == 7 and figures.network["nodes"] == 5


# --- the array algorithms against networkx ---------------------------------------------

def test_betweenness_equals_networkx_when_exact_and_ranks_alike_when_sampled(monkeypatch):
    small = nx.barabasi_albert_graph(120, 3, seed=4)
    arrays = graph.Arrays.of(small)
    expected = nx.betweenness_centrality(small)
    assert graph.sample_size(120, small.number_of_edges()) is None
    assert graph.betweenness(arrays) == pytest.approx([expected[u] for u in arrays.nodes])
    large = nx.barabasi_albert_graph(1000, 4, seed=5)
    arrays = graph.Arrays.of(large)
    assert graph.sample_size(1000, large.number_of_edges()) is not None
    sampled = graph.betweenness(arrays, seed=1)
    assert (graph.betweenness(arrays, seed=1) == sampled).all()  # seeded: stable
    monkeypatch.setattr(graph, "BUDGET", 10**12)
    exact = graph.betweenness(arrays)
    top = set(exact.argsort()[::-1][:10])
    assert len(top & set(sampled.argsort()[::-1][:10])) >= 7


def test_people_to_meet_follows_adamic_adar():
    network = nx.karate_club_graph()
    meet = graph.people_to_meet(graph.Arrays.of(network), limit=3)
    for person in (0, 5, 33):
        scores = sorted(((-score, other) for _, other, score in nx.adamic_adar_index(
            network, [(person, o) for o in network if o != person
                      and not network.has_edge(person, o)]) if score > 0))
        assert meet[person] == [other for _, other in scores[:3]]


def test_layout_is_seeded_and_bounded():
    arrays = graph.Arrays.of(nx.barabasi_albert_graph(60, 2, seed=3))
    first = graph.layout(arrays, seed=9)
    assert first == graph.layout(arrays, seed=9) and len(first) == 60
    assert all(-1 <= x <= 1 and -1 <= y <= 1 for x, y in first.values())
    some = graph.layout(arrays, np.array([5, 1, 9]), seed=9)
    assert sorted(some) == [arrays.nodes[1], arrays.nodes[5], arrays.nodes[9]]


def test_components_match_networkx():
    network = nx.disjoint_union_all([nx.path_graph(7), nx.star_graph(4), nx.cycle_graph(5),
                                     nx.complete_graph(3)])
    arrays = graph.Arrays.of(network)
    labels = graph.components(arrays)
    expected = {frozenset(c) for c in nx.connected_components(network)}
    found: dict[int, set] = {}
    for i, label in enumerate(labels.tolist()):
        found.setdefault(label, set()).add(arrays.nodes[i])
    assert {frozenset(c) for c in found.values()} == expected


# --- pages and API ------------------------------------------------------------------------

@pytest.fixture
def computed(landscape):
    compute_networks(now=timezone.now())
    return landscape


def test_network_page_for_stewards_with_picture_and_tables(computed, signed_in,
                                                           django_assert_num_queries):
    client = signed_in(computed["ana"])
    url = "/c/budget/insights/network/"
    client.get(url)  # warm the session and caches
    # session, user, community, standing, figures (with the picture's ties), picture, named
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="figure-network"' in page and "plotly/plotly.min.js" in page
    assert "Brokers" in page and "Boundary spanners" in page
    assert "Newcomers not yet connected" in page and ">nina</a>" in page
    assert "Active (1)" in page and "Not rated yet" in page  # the legend names levels
    assert "<dd>0.400</dd>" in page


def test_network_stored_before_picture_lines_reads_them_from_the_ties(computed):
    from cultivate.insights.network_queries import network

    figures = CommunityFigures.objects.get(community=computed["budget"])
    stored = network(computed["budget"]).lines
    del figures.network["picture_lines"]
    figures.save()
    assert network(computed["budget"]).lines == stored and len(stored) == 4


def test_network_files(computed, signed_in):
    client = signed_in(computed["ana"])
    edges = client.get("/c/budget/insights/network/edges.csv")
    assert edges.status_code == 200 and edges["Content-Type"].startswith("text/csv")
    assert edges.streaming  # a large community's ties are never held whole in memory
    lines = b"".join(edges.streaming_content).decode().splitlines()
    assert len(lines) == 1 + 5 and "hub" in lines[1]
    members = b"".join(client.get(
        "/c/budget/insights/network/members.csv").streaming_content).decode()
    first = members.splitlines()[1].split(",")
    assert first[1] == "hub" and first[3] == "Active" and first[4] == "4"
    assert client.get("/c/budget/insights/network/other.csv").status_code == 404


def test_network_page_permissions(computed, signed_in, make_user, client):
    budget = computed["budget"]
    Membership.objects.create(community=budget, user=make_user("spo"), role="sponsor")
    assert signed_in(computed["hub"]).get("/c/budget/insights/network/").status_code == 403
    assert signed_in(make_user("out")).get("/c/budget/insights/network/").status_code == 403
    assert signed_in(budget.memberships.get(role="sponsor").user).get(
        "/c/budget/insights/network/").status_code == 200
    response = client.get("/c/budget/insights/network/")
    assert response.status_code == 302 and "login" in response["Location"]
    assert signed_in(computed["hub"]).get(
        "/c/budget/insights/network/edges.csv").status_code == 403
    budget.visibility = "private"
    budget.save()
    assert signed_in(make_user("olga")).get("/c/budget/insights/network/").status_code == 404


def test_people_to_meet_page_says_why(computed, signed_in, make_user):
    page = signed_in(computed["lia"]).get("/c/budget/people-to-meet/")
    assert page.status_code == 200
    text = page.content.decode()
    assert ">leo</a>" in text and "You both talk with hub." in text
    newcomer = signed_in(computed["nina"]).get("/c/budget/people-to-meet/").content.decode()
    assert ">hub</a>" in newcomer and "4 answers in the past year" in newcomer
    # ana has been a member long and talked with nobody: the people who answer most.
    unconnected = signed_in(computed["ana"]).get("/c/budget/people-to-meet/").content.decode()
    assert ">hub</a>" in unconnected and "4 answers in the past year" in unconnected
    assert "You have not replied to or answered anyone here yet" in unconnected
    # ... unless nobody answers there (ana convenes Water): then nothing to suggest yet.
    figures = CommunityFigures.objects.get(community=computed["water"])
    figures.network["welcomers"] = []
    figures.save()
    assert "No suggestions yet" in signed_in(computed["ana"]).get(
        "/c/water/people-to-meet/").content.decode()
    assert signed_in(make_user("out")).get("/c/budget/people-to-meet/").status_code == 403
    budget = computed["budget"]
    budget.visibility = "private"
    budget.save()
    assert signed_in(make_user("olga")).get("/c/budget/people-to-meet/").status_code == 404


def test_people_to_meet_query_count(computed, signed_in, django_assert_max_num_queries):
    client = signed_in(computed["lia"])
    client.get("/c/budget/people-to-meet/")
    with django_assert_max_num_queries(10):
        assert client.get("/c/budget/people-to-meet/").status_code == 200


def test_network_api(computed, signed_in, make_user, client):
    body = signed_in(computed["ana"]).get("/api/v1/communities/budget/network").json()
    hub = computed["hub"].pk
    assert body["nodes"] == 5 and body["density"] == pytest.approx(0.4)
    assert body["brokers"][0]["person"]["username"] == "hub"
    assert body["brokers"][0]["person"]["level"] == "active"
    assert body["spanners"] == [{"person": {"id": hub, "username": "hub",
                                            "display_name": "hub", "level": "active"},
                                 "communities": 2, "degree": 4}]
    assert [n["person"]["username"] for n in body["newcomers"]] == ["nina"]
    assert "ties" not in body and "members" not in body  # paged routes of their own
    for route in ("network", "network/members", "network/ties"):
        url = f"/api/v1/communities/budget/{route}"
        assert signed_in(computed["hub"]).get(url).status_code == 403
        assert client.get(url).status_code == 401
        assert signed_in(make_user(f"out-{route}")).get(
            url.replace("budget", "nowhere")).status_code == 404


def test_network_members_and_ties_api_page_by_page(computed, signed_in, monkeypatch):
    from cultivate.insights import network_api

    client = signed_in(computed["ana"])
    hub, lia = computed["hub"].pk, computed["lia"].pk
    ties = client.get("/api/v1/communities/budget/network/ties").json()
    assert ties["count"] == 5 and ties["page"] == 1 and ties["pages"] == 1
    assert {"source": hub, "target": lia, "weight": 1} in ties["items"]
    members = client.get("/api/v1/communities/budget/network/members").json()
    assert {m["username"] for m in members["items"]} == {"hub", "nina", *LEAVES}
    assert members["items"][0]["username"] == "hub"  # the broker first
    monkeypatch.setattr(network_api, "TIES_PER_PAGE", 2)
    pages = [client.get(f"/api/v1/communities/budget/network/ties?page={n}").json()
             for n in (1, 2, 3)]
    assert [p["pages"] for p in pages] == [3, 3, 3] and len(pages[2]["items"]) == 1
    assert sorted(tuple(t.values()) for p in pages for t in p["items"]) == sorted(
        tuple(t.values()) for t in ties["items"])
    assert client.get("/api/v1/communities/budget/network/ties?page=99").json()["page"] == 3
    bad = client.get("/api/v1/communities/budget/network/ties?page=many")
    assert bad.status_code == 422 and "page" in bad.content.decode()


def test_people_to_meet_api(computed, signed_in, make_user):
    body = signed_in(computed["lia"]).get("/api/v1/communities/budget/people-to-meet").json()
    assert body["in_network"] is True
    assert [s["person"]["username"] for s in body["suggestions"]] == ["leo", "lou", "lyn"]
    assert body["suggestions"][0]["shared_with"][0]["username"] == "hub"
    assert body["suggestions"][0]["why"] == "You both talk with hub."
    body = signed_in(computed["ana"]).get("/api/v1/communities/budget/people-to-meet").json()
    assert body["in_network"] is False
    assert [(s["person"]["username"], s["answers"], s["shared_with"])
            for s in body["suggestions"]] == [("hub", 4, [])]
    assert signed_in(make_user("out")).get(
        "/api/v1/communities/budget/people-to-meet").status_code == 403
