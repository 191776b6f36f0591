"""Full-text search over posts, one interface on two engines.

PostgreSQL: a stored `tsvector` per post with a GIN index, queried with `websearch_to_tsquery`.
SQLite: an FTS5 table keyed by post id (porter stemming). Each engine returns at most CANDIDATES
matches; those are ranked here (title matches, then text matches, newest first) and given
escaped snippets with the matched words marked, the same way on both engines.
Actions call `index_posts` after writing; `search` only ever sees communities the caller may read.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from cultivate import policy
from cultivate.conversations.models import Post, Topic, TopicKind
from cultivate.core import content_languages
from cultivate.core.markdown import plain_text
from cultivate.core.models import SearchDocument
from cultivate.people.models import User

# Only the newest matches are ranked: ranking every match of a common word costs hundreds of
# milliseconds on a million posts. Rare words are unaffected (all their matches fit).
CANDIDATES = 400
# Each post is stemmed in its own language; a query is read in the interface languages
# (core.content_languages).
POST_CONFIG = content_languages.search_config_sql("p.language")
TSQUERY, TSQUERY_TEXTS = content_languages.tsquery_sql()
START, STOP = "\x02", "\x03"  # markers no Markdown contains; escaped text gets <mark> around
SNIPPET_WORDS = 24
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Filters:
    """Narrowing a search: kind of topic, a tag slug, an author's id, answered or not."""

    kind: str = ""
    tag: str = ""
    author_id: int | None = None
    answered: bool | None = None

    @property
    def is_narrow(self) -> bool:
        """An author or a tag: few posts, found through their own indexes."""
        return bool(self.tag or self.author_id is not None)

    def __bool__(self) -> bool:
        return bool(self.kind or self.tag or self.author_id is not None
                    or self.answered is not None)

    def sql(self) -> tuple[str, list]:
        """Extra conditions on post `p` and topic `t`, with their parameters."""
        clauses, params = [], []
        if self.kind:
            clauses.append("t.kind = %s")
            params.append(self.kind)
        if self.answered is True:
            clauses.append("t.accepted_answer_id IS NOT NULL")
        elif self.answered is False:
            clauses.append("t.kind = %s AND t.accepted_answer_id IS NULL")
            params.append(TopicKind.QUESTION.value)
        if self.author_id is not None:
            clauses.append("p.author_id = %s")
            params.append(self.author_id)
        if self.tag:
            # An IN list, not EXISTS: the tag's few topics lead to their posts by index.
            clauses.append("p.topic_id IN (SELECT tt.topic_id FROM conversations_topic_tags tt "
                           "JOIN core_tag g ON g.id = tt.tag_id WHERE g.slug = %s)")
            params.append(self.tag)
        return "".join(f" AND {clause}" for clause in clauses), params


NO_FILTERS = Filters()
ANSWERED_CHOICES = {"yes": True, "no": False}


def filters_from(params) -> Filters:
    """Filters from query parameters (kind, tag, author username, answered=yes|no); values
    that mean nothing are ignored, an unknown author finds nothing."""
    kind = params.get("kind", "")
    author_id = None
    if username := str(params.get("author", "")).strip()[:150]:
        author_id = (User.objects.filter(username=username).values_list("pk", flat=True)
                     .first() or -1)
    return Filters(kind=kind if kind in TopicKind.values else "",
                   tag=str(params.get("tag", "")).strip().lower()[:60],
                   author_id=author_id,
                   answered=ANSWERED_CHOICES.get(str(params.get("answered", "")).lower()))


@dataclass(frozen=True)
class Hit:
    post_id: int
    topic_id: int
    snippet: SafeString


def vector_sql(post: str, title: str) -> str:
    """SQL for a post's stored vector (PostgreSQL) from post row `post` and its topic's title:
    the title (opening posts only) weighs A, the body B, in the post's language."""
    config = content_languages.search_config_sql(f"{post}.language")
    return (f"setweight(to_tsvector({config}, CASE WHEN {post}.is_opening THEN {title} "
            f"ELSE '' END), 'A') || setweight(to_tsvector({config}, {post}.body), 'B')")


def index_posts(post_ids) -> None:
    """(Re)index these posts. Call inside the transaction that wrote them."""
    ids = [int(pk) for pk in post_ids]
    if not ids:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE conversations_post p SET search_vector = {vector_sql('p', 't.title')} "  # noqa: S608 - our constants
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
           any_word: bool = False, filters: Filters = NO_FILTERS) -> list[Hit]:
    """Posts matching `text` in communities the user may read, best first."""
    readable = _readable_community_ids(user)
    if community_id is not None:
        readable = [cid for cid in readable if cid == community_id]
    words = WORD.findall(text or "")[:12]
    if not words or not readable:
        return []
    finder = _search_postgres if connection.vendor == "postgresql" else _search_sqlite
    return [Hit(post_id, topic_id, _highlight(snippet))
            for post_id, topic_id, snippet in finder(text, words, readable, limit, any_word,
                                                     filters)]


def _readable_community_ids(user) -> list[int]:
    return list(policy.readable_communities(user).values_list("pk", flat=True))


def _search_postgres(text, words, readable, limit, any_word, filters):
    """The GIN index finds matches; ranking and snippets happen on a bounded set in Python."""
    query = " or ".join(words) if any_word else text
    with connection.cursor() as cursor:
        if filters:  # filters go into the candidate set, or a narrow filter would find nothing
            where, params = filters.sql()
            cursor.execute(
                "SELECT p.id, p.topic_id, t.title, p.is_opening, p.body "  # noqa: S608 - fixed clauses
                "FROM conversations_post p JOIN conversations_topic t ON t.id = p.topic_id "
                f"WHERE p.search_vector @@ {TSQUERY} "
                f"AND t.community_id = ANY(%s) AND p.deleted_at IS NULL{where} LIMIT %s",
                [*[query] * TSQUERY_TEXTS, readable, *params, CANDIDATES])
            return _rank(cursor.fetchall(), words, limit)
        cursor.execute(
            f"WITH q AS (SELECT {TSQUERY} AS q), candidates AS ("  # noqa: S608 - our constants
            " SELECT p.id FROM conversations_post p, q WHERE p.search_vector @@ q.q LIMIT %s) "
            "SELECT p.id, p.topic_id, t.title, p.is_opening, p.body FROM candidates c "
            "JOIN conversations_post p ON p.id = c.id "
            "JOIN conversations_topic t ON t.id = p.topic_id "
            "WHERE t.community_id = ANY(%s) AND p.deleted_at IS NULL",
            [*[query] * TSQUERY_TEXTS, CANDIDATES, readable])
        return _rank(cursor.fetchall(), words, limit)


def _search_sqlite(text, words, readable, limit, any_word, filters):
    """FTS5 finds the newest matches cheaply; bm25() and snippet() would walk every match of a
    common word, so ranking and snippets happen on those in Python."""
    joiner = " OR " if any_word else " "  # every word (or any), none read as FTS5 syntax
    match = joiner.join(f'"{word}"' for word in words)
    marks = ",".join("%s" for _ in readable)
    with connection.cursor() as cursor:
        if filters:
            rows = _filtered_sqlite(cursor, match, readable, filters)
            return _rank(rows, words, limit)
        cursor.execute(
            "WITH recent AS (SELECT rowid FROM conversations_post_fts "  # noqa: S608
            "WHERE conversations_post_fts MATCH %s ORDER BY rowid DESC LIMIT %s) "
            "SELECT p.id, p.topic_id, t.title, p.is_opening, p.body FROM recent "
            "JOIN conversations_post p ON p.id = recent.rowid "
            "JOIN conversations_topic t ON t.id = p.topic_id "
            f"WHERE t.community_id IN ({marks}) AND p.deleted_at IS NULL",
            [match, CANDIDATES, *readable])
        return _rank(cursor.fetchall(), words, limit)


# With filters on SQLite the time stays bounded whatever the data: a broad filter looks at the
# newest word matches only, a narrow one checks its own newest posts against the words.
SCAN_MATCHES = 10_000
SCAN_FILTERED = 1_000
ROW = "p.id, p.topic_id, t.title, p.is_opening, p.body"


def _filtered_sqlite(cursor, match: str, readable: list[int], filters: Filters) -> list:
    where, params = filters.sql()
    marks = ",".join("%s" for _ in readable)
    scope = f"t.community_id IN ({marks}) AND p.deleted_at IS NULL{where}"
    if filters.is_narrow:
        # An author's or a tag's newest posts (by their indexes), each a seek in FTS5.
        cursor.execute(
            f"SELECT {ROW} FROM (SELECT p.id AS id FROM conversations_post p "  # noqa: S608
            f"JOIN conversations_topic t ON t.id = p.topic_id WHERE {scope} "
            "ORDER BY p.id DESC LIMIT %s) filtered "
            "CROSS JOIN conversations_post_fts ON conversations_post_fts.rowid = filtered.id "
            "JOIN conversations_post p ON p.id = filtered.id "
            "JOIN conversations_topic t ON t.id = p.topic_id "
            "WHERE conversations_post_fts MATCH %s LIMIT %s",
            [*readable, *params, SCAN_FILTERED, match, CANDIDATES])
        return cursor.fetchall()
    # A kind, answered or not: FTS5 stays the outer loop (CROSS JOIN), newest first, until
    # enough candidates pass or the bound is reached.
    cursor.execute(
        f"SELECT {ROW} FROM conversations_post_fts "  # noqa: S608 - fixed clauses
        "CROSS JOIN conversations_post p ON p.id = conversations_post_fts.rowid "
        "JOIN conversations_topic t ON t.id = p.topic_id "
        f"WHERE conversations_post_fts MATCH %s AND conversations_post_fts.rowid >= %s "
        f"AND {scope} ORDER BY conversations_post_fts.rowid DESC LIMIT %s",
        [match, _nth_newest_match(cursor, match, SCAN_MATCHES), *readable, *params,
         CANDIDATES])
    return cursor.fetchall()


def _nth_newest_match(cursor, match: str, n: int) -> int:
    """The rowid of the n-th newest match, or 0 when there are fewer (no bound needed)."""
    cursor.execute("SELECT rowid FROM conversations_post_fts WHERE conversations_post_fts "
                   "MATCH %s ORDER BY rowid DESC LIMIT 1 OFFSET %s", [match, n - 1])
    found = cursor.fetchone()
    return found[0] if found else 0


def _rank(rows, words, limit, *, posts: bool = True):
    """Title matches first, then text matches, newest first among equals; with snippets.
    Posts' snippets come from their rendered text; library documents' bodies are text."""
    stems = [word.lower()[:5] for word in words]
    scored = sorted(rows, key=lambda row: (-_score(row, stems), -row[0]))[:limit]
    readable = (_readable([row[0] for row in scored]) if posts
                else {row[0]: row[4] for row in scored})
    return [(pk, topic_id, _snippet(
        f"{title} — {readable.get(pk, '')}" if opening else readable.get(pk, ""), stems))
        for pk, topic_id, title, opening, _body in scored]


def _readable(post_ids) -> dict[int, str]:
    """What a reader sees of each post, from its stored HTML: no Markdown marks (**, #,
    links' addresses) in snippets, and no rendering per hit (one query)."""
    return {pk: plain_text(html).replace("\n", " ")
            for pk, html in Post.objects.filter(pk__in=post_ids).values_list("pk", "body_html")}


def _score(row, stems) -> int:
    _pk, _topic, title, opening, body = row
    title, body = (title.lower() if opening else ""), body.lower()
    return sum(2 * (stem in title) + (stem in body) for stem in stems)


def _snippet(text: str, stems) -> str:
    """A window of words around the first match, each matching word between markers."""
    words = text.split()
    hits = [i for i, word in enumerate(words) if any(s in word.lower() for s in stems)]
    first = max(0, (hits[0] if hits else 0) - SNIPPET_WORDS // 3)
    window = words[first : first + SNIPPET_WORDS]
    marked = [f"{START}{w}{STOP}" if any(s in w.lower() for s in stems) else w for w in window]
    return ("…" if first else "") + " ".join(marked) + ("…" if first + SNIPPET_WORDS < len(words)
                                                      else "")


def _highlight(snippet: str) -> SafeString:
    safe = escape(snippet or "").replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(safe)  # noqa: S308 - everything but our markers was escaped


# --- the practice library: methods, stories, resources, formats ----------------------------

DOCUMENT_KINDS = {"method": _("Method"), "story": _("Story of use"),
                  "resource": _("Resource"), "format": _("Learning format"),
                  "adaptation": _("Learning format"),
                  "value_story": _("Value-creation story")}


# Kinds whose titles read differently in the reader's language (the built-in learning formats:
# formats/apps.py): kind -> function(title, url) giving the title to show.
DOCUMENT_TITLES: dict[str, Callable[[str, str], str]] = {}


@dataclass(frozen=True)
class DocumentHit:
    kind: str
    object_id: int
    title: str
    url: str
    snippet: SafeString


def index_document(kind: str, object_id: int, *, title: str, body: str, url: str,
                   community_ids=(), public: bool = False, language: str = "") -> None:
    """(Re)index one thing: a row per community it belongs to, or one row for everyone,
    stemmed by the rules of its `language`. Call inside the transaction that wrote it."""
    remove_document(kind, object_id)
    scopes = [None] if public else list(dict.fromkeys(community_ids))
    created = SearchDocument.objects.bulk_create([
        SearchDocument(kind=kind, object_id=object_id, community_id=scope, title=title[:300],
                       body=body, url=url) for scope in scopes])
    ids = [doc.pk for doc in created if doc.pk] or list(
        SearchDocument.objects.filter(kind=kind, object_id=object_id).values_list("pk",
                                                                                  flat=True))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE core_searchdocument SET search_vector = "
                "setweight(to_tsvector(%s::regconfig, title), 'A') || "
                "setweight(to_tsvector(%s::regconfig, body), 'B') WHERE id = ANY(%s)",
                [*[content_languages.search_config(language)] * 2, ids])
        else:
            marks = ",".join("%s" for _ in ids)
            cursor.execute(
                "INSERT INTO core_searchdocument_fts(rowid, title, body) "  # noqa: S608
                f"SELECT id, title, body FROM core_searchdocument WHERE id IN ({marks})", ids)


def remove_document(kind: str, object_id: int) -> None:
    ids = list(SearchDocument.objects.filter(kind=kind, object_id=object_id)
               .values_list("pk", flat=True))
    if not ids:
        return
    if connection.vendor != "postgresql":
        marks = ",".join("%s" for _ in ids)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM core_searchdocument_fts WHERE rowid IN ({marks})",  # noqa: S608
                           ids)
    SearchDocument.objects.filter(pk__in=ids).delete()


def search_documents(user, text: str, *, community_id: int | None = None, kind: str = "",
                     limit: int = 20) -> list[DocumentHit]:
    """Library things matching `text` that the user may read, best first, one hit each."""
    readable = _readable_community_ids(user)
    if community_id is not None:
        readable = [cid for cid in readable if cid == community_id]
    words = WORD.findall(text or "")[:12]
    if not words:
        return []
    rows = (_documents_postgres if connection.vendor == "postgresql" else _documents_sqlite)(
        text, words, readable, kind, everyone=community_id is None)
    # One hit per thing, whichever community's row matched.
    unique = {}
    for row in rows:
        unique.setdefault((row[1], row[2]), row)
    ranked = _rank([(pk, (kind_, oid, url), title, True, body)
                    for pk, kind_, oid, title, body, url in unique.values()], words, limit,
                   posts=False)
    titles = {row[0]: row[3] for row in unique.values()}
    return [DocumentHit(kind_, oid, _shown_title(kind_, titles[pk], url), url,
                        _highlight(snippet))
            for pk, (kind_, oid, url), snippet in ranked]


def _shown_title(kind: str, title: str, url: str) -> str:
    translate = DOCUMENT_TITLES.get(kind)
    return translate(title, url) if translate else title


def _document_scope(readable, kind, everyone) -> tuple[str, list]:
    """Which rows of `d` (core_searchdocument) the reader may see, and of which kind."""
    if connection.vendor == "postgresql":
        scope, params = "(d.community_id = ANY(%s)", [list(readable)]
    else:
        marks = ",".join("%s" for _ in readable) or "NULL"
        scope, params = f"(d.community_id IN ({marks})", list(readable)
    scope += " OR d.community_id IS NULL)" if everyone else ")"
    if kind:
        scope += " AND d.kind = %s"
        params.append(kind)
    return scope, params


def _documents_postgres(text, words, readable, kind, everyone):
    scope, params = _document_scope(readable, kind, everyone)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.id, d.kind, d.object_id, d.title, d.body, d.url "  # noqa: S608
            "FROM core_searchdocument d "
            f"WHERE d.search_vector @@ {TSQUERY} AND {scope} LIMIT %s",
            [*[text] * TSQUERY_TEXTS, *params, CANDIDATES])
        return cursor.fetchall()


def _documents_sqlite(text, words, readable, kind, everyone):
    scope, params = _document_scope(readable, kind, everyone)
    match = " ".join(f'"{word}"' for word in words)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.id, d.kind, d.object_id, d.title, d.body, d.url "  # noqa: S608
            "FROM core_searchdocument_fts f CROSS JOIN core_searchdocument d ON d.id = f.rowid "
            f"WHERE core_searchdocument_fts MATCH %s AND {scope} "
            "ORDER BY f.rowid DESC LIMIT %s",
            [match, *params, CANDIDATES])
        return cursor.fetchall()


def forget_when_deleted(model, kind: str) -> None:
    """Deleting a thing by any path (a cascade, the admin) also takes it out of the search."""
    from django.db.models.signals import post_delete

    def forget(sender, instance, **kwargs):
        remove_document(kind, instance.pk)

    post_delete.connect(forget, sender=model, weak=False,
                        dispatch_uid=f"search-forget-{kind}")
