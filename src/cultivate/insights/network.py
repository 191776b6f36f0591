"""The interaction network of each community: who replied to, answered, accepted the answer of
or commented the story of whom, read from the activity log of the last
CULTIVATE_NETWORK_WINDOW_DAYS days. Stores InteractionEdge (directed, weighted), NetworkMember
(degree, betweenness, communities spanned, layout, people worth meeting) and
CommunityFigures.network (density, components, brokers, boundary spanners, newcomers not yet
connected). Pages and the API read only these.

Three passes, each idempotent:
1. edges: one GROUP BY over the window of the log for all communities, compared with the
   stored ties in the database and only the differences written, so no edge travels through
   Python;
2. spans: one GROUP BY over all stored edges: in how many communities each person has ties;
3. measures: per community, the graph in memory (networkx, numpy: graph.py) and its rows
   replaced in bulk, in one transaction.
Only current members on both ends count: someone who left is not a tie to meet or broker.
"""

import heapq
import time
from collections import defaultdict
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from cultivate.activity.actions import Verb
from cultivate.activity.models import Activity
from cultivate.communities.models import Community, Membership
from cultivate.insights import graph
from cultivate.insights.bulk import insert_rows
from cultivate.insights.models import (
    CommunityFigures,
    InteractionEdge,
    Level,
    MemberLevel,
    NetworkMember,
)

INTERACTIONS = (Verb.POST_REPLIED, Verb.ANSWER_POSTED, Verb.ANSWER_ACCEPTED,
                Verb.STORY_COMMENTED)
NEWCOMER_DAYS = 90
PICTURE_NODES = 250  # the most connected people are laid out and drawn
BROKERS = 10
LISTED = 50  # boundary spanners and newcomers kept in the figures
SUGGESTIONS = 5
WELCOMERS = 20  # most answering core and active members: suggestions for the unconnected
BATCH = 2_000


def window_start(now: datetime) -> datetime:
    return now - timedelta(days=settings.CULTIVATE_NETWORK_WINDOW_DAYS)


def _person(key: str):
    """A user id from the payload (NULL when the key is missing or null)."""
    return Cast(KT(f"payload__{key}"), IntegerField())


def _is_member(ref: str) -> Exists:
    return Exists(Membership.objects.filter(community_id=OuterRef("community_id"),
                                            user_id=OuterRef(ref)))


def interactions(community_ids: list[int], *, since: datetime, until: datetime):
    """(community, source, target, weight) of the communities' window, aggregated in the
    database."""
    target = Case(
        When(verb=Verb.POST_REPLIED,
             then=Coalesce(_person("reply_to_author"), _person("topic_author"))),
        When(verb=Verb.ANSWER_POSTED, then=_person("topic_author")),
        When(verb=Verb.ANSWER_ACCEPTED, then=_person("answer_author")),
        When(verb=Verb.STORY_COMMENTED, then=_person("story_author")),
        output_field=IntegerField())
    return (Activity.objects
            .filter(community_id__in=community_ids, occurred_at__gt=since,
                    occurred_at__lte=until, verb__in=INTERACTIONS)
            .annotate(place=F("community_id"), source=F("actor_id"), target=target)
            .filter(~Q(source=F("target")), _is_member("source"), _is_member("target"))
            .values("place", "source", "target").annotate(weight=Count("pk")).order_by())


def _replace_edges(community_ids: list[int], *, since: datetime, until: datetime) -> int:
    """Make the stored ties of the communities those of the window; returns how many. On
    PostgreSQL one statement for all of them, which writes only the differences (probing the
    unique index for every tie, one community at a time, cost 10 s a run)."""
    select, params = interactions(community_ids, since=since,
                                  until=until).query.sql_with_params()
    q = connection.ops.quote_name
    table = q(InteractionEdge._meta.db_table)
    place, source, target, weight = q("place"), q("source"), q("target"), q("weight")
    columns = f"{q('community_id')}, {q('source_id')}, {q('target_id')}, {q('weight')}"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            InteractionEdge.objects.filter(community_id__in=community_ids).delete()
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 - ORM-compiled, quoted names
                f"SELECT {place}, {source}, {target}, {weight} FROM ({select}) pairs", params)
            return cursor.rowcount
        edge, pairs, stored, diff = q("edge"), q("pairs"), q("stored"), q("diff")
        cursor.execute(
            f"WITH {pairs} AS MATERIALIZED ({select}), "  # noqa: S608 - as above
            f"{stored} AS MATERIALIZED (SELECT id, community_id, source_id, target_id, weight "
            f"FROM {table} WHERE community_id = ANY(%s)), "
            f"{diff} AS MATERIALIZED (SELECT {stored}.id, "
            f"COALESCE({pairs}.{place}, {stored}.community_id) AS {place}, "
            f"COALESCE({pairs}.{source}, {stored}.source_id) AS {source}, "
            f"COALESCE({pairs}.{target}, {stored}.target_id) AS {target}, "
            f"{pairs}.{weight} FROM {pairs} FULL JOIN {stored} "
            f"ON {pairs}.{place} = {stored}.community_id "
            f"AND {pairs}.{source} = {stored}.source_id AND {pairs}.{target} = {stored}.target_id "
            f"WHERE {pairs}.{weight} IS DISTINCT FROM {stored}.weight), "
            f"added AS (INSERT INTO {table} ({columns}) SELECT {place}, {source}, {target}, "
            f"{weight} FROM {diff} WHERE id IS NULL RETURNING 1), "
            f"changed AS (UPDATE {table} {edge} SET weight = {diff}.{weight} FROM {diff} "
            f"WHERE {edge}.id = {diff}.id AND {diff}.{weight} IS NOT NULL RETURNING 1), "
            f"removed AS (DELETE FROM {table} {edge} USING {diff} "
            f"WHERE {edge}.id = {diff}.id AND {diff}.{weight} IS NULL RETURNING 1) "
            f"SELECT (SELECT COUNT(*) FROM {pairs}), (SELECT COUNT(*) FROM added), "
            f"(SELECT COUNT(*) FROM changed), (SELECT COUNT(*) FROM removed)",
            [*params, list(community_ids)])
        return cursor.fetchone()[0]


def _spans() -> dict[int, int]:
    """How many communities each person has at least one stored tie in."""
    quote = connection.ops.quote_name
    table = quote(InteractionEdge._meta.db_table)
    community, source, target = quote("community_id"), quote("source_id"), quote("target_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT person, COUNT(*) FROM (SELECT {source} AS person, {community} "  # noqa: S608
            f"FROM {table} "
            f"UNION SELECT {target}, {community} FROM {table}) spans GROUP BY person")
        return dict(cursor.fetchall())


def _welcomers(ids: list[int], *, since: datetime, until: datetime,
               steady: set | None = None) -> dict[int, list[dict]]:
    """Per community, the members who answered others most in the window, core and active
    members first (one grouped query for every community). `steady`: (community, user) of the
    core and active members, when not the stored levels."""
    if steady is None:
        steady = set(MemberLevel.objects.filter(community__in=ids,
                                                level__in=(Level.CORE, Level.ACTIVE))
                     .values_list("community_id", "user_id"))
    rows = (Activity.objects
            .filter(community__in=ids, verb=Verb.ANSWER_POSTED, occurred_at__gt=since,
                    occurred_at__lte=until, actor__isnull=False)
            .annotate(asker=_person("topic_author"))
            .filter(~Q(actor_id=F("asker")), _is_member("actor_id"))
            .values_list("community_id", "actor_id").annotate(answers=Count("pk")).order_by())
    answerers: dict[int, list[tuple]] = defaultdict(list)
    for community_id, user_id, answers in rows.iterator(chunk_size=20000):
        answerers[community_id].append(
            ((community_id, user_id) not in steady, -answers, user_id))
    return {community_id: [{"user": user, "answers": -answers}
                           for _steady, answers, user in heapq.nsmallest(WELCOMERS, people)]
            for community_id, people in answerers.items()}


def _network(community_id: int) -> tuple[graph.Arrays, np.ndarray]:
    """The stored ties of a community as an undirected network, and the ties themselves
    (source, target, weight rows)."""
    return _network_of(InteractionEdge.objects.filter(community_id=community_id)
                       .values_list("source_id", "target_id", "weight"))


def _network_of(ties) -> tuple[graph.Arrays, np.ndarray]:
    """(source, target, weight) ties as an undirected network, and the ties as an array."""
    rows = np.array(list(ties), dtype=np.int64).reshape(-1, 3)
    low, high = np.minimum(rows[:, 0], rows[:, 1]), np.maximum(rows[:, 0], rows[:, 1])
    nodes, inverse = np.unique(np.concatenate([low, high]), return_inverse=True)
    n = len(nodes)
    ties = np.unique(inverse[:len(low)] * n + inverse[len(low):])
    pairs = np.stack([ties // n, ties % n], axis=1)
    return graph.Arrays.from_pairs(nodes.tolist(), pairs), rows


def _lines_among(rows: np.ndarray, people: list[int]) -> list[int]:
    """The picture's lines: each pair of `people` with a tie either way, once (smaller id
    first), flattened to [a, b, a, b, ...]. Stored with the picture so that the page reads one
    row instead of probing every tie of the best-connected people."""
    inside = np.isin(rows[:, 0], people) & np.isin(rows[:, 1], people)
    low = np.minimum(rows[inside, 0], rows[inside, 1])
    high = np.maximum(rows[inside, 0], rows[inside, 1])
    pairs = np.unique(np.stack([low, high], axis=1), axis=0) if len(low) else low
    return pairs.reshape(-1).tolist()


def _suggestions(meet: dict[int, list[int]], neighbours: set[int], welcomers: list[dict],
                 person: int) -> list[int]:
    """Up to SUGGESTIONS: shared ties first, then people who answer a lot."""
    chosen = list(meet.get(person, ()))[:SUGGESTIONS]
    for row in welcomers:
        if len(chosen) >= SUGGESTIONS:
            break
        other = row["user"]
        if other != person and other not in neighbours and other not in chosen:
            chosen.append(other)
    return chosen


FIELDS = ("degree", "betweenness", "communities_spanned", "x", "y", "suggestions")


def _store_members(community_id: int, rows: dict[int, tuple]) -> None:
    """Insert the new people, write the rows that changed, delete the people no longer in (one
    transaction around). `rows`: user -> values of FIELDS."""
    stored = {values[0]: values[1:] for values in NetworkMember.objects.filter(
        community_id=community_id).values_list("user_id", *FIELDS)}
    insert_rows(NetworkMember, ("community", "user", *FIELDS),
                ((community_id, user, *values) for user, values in rows.items()
                 if user not in stored))
    changed = [NetworkMember(community_id=community_id, user_id=user,
                             **dict(zip(FIELDS, values, strict=True)))
               for user, values in rows.items() if user in stored and stored[user] != values]
    NetworkMember.objects.bulk_create(
        changed, batch_size=BATCH, update_conflicts=True, unique_fields=["community", "user"],
        update_fields=list(FIELDS))
    gone = list(stored.keys() - rows.keys())
    for start in range(0, len(gone), BATCH):
        NetworkMember.objects.filter(community_id=community_id,
                                     user_id__in=gone[start:start + BATCH]).delete()


def _measure(community_id: int, *, now: datetime, spans: dict[int, int],
             welcomers: list[dict]) -> int:
    arrays, ties = _network(community_id)
    rows, figures = _measures(community_id, arrays, ties, now=now, spans=spans,
                              welcomers=welcomers)
    with transaction.atomic():
        _store_members(community_id, rows)
        CommunityFigures.objects.update_or_create(community_id=community_id,
                                                  defaults={"network": figures})
    return len(rows)


def _measures(community_id: int, arrays: graph.Arrays, ties: np.ndarray, *, now: datetime,
              spans: dict[int, int], welcomers: list[dict]) -> tuple[dict[int, tuple], dict]:
    """Everyone's values of FIELDS (user -> values) and the community's network figures."""
    people, n = arrays.nodes, len(arrays.nodes)
    m = len(arrays.src) // 2
    between = graph.betweenness(arrays, seed=community_id)
    degree_of = arrays.degree
    rounded = [round(float(b), 6) for b in between]
    rank = np.lexsort((np.arange(n), -between, -degree_of))  # most ties first
    chosen = rank[:PICTURE_NODES]
    positions = graph.layout(arrays, chosen, seed=community_id)
    meet = graph.people_to_meet(arrays, limit=SUGGESTIONS)
    starts = arrays.starts.tolist() + [len(arrays.src)]
    src = arrays.src.tolist()
    neighbours = {person: {people[j] for j in src[starts[i]:starts[i + 1]]}
                  for i, person in enumerate(people)} if welcomers else {}
    recent = list(Membership.objects.filter(
        community_id=community_id, joined_at__gt=now - timedelta(days=NEWCOMER_DAYS),
        joined_at__lte=now).order_by("-joined_at", "user_id").values_list("user_id", "joined_at"))
    in_network = set(people)
    unconnected = [(user, joined) for user, joined in recent if user not in in_network]
    degree = dict(zip(people, degree_of.tolist(), strict=True))

    middle = (0.0, 0.0)
    rows = {user: (degree[user], rounded[i], spans.get(user, 1), *positions.get(user, middle),
                   _suggestions(meet, neighbours.get(user, set()), welcomers, user))
            for i, user in enumerate(people)}
    rows |= {user: (0, 0.0, spans.get(user, 0), 0.0, 0.0,
                    _suggestions(meet, set(), welcomers, user)) for user, _ in unconnected}

    picture = sorted(people[i] for i in chosen.tolist())
    by_between = np.lexsort((np.arange(n), -degree_of, -between))
    brokers = [int(i) for i in by_between[:BROKERS] if between[i] > 0]
    spanners = sorted((u for u in people if spans.get(u, 1) >= 2),
                      key=lambda u: (-spans[u], -degree[u], u))
    labels = graph.components(arrays)
    sizes = np.bincount(labels) if n else np.zeros(0, dtype=int)
    sample = graph.sample_size(n, m)
    figures = {
        "nodes": n,
        "edges": m,
        "interactions": int(ties[:, 2].sum()),
        "density": round(2 * m / (n * (n - 1)), 6) if n > 1 else 0.0,
        "components": int((sizes > 0).sum()),
        "largest_component": int(sizes.max()) if n else 0,
        "betweenness": "exact" if sample is None else f"sampled from {sample} people",
        "brokers": [{"user": people[i], "betweenness": rounded[i], "degree": degree[people[i]]}
                    for i in brokers],
        "spanners": [{"user": u, "communities": spans[u], "degree": degree[u]}
                     for u in spanners[:LISTED]],
        "spanners_count": len(spanners),
        "newcomers": [{"user": u, "joined_at": joined.isoformat()}
                      for u, joined in unconnected[:LISTED]],
        "newcomers_count": len(unconnected),
        "newcomer_days": NEWCOMER_DAYS,
        "welcomers": welcomers,
        "picture": picture,
        "picture_lines": _lines_among(ties, picture),
        "window_days": settings.CULTIVATE_NETWORK_WINDOW_DAYS,
        "computed_at": now.isoformat(),
    }
    return rows, figures


def compute_networks(*, now: datetime, community_ids=None) -> dict:
    """Rebuild the networks of all communities (or of `community_ids`) as of `now`."""
    since = window_start(now)
    ids = list(Community.objects.order_by("pk").values_list("pk", flat=True)
               if community_ids is None else sorted(set(community_ids)))
    clock = time.perf_counter()
    edges = _replace_edges(ids, since=since, until=now)
    edges_done = time.perf_counter()
    spans = _spans()
    spans_done = time.perf_counter()
    welcomers = _welcomers(ids, since=since, until=now)
    members = sum(_measure(pk, now=now, spans=spans, welcomers=welcomers.get(pk, []))
                  for pk in ids)
    done = time.perf_counter()
    return {"communities": len(ids), "edges": edges, "members": members,
            "seconds": {"edges": round(edges_done - clock, 3),
                        "spans": round(spans_done - edges_done, 3),
                        "measures": round(done - spans_done, 3)}}


def network_at(community_id: int, moment: datetime, *, levels: dict[int, str]
               ) -> tuple[dict[int, tuple], dict]:
    """One community's network as of a past `moment`, computed and not stored (a page asked
    for another date than the stored one): everyone's values of FIELDS and the figures.
    `levels`: user -> level as of then."""
    since = window_start(moment)
    ties = list(interactions([community_id], since=since, until=moment)
                .values_list("source", "target", "weight"))
    arrays, rows = _network_of(ties)
    people = arrays.nodes
    spans: dict[int, int] = defaultdict(int)
    if people:
        everywhere = list(Community.objects.values_list("pk", flat=True))
        for person, _place in set(_ties_of(everywhere, people, since=since, until=moment)):
            spans[person] += 1
    steady = {(community_id, user) for user, level in levels.items()
              if level in (Level.CORE, Level.ACTIVE)}
    welcomers = _welcomers([community_id], since=since, until=moment, steady=steady)
    return _measures(community_id, arrays, rows, now=moment, spans=dict(spans),
                     welcomers=welcomers.get(community_id, []))


def _ties_of(community_ids: list[int], people: list[int], *, since: datetime,
             until: datetime):
    """(person, community) for each community where one of `people` had a tie in the window."""
    for source, target, place in (interactions(community_ids, since=since, until=until)
                                  .filter(Q(source__in=people) | Q(target__in=people))
                                  .values_list("source", "target", "place")):
        yield source, place
        yield target, place
