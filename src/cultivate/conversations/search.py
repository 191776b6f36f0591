"""Full-text search over posts, one interface on two engines.

PostgreSQL: a stored `tsvector` per post (topic title weighted above the text) with a GIN index,
queried with `websearch_to_tsquery`, ranked by `ts_rank`, snippets by `ts_headline`.
SQLite: an FTS5 table keyed by post id, ranked by bm25, snippets by `snippet()`.
Actions call `index_posts` after writing; `search` only ever sees communities the caller may read.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cultivate import policy
from cultivate.communities.models import Visibility
from cultivate.conversations.models import Topic, TopicKind

START, STOP = "\x02", "\x03"  # markers no Markdown contains; escaped text gets <mark> around
SNIPPET_WORDS = 24
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    post_id: int
    topic_id: int
    snippet: SafeString


def index_posts(post_ids) -> None:
    """(Re)index these posts. Call inside the transaction that wrote them."""
    ids = [int(pk) for pk in post_ids]
    if not ids:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE conversations_post p SET search_vector = "
                "setweight(to_tsvector('english', CASE WHEN p.is_opening THEN t.title ELSE '' "
                "END), 'A') || setweight(to_tsvector('english', p.body), 'B') "
                "FROM conversations_topic t WHERE t.id = p.topic_id AND p.id = ANY(%s)", [ids])
        else:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("%s" for _ in chunk)
                cursor.execute(f"DELETE FROM conversations_post_fts WHERE rowid IN ({marks})",  # noqa: S608
                               chunk)
                cursor.execute(
                    "INSERT INTO conversations_post_fts(rowid, title, body) SELECT p.id, "  # noqa: S608
                    "CASE WHEN p.is_opening THEN t.title ELSE '' END, p.body "
                    "FROM conversations_post p JOIN conversations_topic t ON t.id = p.topic_id "
                    f"WHERE p.id IN ({marks})", chunk)


def similar_questions(user, community, title: str, limit: int = 5):
    """Questions of this community whose words match a title being typed (any of its words)."""
    words = [w for w in WORD.findall(title or "") if len(w) > 2][:8]
    if not words:
        return []
    hits = search(user, " OR ".join(words) if connection.vendor == "postgresql" else title,
                  community_id=community.pk, limit=limit * 4, any_word=True)
    ids = list(dict.fromkeys(hit.topic_id for hit in hits))
    found = Topic.objects.filter(pk__in=ids, kind=TopicKind.QUESTION).in_bulk()
    return [found[pk] for pk in ids if pk in found][:limit]


def search(user, text: str, *, community_id: int | None = None, limit: int = 20,
           any_word: bool = False) -> list[Hit]:
    """Posts matching `text` in communities the user may read, best first."""
    readable = _readable_community_ids(user)
    if community_id is not None:
        readable = [cid for cid in readable if cid == community_id]
    words = WORD.findall(text or "")[:12]
    if not words or not readable:
        return []
    finder = _search_postgres if connection.vendor == "postgresql" else _search_sqlite
    return [Hit(post_id, topic_id, _highlight(snippet))
            for post_id, topic_id, snippet in finder(text, words, readable, limit, any_word)]


def _readable_community_ids(user) -> list[int]:
    visible = policy.visible_communities(user)
    if policy.is_platform_admin(user):
        return list(visible.values_list("pk", flat=True))
    members = set()
    if policy.is_signed_in(user):
        members = set(user.memberships.values_list("community_id", flat=True))
    return [pk for pk, visibility in visible.values_list("pk", "visibility")
            if visibility == Visibility.PUBLIC or pk in members]


def _search_postgres(text, words, readable, limit, any_word=False):
    options = f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=8"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, p.topic_id, ts_headline('english', "
            "CASE WHEN p.is_opening THEN t.title || ' — ' ELSE '' END || p.body, q, %s) "
            "FROM conversations_post p JOIN conversations_topic t ON t.id = p.topic_id, "
            "websearch_to_tsquery('english', %s) q "
            "WHERE p.search_vector @@ q AND t.community_id = ANY(%s) AND p.deleted_at IS NULL "
            "ORDER BY ts_rank(p.search_vector, q) DESC, p.id DESC LIMIT %s",
            [options, text, readable, limit])
        return cursor.fetchall()


def _search_sqlite(text, words, readable, limit, any_word=False):
    joiner = " OR " if any_word else " "  # every word (or any), none read as FTS5 syntax
    match = joiner.join(f'"{word}"' for word in words)
    marks = ",".join("%s" for _ in readable)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, p.topic_id, snippet(conversations_post_fts, -1, %s, %s, '…', %s) "  # noqa: S608
            "FROM conversations_post_fts JOIN conversations_post p ON p.id = "
            "conversations_post_fts.rowid JOIN conversations_topic t ON t.id = p.topic_id "
            f"WHERE conversations_post_fts MATCH %s AND t.community_id IN ({marks}) "
            "AND p.deleted_at IS NULL "
            "ORDER BY bm25(conversations_post_fts, 4.0, 1.0), p.id DESC LIMIT %s",
            [START, STOP, SNIPPET_WORDS, match, *readable, limit])
        return cursor.fetchall()


def _highlight(snippet: str) -> SafeString:
    safe = escape(snippet or "").replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(safe)  # noqa: S308 - everything but our markers was escaped
