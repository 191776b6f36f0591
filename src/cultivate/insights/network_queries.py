"""Read paths of the interaction network for the pages and the API: only the stored network
(CommunityFigures.network, NetworkMember, InteractionEdge), a fixed number of queries."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cultivate.core.fragments import cached
from cultivate.core.page_cache import community_scope
from cultivate.insights import as_of
from cultivate.insights.as_of import AsOf
from cultivate.insights.models import (
    CommunityFigures,
    InteractionEdge,
    Level,
    MemberLevel,
    NetworkMember,
)

UNRATED = "unrated"  # no level computed (yet) for this person


def level_label(level: str) -> str:
    if level in Level.values:
        return str(Level(level).label)
    return _("Not rated yet")


def _level_of(community, user_ref: str) -> Subquery:
    return Subquery(MemberLevel.objects.filter(community=community, user_id=OuterRef(user_ref))
                    .values("level")[:1])


@dataclass
class Person:
    id: int
    username: str
    name: str
    level: str = UNRATED

    @property
    def level_label(self) -> str:
        return level_label(self.level)


@dataclass
class Node:
    person: Person
    x: float
    y: float
    degree: int
    betweenness: float
    communities_spanned: int


@dataclass
class Network:
    """What the network page and API show of one community."""

    figures: dict
    nodes: list[Node] = field(default_factory=list)  # the picture's people
    lines: list[tuple[int, int]] = field(default_factory=list)  # pairs of them with a tie
    people: dict[int, Person] = field(default_factory=dict)  # everyone named on the page
    as_of: AsOf | None = None
    from_log: bool = False  # computed for a date the job did not store

    @property
    def computed_at(self):
        return parse_datetime(str(self.figures.get("computed_at") or ""))

    def _rows(self, key: str) -> list[dict]:
        rows = self.figures.get(key)
        return [row for row in rows if isinstance(row, dict) and row.get("user") in self.people
                ] if isinstance(rows, list) else []

    @property
    def brokers(self) -> list[dict]:
        return [row | {"person": self.people[row["user"]]} for row in self._rows("brokers")]

    @property
    def spanners(self) -> list[dict]:
        return [row | {"person": self.people[row["user"]]} for row in self._rows("spanners")]

    @property
    def newcomers(self) -> list[dict]:
        return [row | {"person": self.people[row["user"]],
                       "joined_at": parse_datetime(str(row.get("joined_at") or ""))}
                for row in self._rows("newcomers")]

    def count(self, key: str) -> int:
        value = self.figures.get(key)
        return value if isinstance(value, int) else 0

    @property
    def density(self) -> float:
        value = self.figures.get("density")
        return float(value) if isinstance(value, int | float) else 0.0


def _person(row: dict) -> Person:
    return Person(id=row["pk"], username=row["username"],
                  name=row["display_name"] or row["username"], level=row["level"] or UNRATED)


def network(community, as_of_value=None) -> Network:
    """The network of a community as of a date (`as_of_value`: ?as_of=, else as_of.reference's
    default): the stored one in 3 queries whatever its size (one when empty), another date
    computed for it (and cached). Raises as_of.BadDate."""
    stored = (CommunityFigures.objects.filter(community=community)
              .only("network", "computed_at", "imported_history").first())
    when = as_of.reference(community, as_of_value, figures=stored)
    if not when.reads_stored(stored.computed_at if stored else None):
        return _network_at(community, when)
    figures = stored.network if stored is not None else None
    figures = figures if isinstance(figures, dict) else {}
    result = Network(figures=figures, as_of=when)
    picture = [pk for pk in figures.get("picture") or [] if isinstance(pk, int)]
    listed = {row.get("user") for key in ("brokers", "spanners", "newcomers")
              for row in figures.get(key) or [] if isinstance(row, dict)}
    if not picture and not listed:
        return result
    nodes = (NetworkMember.objects.filter(community=community, user_id__in=picture)
             .annotate(level=_level_of(community, "user_id"))
             .values("user_id", "user__username", "user__display_name", "level", "x", "y",
                     "degree", "betweenness", "communities_spanned").order_by("user_id"))
    for row in nodes:
        person = Person(id=row["user_id"], username=row["user__username"],
                        name=row["user__display_name"] or row["user__username"],
                        level=row["level"] or UNRATED)
        result.people[person.id] = person
        result.nodes.append(Node(person=person, x=row["x"], y=row["y"], degree=row["degree"],
                                 betweenness=row["betweenness"],
                                 communities_spanned=row["communities_spanned"]))
    others = [pk for pk in listed if isinstance(pk, int) and pk not in result.people]
    if others:
        for row in (get_user_model().objects.filter(pk__in=others)
                    .annotate(level=_level_of(community, "pk"))
                    .values("pk", "username", "display_name", "level")):
            result.people[row["pk"]] = _person(row)
    result.lines = _picture_lines(community, figures, picture)
    return result


def _picture_lines(community, figures: dict, picture: list[int]) -> list[tuple[int, int]]:
    """The pairs of the picture's people with a tie: stored flat with the figures by the job
    (one row read); networks stored before that read them from the ties table."""
    stored = figures.get("picture_lines")
    if isinstance(stored, list):
        ends = iter(stored)
        return list(zip(ends, ends, strict=False))
    pairs = {(min(source, target), max(source, target)) for source, target in
             InteractionEdge.objects.filter(community=community, source_id__in=picture,
                                            target_id__in=picture)
             .values_list("source_id", "target_id")}
    return sorted(pairs)


def _network_at(community, when: AsOf) -> Network:
    """The network as of a date the job did not store, from the activity log of its window
    (kept in the cache under that date until the community changes)."""
    figures, measured, levels = cached(
        "insights-network-as-of", community.pk, when.day.isoformat(),
        scopes=(community_scope(community.pk),), compute=lambda: _measured_at(community, when))
    result = Network(figures=figures, as_of=when, from_log=True)
    for row in get_user_model().objects.filter(pk__in=list(levels)).values(
            "pk", "username", "display_name"):
        result.people[row["pk"]] = _person(row | {"level": levels[row["pk"]]})
    for user, (degree, betweenness, spanned, x, y) in sorted(measured.items()):
        if user in result.people:
            result.nodes.append(Node(person=result.people[user], x=x, y=y, degree=degree,
                                     betweenness=betweenness, communities_spanned=spanned))
    ends = iter(figures.get("picture_lines") or [])
    result.lines = list(zip(ends, ends, strict=False))
    return result


def _measured_at(community, when: AsOf) -> tuple[dict, dict, dict]:
    """The figures, the picture's people's measures and the level of everyone named."""
    from cultivate.insights import levels, network  # numpy and networkx, only when asked

    level_of = {user: values[0] for user, values in
                levels.levels_at(community.pk, when.moment).items()}
    rows, figures = network.network_at(community.pk, when.moment, levels=level_of)
    picture = [pk for pk in figures.get("picture") or [] if isinstance(pk, int)]
    named = set(picture) | {row.get("user") for key in ("brokers", "spanners", "newcomers")
                            for row in figures.get(key) or []}
    measured = {user: tuple(rows[user][:5]) for user in picture if user in rows}
    return figures, measured, {user: level_of.get(user, UNRATED) for user in named}


def member_measures(community):
    """Everyone in the stored network with their measures and level (the CSV and the API)."""
    return (NetworkMember.objects.filter(community=community)
            .annotate(level=_level_of(community, "user_id"))
            .values("user_id", "user__username", "user__display_name", "level", "degree",
                    "betweenness", "communities_spanned")
            .order_by("-betweenness", "-degree", "user_id"))


def edges(community):
    """Every stored tie with both names: who replied to or answered whom, how often."""
    return (InteractionEdge.objects.filter(community=community)
            .values("source_id", "source__username", "source__display_name", "target_id",
                    "target__username", "target__display_name", "weight")
            .order_by("-weight", "source_id", "target_id"))


# --- people worth meeting -----------------------------------------------------------------

@dataclass
class Suggestion:
    person: Person
    shared: list[Person]  # people both talk with (the first few, by name)
    shared_count: int = 0  # how many people both talk with
    answers: int = 0  # when suggested as someone who answers a lot

    @property
    def why(self) -> str:
        names = [p.name for p in self.shared]
        if len(names) == 1:
            return _("You both talk with %(first)s.") % {"first": names[0]}
        if len(names) == 2:
            return _("You both talk with %(first)s and %(second)s.") % {
                "first": names[0], "second": names[1]}
        if names:
            more = max(len(names), self.shared_count) - 2
            return ngettext("You both talk with %(first)s, %(second)s and %(count)d other.",
                            "You both talk with %(first)s, %(second)s and %(count)d others.",
                            more) % {"first": names[0], "second": names[1], "count": more}
        if self.answers:
            return ngettext("Answers questions here: %(count)d answer in the past year.",
                            "Answers questions here: %(count)d answers in the past year.",
                            self.answers) % {"count": self.answers}
        return _("Takes part in the same conversations as you.")


SHARED_NAMED = 6  # people named per suggestion at most
SUGGESTED = 5  # as many as the job stores for people in the network (network.SUGGESTIONS)


def people_to_meet(community, user) -> tuple[list[Suggestion], bool]:
    """The user's stored suggestions with why; and whether the user is in the network at all.
    At most 5 queries."""
    stored = (NetworkMember.objects.filter(community=community, user=user)
              .values_list("suggestions", flat=True).first())
    if stored is None:
        return _answerers_to_meet(community, user), False
    suggested = [pk for pk in stored if isinstance(pk, int)]
    if not suggested:
        return [], True
    mine = set()
    for source, target in InteractionEdge.objects.filter(
            Q(source=user) | Q(target=user), community=community).values_list(
            "source_id", "target_id"):
        mine.add(target if source == user.pk else source)
    shared: dict[int, set[int]] = {pk: set() for pk in suggested}
    if mine:
        for source, target in InteractionEdge.objects.filter(
                Q(source_id__in=suggested, target_id__in=mine)
                | Q(source_id__in=mine, target_id__in=suggested),
                community=community).values_list("source_id", "target_id"):
            if source in shared:
                shared[source].add(target)
            else:
                shared[target].add(source)
    answers = {}
    if any(not shared[pk] for pk in suggested):
        figures = (CommunityFigures.objects.filter(community=community)
                   .values_list("network", flat=True).first()) or {}
        answers = {row.get("user"): row.get("answers") for row in figures.get("welcomers") or []
                   if isinstance(row, dict)}
    named = set(suggested) | {pk for pks in shared.values() for pk in sorted(pks)[:SHARED_NAMED]}
    people = {row["pk"]: _person(row) for row in get_user_model().objects.filter(
        pk__in=named, is_active=True).annotate(level=_level_of(community, "pk"))
        .values("pk", "username", "display_name", "level")}
    suggestions = []
    for pk in suggested:
        if pk not in people:
            continue
        company = sorted((people[o] for o in shared[pk] if o in people),
                         key=lambda p: p.name.lower())[:SHARED_NAMED]
        count = answers.get(pk)
        suggestions.append(Suggestion(person=people[pk], shared=company,
                                      shared_count=len(shared[pk]),
                                      answers=count if isinstance(count, int) else 0))
    return suggestions, True


def _answerers_to_meet(community, user) -> list[Suggestion]:
    """For a member outside the network (no tie yet and not new, so the job stored nothing):
    the people who answer others most here, as the job suggests to newcomers. 2 queries."""
    figures = (CommunityFigures.objects.filter(community=community)
               .values_list("network", flat=True).first()) or {}
    answers = {row.get("user"): row.get("answers") for row in figures.get("welcomers") or []
               if isinstance(row, dict) and isinstance(row.get("user"), int)
               and row.get("user") != user.pk}
    chosen = list(answers)[:SUGGESTED]
    if not chosen:
        return []
    people = {row["pk"]: _person(row) for row in get_user_model().objects.filter(
        pk__in=chosen, is_active=True).annotate(level=_level_of(community, "pk"))
        .values("pk", "username", "display_name", "level")}
    return [Suggestion(person=people[pk], shared=[],
                       answers=answers[pk] if isinstance(answers[pk], int) else 0)
            for pk in chosen if pk in people]
