"""Read paths for methods: what a person may read, lists, diffs and who to ask."""

from django.db.models import Count, Prefetch, Q, QuerySet

from cultivate import policy
from cultivate.core.errors import NotAllowed
from cultivate.core.models import Tag
from cultivate.history.diffing import line_diff
from cultivate.people.models import User
from cultivate.practice.models import (
    SECTION_NAMES,
    SECTIONS,
    Method,
    MethodRevision,
    Practitioner,
    Sharing,
    Story,
)

METHODS_PER_PAGE = 30


def readable_methods(user) -> QuerySet[Method]:
    """Methods this user may read: the queryset twin of policy.can_read_method."""
    communities = policy.readable_communities(user)
    return Method.objects.filter(
        Q(sharing=Sharing.LANDSCAPE) | Q(community__in=communities)
        | Q(pk__in=Method.shared_with.through.objects.filter(community__in=communities)
            .values("method_id")))


def methods_of(community, *, text: str = "", tag: str = "") -> QuerySet[Method]:
    """A community's methods: written there or shared with it."""
    found = Method.objects.filter(Q(community=community) | Q(shared_with=community)).distinct()
    if text:
        found = found.filter(Q(title__icontains=text) | Q(brief__icontains=text))
    if tag:
        found = found.filter(tags__slug=tag)
    return (found.select_related("community")
            .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
            .annotate(story_count=Count("stories", distinct=True),
                      practitioner_count=Count("practitioners", distinct=True))
            .order_by("title"))


def method_choices(community) -> list[Method]:
    """Names and addresses of a community's methods, for a select box."""
    return list(Method.objects.filter(Q(community=community) | Q(shared_with=community))
                .distinct().order_by("title").only("slug", "title"))


def access_method(user, slug: str):
    """A method the user may read, with their standings in its communities (404 otherwise)."""
    method = (Method.objects.select_related("community")
              .prefetch_related("shared_with").filter(slug=slug).first())
    if method is None:
        raise NotAllowed("no such method", hide=True)
    standings = policy.method_standings(user, method)
    if not policy.can_read_method(method, standings):
        raise NotAllowed("no such method", hide=True)
    return method, standings


def page_parts(method: Method) -> dict:
    """What the method page shows besides the page itself (a few small queries)."""
    return {
        "tags": list(method.tags.order_by("name")),
        "related": list(method.related.select_related("community").order_by("title")),
        "stories": list(method.stories.select_related("author", "community")
                        .annotate(comment_count=Count("comments"))),
        "practitioners": list(method.practitioners.select_related("user")),
    }


def revisions_of(method: Method) -> list[MethodRevision]:
    return list(method.revisions.select_related("author"))


def revision(method: Method, version) -> MethodRevision | None:
    if not str(version).isdigit():
        return None
    return method.revisions.select_related("author").filter(version=version).first()


def diff(older: dict, newer: dict) -> list[tuple[str, str]]:
    """Per section that changed: a line-by-line diff as HTML (escaped text in ins/del)."""
    labels = {"title": "Name", **dict(SECTIONS)}
    changed = []
    for name in ("title", *SECTION_NAMES):
        before, after = older.get(name, ""), newer.get(name, "")
        if before == after:
            continue
        changed.append((str(labels[name]), line_diff(before, after)))
    return changed


def story_of(method: Method, story_id) -> Story | None:
    if not str(story_id).isdigit():
        return None
    return (method.stories.select_related("author", "community")
            .prefetch_related("comments__author").filter(pk=story_id).first())


def people_to_ask(community, viewer, *, method_slug: str = "", expertise: str = "") -> list:
    """Members of the community who use a method or have an expertise, those glad to share
    tips first: "find someone to ask". Only methods the viewer may read count or show."""
    readable = readable_methods(viewer)
    members = User.objects.filter(memberships__community=community, is_active=True)
    if method_slug:
        members = members.filter(practised_methods__method__in=readable.filter(slug=method_slug))
    if expertise:
        members = members.filter(expertise__slug=expertise)
    if not (method_slug or expertise):
        members = members.filter(practised_methods__method__in=readable)
    practised = Prefetch("practised_methods",
                         queryset=Practitioner.objects.filter(method__in=readable)
                         .select_related("method").order_by("-willing_to_share",
                                                            "method__title"))
    return list(members.distinct().prefetch_related(
        practised, Prefetch("expertise", queryset=Tag.objects.order_by("name")))
        .order_by("username")[:100])


def methods_used_by(person, viewer) -> list[Practitioner]:
    """The methods a person says they use, as far as the viewer may read those methods."""
    return list(Practitioner.objects.filter(user=person, method__in=readable_methods(viewer))
                .select_related("method").order_by("method__title"))
