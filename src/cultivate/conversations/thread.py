"""A topic's thread: the posts as one fragment shared by every reader (cached until content
changes), with each viewer's own controls put in per post.

Members' pages are never cached whole, and a Django template costs tens of microseconds per
control; building a post's few buttons from labels translated once per request keeps a topic
of 100 replies within a few milliseconds (bench/pages.py, docs/benchmarks.md).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cultivate.conversations import queries
from cultivate.conversations.models import Topic
from cultivate.core import retention
from cultivate.core.fragments import cached
from cultivate.core.page_cache import scope_of

# Stands where each post's controls go; no Markdown output can contain it (nh3 drops comments).
CONTROLS_MARK = "<!--cultivate:controls-->"


class PostOutline(NamedTuple):
    """What a viewer's controls need to know about a post; shared, nothing personal.
    (A named tuple: it comes out of the cache with every page view, and unpickles fastest.)"""

    pk: int
    author_id: int | None
    is_opening: bool
    deleted_at: datetime | None
    deleted_by_id: int | None = None  # defaults: outlines cached before these fields existed
    purged: bool = False


@dataclass(frozen=True)
class SharedThread:
    html: str  # every post, with CONTROLS_MARK where its controls go
    outline: tuple[PostOutline, ...]


@dataclass
class Viewer:
    """What this viewer may do to the posts of this page."""

    user_id: int | None
    csrf_field: str
    may_mark: bool = False  # helpful and flag, on other people's posts
    may_reply: bool = False
    may_moderate: bool = False
    may_accept: bool = False
    may_restore_own: bool = False  # a member, who may restore what they deleted themselves
    changeable: set[int] = field(default_factory=set)
    marked_helpful: set[int] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        self.labels = {name: escape(text) for name, text in {
            "helpful": _("Helpful"), "helpful_marked": _("✓ You found this helpful"),
            "flag": _("Flag"), "reply": _("Reply"),
            "quote": _("Quote"), "edit": _("Edit"), "delete": _("Delete"),
            "restore": _("Restore"), "accept": _("Accept this answer")}.items()}


def shared_thread(topic: Topic, *, show_deleted: bool, profile_prefix: str,
                  page: int = 1) -> SharedThread:
    """The page of posts as every reader (or every moderator) sees it, from the cache when
    nothing changed since it was rendered."""

    def render() -> SharedThread:
        posts = queries.posts_of(topic, page)
        html = render_to_string("conversations/_thread.html", {
            "posts": posts, "topic": topic, "topic_path": topic.get_absolute_url(),
            "profile_prefix": profile_prefix, "show_deleted": show_deleted,
            "controls_mark": mark_safe(CONTROLS_MARK)})  # noqa: S308 - a constant
        outline = tuple(PostOutline(p.pk, p.author_id, p.is_opening, p.deleted_at,
                                    p.deleted_by_id, p.purged_at is not None) for p in posts)
        return SharedThread(html, outline)

    return cached("thread", topic.pk, page, show_deleted, topic.accepted_answer_id,
                  scopes=scopes_of_topic(topic), compute=render)


def scopes_of_topic(topic) -> tuple[str, str]:
    """A topic's page shows its posts and its community's name and address, nothing else
    that others write: a reply elsewhere in the community leaves it cached."""
    return scope_of(topic), f"communities.community:{topic.community_id}"


# Other apps add a piece to each post's controls (value creation's "I applied this") without
# conversations knowing them: each is called once per page as
# extra(topic, outline, viewer) -> {post id: safe HTML}.
POST_EXTRAS: list = []


def personalise(shared: SharedThread, viewer: Viewer, topic: Topic) -> SafeString:
    """The shared thread with this viewer's controls on each post."""
    topic_path = topic.get_absolute_url()
    pieces = shared.html.split(CONTROLS_MARK)
    extras = [extra(topic, shared.outline, viewer) for extra in POST_EXTRAS]
    out = [pieces[0]]
    for post, after in zip(shared.outline, pieces[1:], strict=True):
        out.append(post_controls(post, viewer, topic, topic_path))
        out.extend(found.get(post.pk, "") for found in extras)
        out.append(after)
    return mark_safe("".join(out))  # noqa: S308 - escaped labels, numbers and our paths


def post_controls(post: PostOutline, viewer: Viewer, topic: Topic, topic_path: str) -> str:
    """The buttons and links this viewer gets on one post."""
    base, labels, described = f"{topic_path}p/{post.pk}/", viewer.labels, f"meta-{post.pk}"
    controls = []
    if post.deleted_at is None:
        if viewer.may_mark and post.author_id != viewer.user_id:
            if not post.is_opening:
                marked = post.pk in viewer.marked_helpful
                controls.append(_form(
                    f"{base}helpful/", viewer,
                    labels["helpful_marked" if marked else "helpful"], described,
                    hidden=("helpful", "off" if marked else "on"),
                    pressed="true" if marked else "false"))
            controls.append(_link(f"{base}flag/", labels["flag"], described))
        if viewer.may_reply:
            controls.append(_link(f"?reply_to={post.pk}#reply-heading", labels["reply"],
                                  described))
            controls.append(_link(f"?quote={post.pk}#reply-heading", labels["quote"],
                                  described))
        if post.pk in viewer.changeable:
            controls.append(_link(f"{base}edit/", labels["edit"], described))
            if not post.is_opening:
                controls.append(_form(f"{base}delete/", viewer, labels["delete"], described))
    elif may_restore(post, viewer):
        until = formats.date_format(timezone.localtime(retention.restorable_until(
            post.deleted_at)), "DATE_FORMAT")
        controls.append('<span class="meta">{}</span>'.format(escape(
            _("Deleted — can be restored until %(date)s, then removed for good.")
            % {"date": until})))
        controls.append(_form(f"{base}restore/", viewer, labels["restore"], described))
    if viewer.may_accept and not post.is_opening and post.pk != topic.accepted_answer_id:
        controls.append(_form(f"{topic_path}accept/{post.pk}/", viewer, labels["accept"],
                              described))
    return "\n".join(controls)


def may_restore(post: PostOutline, viewer: Viewer) -> bool:
    """The moderators, or the member who deleted it, until the restore window ends."""
    if post.purged or not retention.is_restorable(post.deleted_at):
        return False
    return viewer.may_moderate or (viewer.may_restore_own and viewer.user_id is not None
                                   and post.deleted_by_id == viewer.user_id)


def _link(href: str, label: str, described: str) -> str:
    return f'<a href="{href}" aria-describedby="{described}">{label}</a>'


def _form(action: str, viewer: Viewer, label: str, described: str, *, hidden=None,
          pressed=None) -> str:
    extra = f'<input type="hidden" name="{hidden[0]}" value="{hidden[1]}">' if hidden else ""
    state = f' aria-pressed="{pressed}"' if pressed else ""
    return (f'<form method="post" action="{action}">{viewer.csrf_field}{extra}'
            f'<button type="submit" class="secondary"{state} aria-describedby="{described}">'
            f'{label}</button></form>')
