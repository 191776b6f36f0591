"""Read paths for topic lists and topic pages, with fixed query counts."""

import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from cultivate import policy
from cultivate.communities.models import Community
from cultivate.conversations.models import (
    DEFAULT_EMAIL_MODE,
    CommunitySubscription,
    EmailMode,
    Flag,
    FlagStatus,
    Helpful,
    Notification,
    Post,
    PostRevision,
    Topic,
    TopicKind,
    TopicLink,
)
from cultivate.core.errors import NotAllowed
from cultivate.core.fragments import cached
from cultivate.core.models import Tag
from cultivate.core.page_cache import scope_of
from cultivate.policy import Can

TOPICS_PER_PAGE = 30
POSTS_PER_PAGE = 200


@dataclass(frozen=True)
class TopicFilters:
    kind: str = ""
    unanswered: bool = False
    answered: bool = False  # recently answered questions, newest answer first

    @classmethod
    def from_params(cls, params) -> "TopicFilters":
        kind = params.get("kind", "")
        return cls(kind=kind if kind in TopicKind.values else "",
                   unanswered=_yes(params.get("unanswered")),
                   answered=_yes(params.get("answered")))


def _yes(value) -> bool:
    return str(value or "").lower() in ("1", "true", "on")


def topics(community, filters: TopicFilters) -> QuerySet[Topic]:
    found = Topic.objects.filter(community=community)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.unanswered:
        found = found & open_questions()
    elif filters.answered:
        found = found.filter(answered_at__isnull=False).order_by("-answered_at", "-id")
    return found.select_related("author", "community").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name")))


def tags_of(topic: Topic) -> list[dict]:
    """The topic's tag names (cached with the content: no query on a warm page)."""
    return cached("topic-tags", topic.pk, scopes=(scope_of(topic),), compute=lambda: list(
        topic.tags.order_by("name").values("name")))


def latest_topics(community, limit: int) -> list[Topic]:
    """The conversations that moved last, for a community's home."""
    return list(Topic.objects.filter(community=community).select_related("author")
                .order_by("-last_posted_at", "-id")[:limit])


def open_questions() -> QuerySet[Topic]:
    """Questions still open and without an accepted answer: what "unanswered" means."""
    return Topic.objects.filter(kind=TopicKind.QUESTION, answered_at__isnull=True,
                                is_closed=False)


def questions_waiting(community, limit: int) -> list[Topic]:
    """A community's open questions, those waiting longest first."""
    return list(open_questions().filter(community=community).select_related("author")
                .order_by("created_at", "id")[:limit])


# What topic pages read of a community: its name and address, what policy decides with and
# whether external images show at once. Everything else (the long charter texts) loads on first use.
# In the model's field order: Model.from_db matches values to fields in that order.
# In the model's order: Community.from_db reads the values that way.
TOPIC_PAGE_COMMUNITY_FIELDS = ("id", "name", "slug", "visibility", "join_policy",
                               "external_images", "languages", "member_count")


def access_topic(user, slug: str, topic_id, verb: Can = Can.READ):
    """A topic of a community the user may read (404 for missing and hidden alike).

    The topic, its community and the reader's role there come in one plain query: topic pages
    are read more than anything, and building this query through the ORM cost three times the
    query itself (bench/explain_page.py).
    """
    topic = _topic_with_community(user, slug, topic_id) if str(topic_id).isdigit() else None
    if topic is None:
        policy.access_community(user, slug, verb)  # the community's own 404 or 403 first
        raise NotAllowed("no such topic", hide=True)
    community = topic.community
    standing = policy.standing_of(user, community, role=topic.reader_role)
    policy.check(standing, verb, community)
    return topic, standing


def _topic_with_community(user, slug: str, topic_id) -> Topic | None:
    signed_in = policy.is_signed_in(user)
    community_columns = ", ".join(f"c.{name} AS community_{name}"
                                  for name in TOPIC_PAGE_COMMUNITY_FIELDS)
    role = ("(SELECT m.role FROM communities_membership m WHERE m.community_id = t.community_id "
            "AND m.user_id = %s LIMIT 1)" if signed_in else "NULL")
    found = list(Topic.objects.raw(
        f"SELECT t.*, {community_columns}, {role} AS reader_role "  # noqa: S608 - fixed columns
        "FROM conversations_topic t JOIN communities_community c ON c.id = t.community_id "
        "WHERE t.id = %s AND c.slug = %s",
        [*([user.pk] if signed_in else []), int(topic_id), slug]))
    if not found:
        return None
    topic = found[0]
    values = {name: getattr(topic, f"community_{name}") for name in TOPIC_PAGE_COMMUNITY_FIELDS}
    if isinstance(values["languages"], str):  # a raw column is not decoded as the field would
        values["languages"] = json.loads(values["languages"])
    topic.community = Community.from_db(topic._state.db, TOPIC_PAGE_COMMUNITY_FIELDS,
                                        list(values.values()))
    return topic


def posts_of(topic: Topic, page: int = 1, *, viewer=None) -> list[Post]:
    """A page of the thread with helpful counts and whether the viewer marked each (1 query)."""
    start = (max(page, 1) - 1) * POSTS_PER_PAGE
    posts = topic.posts.select_related("author", "reply_to__author").annotate(
        helpful_count=_helpful_count())
    if policy.is_signed_in(viewer):
        posts = posts.annotate(marked_helpful=_marked_by(viewer))
    return list(posts.order_by("created_at", "id")[start : start + POSTS_PER_PAGE])


def reader_state(topic: Topic, viewer) -> tuple[set[int], bool]:
    """The posts of this topic the viewer marked helpful, and whether they follow it, in one
    query, in plain SQL: a topic page for members is read far more than anything else."""
    if not policy.is_signed_in(viewer):
        return set(), False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT h.post_id FROM conversations_helpful h JOIN conversations_post p "
            "ON p.id = h.post_id WHERE h.user_id = %s AND p.topic_id = %s "
            "UNION ALL SELECT %s FROM conversations_topicfollow f "
            "WHERE f.user_id = %s AND f.topic_id = %s AND f.following",
            [viewer.pk, topic.pk, FOLLOWING, viewer.pk, topic.pk])
        found = {row[0] for row in cursor.fetchall()}
    return found - {FOLLOWING}, FOLLOWING in found


FOLLOWING = 0  # no post has id 0: stands for "follows the topic" in reader_state


def _helpful_count():
    # A correlated count, not COUNT(...) GROUP BY every selected column (texts included), plus
    # the marks an imported archive counted without naming who gave them (up-votes).
    marks = Coalesce(Subquery(Helpful.objects.filter(post=OuterRef("pk")).order_by()
                              .values("post").annotate(n=Count("*")).values("n")), 0)
    return ExpressionWrapper(marks + F("imported_helpful"), output_field=IntegerField())


def _marked_by(viewer) -> Exists:
    return Exists(Helpful.objects.filter(post=OuterRef("pk"), user=viewer))


def moved_topic(user, topic_id) -> Topic | None:
    """A topic found by id in another community the user may read (it was moved)."""
    if not str(topic_id).isdigit():
        return None
    return (Topic.objects.select_related("community")
            .filter(pk=topic_id, community__in=policy.readable_communities(user)).first())


def backlinks(topic: Topic, viewer, limit: int = 20) -> list[Topic]:
    """Other topics whose visible posts link here, from communities the viewer may read."""
    # Shared; most have none. conversations/links.py expires a topic that gains a link.
    linking = cached("backlinks", topic.pk, scopes=(scope_of(topic),), compute=lambda: set(
        TopicLink.objects.filter(to_topic=topic, from_post__deleted_at__isnull=True)
        .values_list("from_post__topic_id", flat=True)[:200]) - {topic.pk})
    if not linking:
        return []
    return list(Topic.objects.filter(pk__in=linking,
                                     community__in=policy.readable_communities(viewer))
                .select_related("community").order_by("-last_posted_at")[:limit])


QUOTE_CHARS = 1500


def quote(post: Post) -> str:
    """A Markdown quotation of a post to start a reply with."""
    name = post.author.username if post.author else ""
    text = post.body if len(post.body) <= QUOTE_CHARS else post.body[:QUOTE_CHARS] + " …"
    quoted = "\n".join(f"> {line}" if line else ">" for line in text.splitlines())
    header = f"> @{name}:\n" if name else ""
    return f"{header}{quoted}\n\n"


def post_in(topic: Topic, post_id) -> Post | None:
    if not str(post_id).isdigit():
        return None
    return topic.posts.filter(pk=post_id).first()


def revisions_of(post: Post):
    return list(post.revisions.select_related("edited_by"))


def changes_of_post(post: Post) -> list[tuple[PostRevision, str]]:
    """Each edit, newest first: the revision it replaced and a line diff to the text after it."""
    from cultivate.history.diffing import line_diff

    older_first = sorted(revisions_of(post), key=lambda r: (r.replaced_at, r.pk))
    if not older_first:
        return []
    following = [r.body for r in older_first[1:]] + [post.body]
    return [(revision, line_diff(revision.body, after))
            for revision, after in reversed(list(zip(older_first, following, strict=True)))]


def moderation_queue(community) -> list[Post]:
    """Posts with open flags, most flagged first, with their flags (2 queries)."""
    open_flags = Flag.objects.filter(status=FlagStatus.OPEN).select_related("user")
    return list(
        Post.objects.filter(topic__community=community, flags__status=FlagStatus.OPEN)
        .annotate(open_flags=Count("flags", distinct=True))
        .select_related("author", "topic")
        .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="waiting"))
        .order_by("-open_flags", "created_at")
    )


def deleted_posts(community, limit: int = 50) -> list[Post]:
    return list(Post.objects.filter(topic__community=community, deleted_at__isnull=False,
                                    purged_at__isnull=True)
                .select_related("author", "topic", "deleted_by").order_by("-deleted_at")[:limit])


def notifications_for(user, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(user=user)
                .select_related("actor", "post__topic__community")[:limit])


def notification_of(user, pk) -> Notification | None:
    return (Notification.objects.filter(user=user, pk=pk)
            .select_related("post__topic__community").first())


def notification_target(notice: Notification) -> str:
    """Where a notice leads: its post, or its own link when that stays on this site."""
    if notice.post_id:
        return notice.post.get_absolute_url()
    if notice.link.startswith("/") and not notice.link.startswith("//"):
        return notice.link
    return reverse("conversations:notifications")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def hits_with_topics(hits) -> list:
    """(hit, topic) pairs for search hits, topics and communities loaded in one query."""
    topics = Topic.objects.filter(pk__in={hit.topic_id for hit in hits}).select_related(
        "community").in_bulk()
    return [(hit, topics[hit.topic_id]) for hit in hits if hit.topic_id in topics]


def communities_of(user) -> list:
    """The communities a person belongs to, by name: the search page offers them as scopes."""
    if not policy.is_signed_in(user):
        return []
    return list(Community.objects.filter(memberships__user=user).order_by("name")
                .only("slug", "name"))


def subscription_of(user, community) -> CommunitySubscription:
    """The person's subscription, or the unsaved default: a digest for members, else nothing."""
    found = CommunitySubscription.objects.filter(user=user, community=community).first()
    if found is not None:
        return found
    is_member = policy.standing_of(user, community) in policy.MEMBER_STANDINGS
    return CommunitySubscription(user=user, community=community,
                                 email_mode=DEFAULT_EMAIL_MODE if is_member else EmailMode.NOTHING)


def subscriptions_of(user) -> list:
    """The person's subscription to each community they belong to or chose: saved rows, and the
    default (unsaved) for memberships never set."""
    saved = {s.community_id: s for s in CommunitySubscription.objects.filter(user=user)
             .select_related("community")}
    for community in Community.objects.filter(memberships__user=user).exclude(pk__in=saved):
        saved[community.pk] = CommunitySubscription(user=user, community=community,
                                                    email_mode=DEFAULT_EMAIL_MODE)
    return sorted(saved.values(), key=lambda s: s.community.name.lower())


# --- for the insights job (cultivate.insights.figures) --------------------------------------

def topics_of_posts(post_ids) -> dict[int, int]:
    """post id -> topic id, in chunks (the job passes many)."""
    found: dict[int, int] = {}
    post_ids = list(post_ids)
    for start in range(0, len(post_ids), 5000):
        found.update(Post.objects.filter(pk__in=post_ids[start:start + 5000])
                     .values_list("pk", "topic_id"))
    return found


def describe_topics(topic_ids) -> dict[int, dict]:
    """topic id -> {id, title, url} for lists on dashboards (one query)."""
    rows = Topic.objects.filter(pk__in=list(topic_ids)).values_list("pk", "title",
                                                                    "community__slug")
    return {pk: {"id": pk, "title": title,
                 "url": reverse("conversations:topic", kwargs={"slug": slug, "topic_id": pk})}
            for pk, title, slug in rows}


def describe_posts(post_ids) -> dict[int, dict]:
    """post id -> {kind, id, title, url}: a post named by its topic, linked to its place."""
    rows = Post.objects.filter(pk__in=list(post_ids)).values_list(
        "pk", "is_opening", "topic_id", "topic__title", "topic__community__slug")
    described = {}
    for pk, is_opening, topic_id, title, slug in rows:
        url = reverse("conversations:topic", kwargs={"slug": slug, "topic_id": topic_id})
        described[pk] = {"kind": "topic" if is_opening else "post", "id": pk, "title": title,
                         "url": url if is_opening else f"{url}#post-{pk}"}
    return described
