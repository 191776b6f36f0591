"""What every importer of a community's history shares (Stack Exchange, mail archives,
Discourse): placeholder accounts a person can claim later, posts that keep their original
time and a reference to their source (so running an import again adds only what is new),
Activity rows at the original times, memberships for contributors, and the finishing touches
(topic counters, the search index, the community's attribution).

An importer subclasses `ImportRun`, calls `placeholders`, `post` and `note` while it reads its
source, and `finish` at the end, all inside one transaction.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Count, Max, Q

from cultivate.activity.actions import Verb, record_activities
from cultivate.communities.models import Community, Membership, Role
from cultivate.conversations import search
from cultivate.conversations.mentions import link_mentions, mentioned_names
from cultivate.conversations.models import MAX_BODY, Post, Topic
from cultivate.core.markdown import render_markdown
from cultivate.people.models import User

Progress = Callable[[Iterable, str], Iterable]
REF_LENGTH = 120  # Post.import_ref and User.placeholder_ref


def no_progress(items: Iterable, _label: str) -> Iterable:
    return items


def short_ref(ref: str) -> str:
    """A reference that fits the database column: long ones (mail Message-IDs) are hashed."""
    if len(ref) <= REF_LENGTH:
        return ref
    return ref[:REF_LENGTH - 41] + "#" + hashlib.sha1(ref.encode()).hexdigest()  # noqa: S324


def render_bodies(posts: list[Post]) -> None:
    """Set body_html as Post.save does (models.render_with_mentions), with one query for the
    @names of all these posts instead of one per post. A body_html already set must be
    render_markdown's output for the body (an importer may render in other processes)."""
    names = {id(post): mentioned_names(post.body) for post in posts}
    wanted = {name for found in names.values() for name in found}
    existing = set(User.objects.filter(username__in=wanted, is_active=True)
                   .values_list("username", flat=True)) if wanted else set()
    for post in posts:
        html = post.body_html or render_markdown(post.body)
        post.body_html = link_mentions(html, existing) if names[id(post)] else html


def _insert_indexed(posts: list[Post]) -> list[Post]:
    """bulk_create's INSERT (PostgreSQL, one statement: the columns as arrays) with each post's
    search vector computed in it, as index_posts computes it: one write per row, not two."""
    fields = [field for field in Post._meta.concrete_fields
              if not field.primary_key and field.name != "search_vector"]
    columns = [field.column for field in fields]
    arrays = [[field.get_db_prep_save(field.pre_save(post, True), connection) for post in posts]
              for field in fields]
    arrays.append([post.topic.title for post in posts])
    types = [field.db_type(connection).split("(")[0] for field in fields] + ["text"]
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    unnest = ", ".join(f"(%s)::{db_type}[]" for db_type in types)
    vector = search.vector_sql("v", "v.topic_title_")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO conversations_post ({names}, search_vector) "  # noqa: S608 - our names
            f"SELECT {', '.join(f'v.{connection.ops.quote_name(c)}' for c in columns)}, "
            f"{vector} FROM UNNEST({unnest}) AS v({names}, topic_title_) RETURNING id", arrays)
        ids = [row[0] for row in cursor.fetchall()]
    for post, pk in zip(posts, ids, strict=True):
        post.pk = pk
        post._state.adding, post._state.db = False, connection.alias
    return posts


@dataclass
class BaseReport:
    people: int = 0
    members: int = 0
    activity: list[dict] = field(default_factory=list, repr=False)
    absent: list[str] = field(default_factory=list)  # what the source lacked, said plainly

    def counts(self) -> dict[str, int]:
        return {name: value for name, value in vars(self).items() if isinstance(value, int)}

    @property
    def changed(self) -> bool:
        return any(self.counts().values())


class ImportRun:
    """One import of one source into one community."""

    def __init__(self, community: Community, prefix: str, report: BaseReport,
                 progress: Progress = no_progress):
        self.community, self.prefix, self.report, self.progress = (
            community, prefix, report, progress)
        self.users: dict[str, User] = {}  # placeholder ref -> user (who claimed it, if claimed)
        self.posts: dict[str, Post] = {}  # post ref -> post
        self.contributors: dict[int, User] = {}
        self.new_posts: list[Post] = []
        self.indexed: set[int] = set()  # new posts whose search vector was written with them

    # --- people -------------------------------------------------------------------------

    def placeholders(self, wanted: dict) -> None:
        """Make sure an account stands for each {ref: (name, location, joined)}."""
        wanted = {short_ref(ref): value for ref, value in wanted.items()}
        missing = [ref for ref in wanted if ref not in self.users]
        if not missing:
            return
        existing = User.objects.filter(placeholder_ref__in=missing).select_related(
            "merged_into")
        # A claimed placeholder stands for the person who claimed it: new content goes to them.
        self.users.update({user.placeholder_ref: user.merged_into or user for user in existing})
        unusable = make_password(None)  # one hash for all: none of them can sign in
        new = [
            User(username=self.username_for(ref), placeholder_ref=ref, is_active=False,
                 password=unusable, display_name=(name or "?")[:80],
                 location=(location or "")[:120], date_joined=joined)
            for ref, (name, location, joined) in wanted.items() if ref not in self.users
        ]
        for user in User.objects.bulk_create(new, batch_size=500):
            self.users[user.placeholder_ref] = user
        self.report.people += len(new)

    def person(self, ref: str) -> User | None:
        return self.users.get(short_ref(ref))

    def username_for(self, ref: str) -> str:
        """Unique and stable for a ref; importers may override with a readable one."""
        digest = hashlib.sha1(ref.encode()).hexdigest()[:12]  # noqa: S324 - a name, not a secret
        return f"imported-{digest}"

    # --- posts --------------------------------------------------------------------------

    def load_existing(self) -> None:
        """The posts an earlier run of this import made, so they are not made twice."""
        refs = Post.objects.filter(topic__community=self.community,
                                   import_ref__startswith=self.prefix + ":")
        self.posts.update({p.import_ref: p for p in refs.select_related("topic")})

    def has(self, ref: str) -> bool:
        return short_ref(ref) in self.posts

    def existing(self, ref: str) -> Post | None:
        return self.posts.get(short_ref(ref))

    def post(self, topic: Topic, author, body: str, ref: str, created_at, *,
             is_opening=False, reply_to=None, language: str = "") -> Post:
        ref = short_ref(ref)
        post = Post.objects.create(topic=topic, author=author, body=body[:50_000] or "…",
                                   import_ref=ref, created_at=created_at,
                                   is_opening=is_opening, reply_to=reply_to,
                                   language=language or self.community.main_language)
        self.remember(post, author)
        return post

    def bulk_posts(self, posts: list[Post], batch_size: int = 1000, *,
                   final: bool = False) -> list[Post]:
        """Create many posts in one go: what Post.save renders is rendered here (mentions looked
        up once), related posts (reply_to) must already be saved. Each is remembered.
        `final`: neither these posts nor their topics' titles change before `finish`, so on
        PostgreSQL their search vectors are written with them, not updated there."""
        for post in posts:
            if len(post.body) > MAX_BODY or not post.body:
                post.body, post.body_html = post.body[:MAX_BODY] or "…", ""
            post.language = post.language or self.community.main_language
        render_bodies(posts)
        if final and connection.vendor == "postgresql":
            created = _insert_indexed(posts)
            self.indexed.update(post.pk for post in created)
        else:
            created = Post.objects.bulk_create(posts, batch_size=batch_size)
        for post in created:
            self.remember(post, post.author)
        return created

    def remember(self, post: Post, author) -> None:
        """Keep a post made here (also by bulk creation) for counters, index and members."""
        self.posts[post.import_ref] = post
        self.new_posts.append(post)
        if author is not None:
            self.contributors[author.pk] = author

    def note(self, actor, verb: str, target, occurred_at, payload: dict) -> None:
        """An Activity row at the original time, written in bulk by `finish`."""
        self.report.activity.append({"actor": actor, "verb": verb, "community": self.community,
                                     "target": target, "occurred_at": occurred_at,
                                     "payload": {**payload, "imported": True}})

    # --- the end ------------------------------------------------------------------------

    def add_members(self) -> None:
        present = set(Membership.objects.filter(
            community=self.community, user__in=list(self.contributors))
            .values_list("user_id", flat=True))
        new = [Membership(community=self.community, user=user, role=Role.MEMBER,
                          joined_at=user.date_joined)
               for user_id, user in self.contributors.items() if user_id not in present]
        created = Membership.objects.bulk_create(new, batch_size=500)
        for membership in created:
            self.note(membership.user, Verb.MEMBER_JOINED, membership, membership.joined_at,
                      {"role": Role.MEMBER, "how": "import"})
        self.report.members += len(created)

    def finish(self, actor, *, attribution: str = "", summary: dict | None = None) -> None:
        """Members, counters, search index, attribution and the Activity rows, in that order."""
        self.add_members()
        self.refresh_topic_counters()
        search.index_posts([post.pk for post in self.new_posts if post.pk not in self.indexed])
        community = Community.objects.select_for_update().get(pk=self.community.pk)
        community.member_count = community.memberships.count()
        fields = ["member_count"]
        if attribution:
            community.attribution = attribution
            fields.append("attribution")
        community.save(update_fields=fields)
        if self.report.changed:
            self.report.activity.append({
                "actor": actor, "verb": Verb.IMPORT_COMPLETED, "community": self.community,
                "target": community,
                "payload": {"source": self.prefix, **(summary or self.report.counts())}})
        record_activities(self.report.activity)

    def refresh_topic_counters(self) -> None:
        touched = {post.topic_id for post in self.new_posts}
        replies = Q(posts__is_opening=False)
        rows = (Topic.objects.filter(pk__in=touched)
                .annotate(n=Count("posts", filter=replies),
                          latest=Max("posts__created_at", filter=replies))
                .values_list("pk", "n", "latest", "created_at"))
        for pk, count, latest, created_at in rows:
            Topic.objects.filter(pk=pk).update(reply_count=count,
                                               last_posted_at=latest or created_at)


def recompute_figures_after_import(community_ids) -> None:
    """Levels, dashboards and the network read the imported history (as of its last day when
    that is all a community holds) without waiting for the hourly job. Called by whoever ran
    the import once it committed, not inside it: a large landscape's recomputation is not part
    of the import's transaction."""
    from cultivate.insights.tasks import enqueue_recompute  # insights stands above us

    ids = sorted({pk for pk in community_ids if pk})
    if ids:
        enqueue_recompute(ids)
