"""Thin JSON routes for topics and replies over the same actions and queries as the pages."""

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from cultivate import policy
from cultivate.communities.models import Community
from cultivate.conversations import actions, queries, search
from cultivate.conversations.models import MAX_BODY, Post, TopicKind
from cultivate.core.errors import ActionError, NotAllowed, choose_one_of
from cultivate.core.fragments import cached_fragment
from cultivate.core.markdown import render_markdown
from cultivate.core.page_cache import community_scope, depends_on
from cultivate.core.paging import page_of
from cultivate.policy import Can

router = Router(tags=["conversations"])


class Author(Schema):
    id: int
    username: str
    display_name: str


class TopicSummary(Schema):
    id: int
    kind: str
    title: str
    author: Author | None
    tags: list[str]
    reply_count: int
    created_at: datetime
    last_posted_at: datetime
    accepted_answer_id: int | None
    answered_at: datetime | None
    community: str
    is_pinned: bool
    is_locked: bool
    url: str


class TopicPage(Schema):
    items: list[TopicSummary]
    count: int
    page: int
    pages: int


class PostOut(Schema):
    id: int
    author: Author | None
    body: str
    body_html: str
    reply_to_id: int | None
    is_opening: bool
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    restorable_until: datetime | None = Field(
        None, description="A deleted post can be restored until then; afterwards its text is "
                          "removed for good.")
    helpful_count: int = 0
    language: str = Field("", description="The language the post is in ('' not said).")


class TopicDetail(TopicSummary):
    posts: list[PostOut]


class TopicIn(Schema):
    kind: str = "discussion"
    title: str
    body: str
    tags: list[str] = Field(default_factory=list)
    language: str = Field("", description="The language the text is in, a two-letter code "
                                          "(e.g. 'fr'); by default the community's main one.")


class ReplyIn(Schema):
    body: str
    reply_to: int | None = None
    language: str = Field("", description="The language the text is in, a two-letter code "
                                          "(e.g. 'fr'); by default the community's main one.")


class AcceptIn(Schema):
    post_id: int


class TopicQuery(Schema):
    kind: str = ""
    unanswered: bool = False
    answered: bool = Field(False, description="Recently answered questions, newest answer first.")
    page: int = 1


def _author(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "display_name": user.public_name}


def _summary(topic) -> dict:
    return {
        "id": topic.pk, "kind": topic.kind, "title": topic.title,
        "author": _author(topic.author), "tags": [tag.name for tag in topic.tags.all()],
        "reply_count": topic.reply_count, "created_at": topic.created_at,
        "last_posted_at": topic.last_posted_at, "accepted_answer_id": topic.accepted_answer_id,
        "answered_at": topic.answered_at, "community": topic.community.slug,
        "is_pinned": topic.is_pinned, "is_locked": topic.is_locked,
        "url": topic.get_absolute_url(),
    }


def _post(post, *, moderator: bool = True) -> dict:
    """A deleted post's text is only for moderators."""
    hidden = post.deleted_at is not None and not moderator
    return {"id": post.pk, "author": _author(post.author), "body": "" if hidden else post.body,
            "body_html": "" if hidden else post.body_html, "reply_to_id": post.reply_to_id,
            "is_opening": post.is_opening, "created_at": post.created_at,
            "edited_at": post.edited_at, "deleted": post.deleted_at is not None,
            "restorable_until": post.restorable_until,
            "helpful_count": getattr(post, "helpful_count", 0), "language": post.language}


def _detail(topic, standing) -> dict:
    moderator = Can.MODERATE in policy.allowed(standing, topic.community)
    return _summary(topic) | {"posts": [_post(p, moderator=moderator)
                                        for p in queries.posts_of(topic)]}


@router.get("/communities/{slug}/topics", response=TopicPage, summary="Topics of a community",
            description="The same page for every reader of the community: it is built once "
                        "and kept until something in the community changes, `count` included.")
def list_topics(request: HttpRequest, slug: str, params: Query[TopicQuery]):
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    filters = queries.TopicFilters.from_params(params.dict())
    scopes = (community_scope(community.pk),)
    depends_on(request, *scopes)

    def render() -> str:
        found = queries.topics(community, filters)
        page = page_of(found, params.page, queries.TOPICS_PER_PAGE, count_scopes=scopes)
        return TopicPage.model_validate(page.body([_summary(t) for t in page.rows])
                                        ).model_dump_json()

    body = cached_fragment("api-topics", community.pk, filters, params.page, scopes=scopes,
                           render=render)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.post("/communities/{slug}/topics", response={201: TopicDetail},
             summary="Start a discussion, ask a question, or announce (stewards)")
def start_topic(request: HttpRequest, slug: str, payload: TopicIn):
    community, _standing = policy.access_community(request.user, slug, Can.START_TOPIC)
    topic = actions.do_start_topic(actor=request.user, community=community, **payload.dict())
    return Status(201, _detail(topic, _standing))


@router.get("/communities/{slug}/topics/{topic_id}", response=TopicDetail)
def get_topic(request: HttpRequest, slug: str, topic_id: int):
    topic, standing = queries.access_topic(request.user, slug, topic_id)
    return _detail(topic, standing)


@router.post("/communities/{slug}/topics/{topic_id}/replies", response={201: PostOut})
def reply(request: HttpRequest, slug: str, topic_id: int, payload: ReplyIn):
    topic, _standing = queries.access_topic(request.user, slug, topic_id, Can.REPLY)
    reply_to = None
    if payload.reply_to is not None:
        reply_to = queries.post_in(topic, payload.reply_to)
        if reply_to is None:
            raise NotAllowed("no such post", hide=True)
    post = actions.do_reply(actor=request.user, topic=topic, body=payload.body,
                            reply_to=reply_to, language=payload.language)
    return Status(201, _post(post))


@router.post("/communities/{slug}/topics/{topic_id}/accept", response=TopicSummary,
             summary="Accept (or change) the answer of a question: the asker or a steward")
def accept_answer(request: HttpRequest, slug: str, topic_id: int, payload: AcceptIn):
    topic, _standing = queries.access_topic(request.user, slug, topic_id)
    post = queries.post_in(topic, payload.post_id)
    if post is None:
        raise NotAllowed("no such post", hide=True)
    return _summary(actions.do_accept_answer(actor=request.user, topic=topic, post=post))


class ModerationIn(Schema):
    is_pinned: bool | None = None
    is_locked: bool | None = None
    is_closed: bool | None = None


class EditIn(Schema):
    body: str
    title: str | None = Field(None, description="A new title for the topic; only for its "
                                                  "first post")


class PostRevisionOut(Schema):
    body: str
    replaced_at: datetime
    edited_by: Author | None


@router.patch("/communities/{slug}/topics/{topic_id}", response=TopicSummary,
              summary="Pin, lock or close a topic (facilitators and conveners)")
def moderate_topic(request: HttpRequest, slug: str, topic_id: int, payload: ModerationIn):
    topic, _standing = queries.access_topic(request.user, slug, topic_id, Can.MODERATE)
    return _summary(actions.do_moderate_topic(actor=request.user, topic=topic,
                                              **payload.dict(exclude_unset=True)))


class MoveIn(Schema):
    community: str = Field(description="Slug of the community to move the topic to.")


@router.post("/communities/{slug}/topics/{topic_id}/move", response=TopicSummary,
             summary="Move a topic to another community you moderate")
def move_topic(request: HttpRequest, slug: str, topic_id: int, payload: MoveIn):
    topic, _standing = queries.access_topic(request.user, slug, topic_id, Can.MODERATE)
    target = Community.objects.filter(slug=payload.community).first()
    if target is None or not policy.can(request.user, Can.SEE, target):
        raise ActionError(_("Please correct the marked fields."),
                          fields={"community": [_("No such community.")]})
    return _summary(actions.do_move_topic(actor=request.user, topic=topic, to_community=target))


def _post_in(request, slug: str, topic_id: int, post_id: int, verb: Can = Can.READ):
    topic, standing = queries.access_topic(request.user, slug, topic_id, verb)
    post = queries.post_in(topic, post_id)
    if post is None:
        raise NotAllowed("no such post", hide=True)
    return post, standing


@router.patch("/communities/{slug}/topics/{topic_id}/posts/{post_id}", response=PostOut,
              summary="Edit a post (its author or a steward); the old text becomes a revision")
def edit_post(request: HttpRequest, slug: str, topic_id: int, post_id: int, payload: EditIn):
    post, _standing = _post_in(request, slug, topic_id, post_id)
    return _post(actions.do_edit_post(actor=request.user, post=post, body=payload.body,
                                      title=payload.title))


@router.delete("/communities/{slug}/topics/{topic_id}/posts/{post_id}", response={204: None})
def delete_post(request: HttpRequest, slug: str, topic_id: int, post_id: int):
    post, _standing = _post_in(request, slug, topic_id, post_id)
    actions.do_delete_post(actor=request.user, post=post)
    return Status(204, None)


@router.post("/communities/{slug}/topics/{topic_id}/posts/{post_id}/restore",
             response=PostOut, summary="Restore a deleted post (whoever deleted it, or a "
                                       "steward) within the restore window")
def restore_post(request: HttpRequest, slug: str, topic_id: int, post_id: int):
    post, _standing = _post_in(request, slug, topic_id, post_id)
    return _post(actions.do_restore_post(actor=request.user, post=post))


@router.post("/communities/{slug}/topics/{topic_id}/posts/{post_id}/helpful",
             response={204: None}, summary="Mark a reply helpful")
def mark_helpful(request: HttpRequest, slug: str, topic_id: int, post_id: int):
    post, _standing = _post_in(request, slug, topic_id, post_id, Can.REPLY)
    actions.do_mark_helpful(actor=request.user, post=post)
    return Status(204, None)


@router.delete("/communities/{slug}/topics/{topic_id}/posts/{post_id}/helpful",
               response={204: None}, summary="Take a helpful mark back")
def unmark_helpful(request: HttpRequest, slug: str, topic_id: int, post_id: int):
    post, _standing = _post_in(request, slug, topic_id, post_id, Can.REPLY)
    actions.do_mark_helpful(actor=request.user, post=post, helpful=False)
    return Status(204, None)


@router.get("/communities/{slug}/topics/{topic_id}/posts/{post_id}/revisions",
            response=list[PostRevisionOut])
def post_revisions(request: HttpRequest, slug: str, topic_id: int, post_id: int):
    post, standing = _post_in(request, slug, topic_id, post_id)
    if post.deleted_at and Can.MODERATE not in policy.allowed(standing, post.topic.community):
        raise NotAllowed("deleted", hide=True)
    return [{"body": r.body, "replaced_at": r.replaced_at, "edited_by": _author(r.edited_by)}
            for r in queries.revisions_of(post)]


class PreviewIn(Schema):
    text: str


class PreviewOut(Schema):
    html: str


@router.post("/markdown/preview", response=PreviewOut,
             summary="The sanitised HTML a Markdown text would become")
def preview(request: HttpRequest, payload: PreviewIn):
    if not policy.is_signed_in(request.user):
        raise NotAllowed("sign in first")
    if len(payload.text) > MAX_BODY:
        raise ActionError(_("Too long to preview."), fields={"text": [_("Too long.")]})
    return {"html": render_markdown(payload.text)}


class FlagIn(Schema):
    reason: str
    note: str = ""


class QueueItem(Schema):
    post: PostOut
    topic_id: int
    topic_title: str
    open_flags: int
    reasons: list[str]


class FlagDecisionIn(Schema):
    decision: str = Field(description="'hide' or 'dismiss'")


@router.post("/communities/{slug}/topics/{topic_id}/posts/{post_id}/flags",
             response={201: None}, summary="Ask the moderators to look at a post")
def flag_post(request: HttpRequest, slug: str, topic_id: int, post_id: int, payload: FlagIn):
    post, _standing = _post_in(request, slug, topic_id, post_id, Can.REPLY)
    actions.do_flag_post(actor=request.user, post=post, reason=payload.reason,
                         note=payload.note)
    return Status(201, None)


@router.get("/communities/{slug}/moderation", response=list[QueueItem],
            summary="Posts with open flags (facilitators and conveners)")
def moderation_queue(request: HttpRequest, slug: str):
    community, _standing = policy.access_community(request.user, slug, Can.MODERATE)
    return [{"post": _post(p), "topic_id": p.topic_id, "topic_title": p.topic.title,
             "open_flags": p.open_flags, "reasons": [f.reason for f in p.waiting]}
            for p in queries.moderation_queue(community)]


@router.post("/communities/{slug}/moderation/{post_id}", response={204: None},
             summary="Hide a flagged post, or dismiss its flags")
def resolve_flags(request: HttpRequest, slug: str, post_id: int, payload: FlagDecisionIn):
    community, _standing = policy.access_community(request.user, slug, Can.MODERATE)
    if payload.decision not in ("hide", "dismiss"):
        raise ActionError(_("Choose hide or dismiss."), fields={"decision": [_("Unknown.")]})
    post = Post.objects.filter(topic__community=community, pk=post_id).first()
    if post is None:
        raise NotAllowed("no such post", hide=True)
    actions.do_resolve_flags(actor=request.user, post=post, hide=payload.decision == "hide")
    return Status(204, None)


class NotificationOut(Schema):
    id: int
    kind: str
    actor: Author | None
    post_id: int | None
    topic_id: int | None
    topic_title: str
    community: str | None
    created_at: datetime
    read: bool
    url: str


class NotificationPage(Schema):
    unread: int
    items: list[NotificationOut]


class ReadIn(Schema):
    ids: list[int] | None = Field(None, description="Which to mark read; all when left out.")


def _signed_in(request):
    if not policy.is_signed_in(request.user):
        raise NotAllowed("sign in first")
    return request.user


@router.get("/me/notifications", response=NotificationPage, summary="Your notifications")
def my_notifications(request: HttpRequest):
    user = _signed_in(request)
    return {"unread": queries.unread_count(user),
            "items": [_notification(n) for n in queries.notifications_for(user)]}


def _notification(n) -> dict:
    about = {"id": n.pk, "kind": n.kind, "actor": _author(n.actor), "created_at": n.created_at,
             "read": n.read_at is not None}
    if n.post is None:  # a notice about something else (a follow-up): its own title and link
        return {**about, "post_id": None, "topic_id": None, "topic_title": n.title,
                "community": None, "url": n.link}
    return {**about, "post_id": n.post_id, "topic_id": n.post.topic_id,
            "topic_title": n.post.topic.title, "community": n.post.topic.community.slug,
            "url": f"{n.post.topic.get_absolute_url()}#post-{n.post_id}"}


@router.post("/me/notifications/read", response=dict, summary="Mark notifications read")
def read_notifications(request: HttpRequest, payload: ReadIn):
    marked = actions.do_mark_notifications_read(actor=_signed_in(request), ids=payload.ids)
    return {"marked": marked}


@router.put("/communities/{slug}/topics/{topic_id}/follow", response={204: None})
def follow_topic(request: HttpRequest, slug: str, topic_id: int):
    topic, _standing = queries.access_topic(request.user, slug, topic_id)
    actions.do_set_following(actor=_signed_in(request), topic=topic, following=True)
    return Status(204, None)


@router.delete("/communities/{slug}/topics/{topic_id}/follow", response={204: None})
def unfollow_topic(request: HttpRequest, slug: str, topic_id: int):
    topic, _standing = queries.access_topic(request.user, slug, topic_id)
    actions.do_set_following(actor=_signed_in(request), topic=topic, following=False)
    return Status(204, None)


class SearchHit(Schema):
    post_id: int
    topic_id: int
    topic_title: str
    community: str
    snippet_html: str
    url: str


@router.get("/search", response=list[SearchHit],
            summary="Full-text search of the posts you may read")
def search_posts(request: HttpRequest, q: str, community: str = "", kind: str = "",
                 tag: str = "", author: str = "", answered: str = "", limit: int = 20):
    errors = {}
    if kind and kind not in TopicKind.values:
        errors["kind"] = [choose_one_of(TopicKind.values)]
    if answered and answered not in search.ANSWERED_CHOICES:
        errors["answered"] = [choose_one_of(list(search.ANSWERED_CHOICES))]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)
    filters = search.filters_from({"kind": kind, "tag": tag, "author": author,
                                   "answered": answered})
    community_id = None
    if community:
        found, _standing = policy.access_community(request.user, community, Can.READ)
        community_id = found.pk
    hits = search.search(request.user, q[:200], community_id=community_id, filters=filters,
                         limit=min(max(limit, 1), 50))
    return [{"post_id": h.post_id, "topic_id": h.topic_id, "topic_title": topic.title,
             "community": topic.community.slug, "snippet_html": str(h.snippet),
             "url": f"{topic.get_absolute_url()}#post-{h.post_id}"}
            for h, topic in queries.hits_with_topics(hits)]


class SubscriptionOut(Schema):
    community: str
    email_mode: str = Field(
        description="every_post (mailing-list mode), daily, weekly, monthly or nothing")
    follows_new_topics: bool
    last_digest_at: datetime | None


class SubscriptionIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a misspelt field must not pass as "no change"

    email_mode: str | None = Field(
        None, description="every_post (mailing-list mode), daily, weekly, monthly or nothing")
    follows_new_topics: bool | None = Field(
        None, description="An in-app notification for every new topic of the community.")


def _subscription_out(subscription) -> dict:
    return {"community": subscription.community.slug, "email_mode": subscription.email_mode,
            "follows_new_topics": subscription.follows_new_topics,
            "last_digest_at": subscription.last_digest_at}


@router.get("/communities/{slug}/subscription", response=SubscriptionOut,
            summary="How you hear about a community (mail and new-topic notifications)")
def get_subscription(request: HttpRequest, slug: str):
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    return _subscription_out(queries.subscription_of(_signed_in(request), community))


@router.put("/communities/{slug}/subscription", response=SubscriptionOut,
            summary="Choose mail per post, a daily, weekly or monthly digest or nothing")
def set_subscription(request: HttpRequest, slug: str, payload: SubscriptionIn):
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    changes = payload.dict(exclude_unset=True)
    if not changes:
        raise ActionError(_("Say what to change: email_mode, follows_new_topics or both."),
                          fields={"email_mode": [_("Missing.")]})
    subscription = actions.do_set_subscription(actor=_signed_in(request), community=community,
                                               **changes)
    return _subscription_out(subscription)


@router.get("/me/subscriptions", response=list[SubscriptionOut],
            summary="Your mail choice for every community you belong to")
def my_subscriptions(request: HttpRequest):
    return [_subscription_out(s) for s in queries.subscriptions_of(_signed_in(request))]


class LibraryHit(Schema):
    kind: str = Field(description="method, story, resource, format, adaptation or value_story")
    object_id: int
    title: str
    snippet_html: str
    url: str


@router.get("/search/library", response=list[LibraryHit],
            summary="Full-text search of the practice library you may read")
def search_library(request: HttpRequest, q: str, community: str = "", kind: str = "",
                   limit: int = 20):
    if kind and kind not in search.DOCUMENT_KINDS:
        raise ActionError(_("Please correct the marked fields."),
                          fields={"kind": [choose_one_of(list(search.DOCUMENT_KINDS))]})
    community_id = None
    if community:
        community_id = policy.access_community(request.user, community, Can.READ)[0].pk
    hits = search.search_documents(request.user, q[:200], community_id=community_id,
                                   kind=kind, limit=min(max(limit, 1), 50))
    return [{"kind": h.kind, "object_id": h.object_id, "title": h.title,
             "snippet_html": str(h.snippet), "url": h.url} for h in hits]
