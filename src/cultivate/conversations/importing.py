"""Importing a Stack Exchange dump into a community, as one action in one transaction.

Users become inactive placeholder accounts a person can claim later; questions become question
topics, answers replies, comments replies pointing to what they comment on. Original times are
kept on posts and on the Activity rows. Everything carries a reference to its source, so running
the import again adds only what is new.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _
from markdownify import markdownify

from cultivate import policy
from cultivate.activity.actions import Verb, record_activities
from cultivate.communities.models import Community, Membership, Role
from cultivate.conversations import search
from cultivate.conversations import stackexchange as se
from cultivate.conversations.models import Post, Topic, TopicKind
from cultivate.core.errors import ActionError
from cultivate.core.models import tags_from_names
from cultivate.people.models import User
from cultivate.policy import Can

Progress = Callable[[Iterable, str], Iterable]


def _no_progress(items: Iterable, _label: str) -> Iterable:
    return items


@dataclass
class ImportReport:
    people: int = 0
    questions: int = 0
    answers: int = 0
    comments: int = 0
    accepted: int = 0
    members: int = 0
    activity: list[dict] = field(default_factory=list, repr=False)

    @property
    def changed(self) -> bool:
        return any((self.people, self.questions, self.answers, self.comments, self.accepted,
                    self.members))


@transaction.atomic
def do_import_stackexchange(*, actor, community: Community, directory: Path, site: str,
                            progress: Progress = _no_progress) -> ImportReport:
    policy.check(policy.standing_of(actor, community), Can.EDIT, community)
    if missing := se.check_dump(directory):
        raise ActionError(_("The dump lacks %(files)s.") % {"files": ", ".join(missing)},
                          code="incomplete_dump")
    run = _Import(community, site, progress)
    run.import_people(directory)
    run.import_posts(directory)
    run.import_comments(directory)
    run.settle_accepted_answers()
    run.add_members()
    run.finish(actor)
    return run.report


class _Import:
    def __init__(self, community: Community, site: str, progress: Progress):
        self.community, self.site, self.progress = community, site, progress
        self.prefix = f"stackexchange:{site}"
        self.report = ImportReport()
        self.users: dict[str, User] = {}  # placeholder ref -> user
        self.posts: dict[str, Post] = {}  # post ref -> post (opening posts for questions)
        self.accepted: dict[str, str] = {}  # question post ref -> accepted answer ref
        self.contributors: dict[int, User] = {}
        self.new_posts: list[Post] = []

    # --- people -------------------------------------------------------------------------

    def import_people(self, directory: Path) -> None:
        wanted = {f"{self.prefix}:user:{u.id}": u for u in se.read_users(directory)}
        self._placeholders({ref: (u.display_name, u.location, u.created_at)
                            for ref, u in wanted.items()})

    def _placeholders(self, wanted: dict) -> None:
        existing = User.objects.filter(placeholder_ref__in=list(wanted)).select_related(
            "merged_into")
        # A claimed placeholder stands for the person who claimed it: new content goes to them.
        self.users.update({user.placeholder_ref: user.merged_into or user for user in existing})
        unusable = make_password(None)  # one hash for all: none of them can sign in
        new = [
            User(username=self._username(ref), placeholder_ref=ref, is_active=False,
                 password=unusable, display_name=name[:80], location=location[:120],
                 date_joined=joined)
            for ref, (name, location, joined) in wanted.items() if ref not in self.users
        ]
        for user in User.objects.bulk_create(new, batch_size=500):
            self.users[user.placeholder_ref] = user
        self.report.people += len(new)

    def _username(self, ref: str) -> str:
        return "se-" + ref.removeprefix("stackexchange:").replace(":user:", "-").replace(
            ":name:", "-n-").replace(":", "-")[:140]

    def _author(self, user_id: str | None, name: str) -> User | None:
        if user_id:
            return self.users.get(f"{self.prefix}:user:{user_id}")
        if name:
            ref = f"{self.prefix}:name:{name[:60]}"
            if ref not in self.users:
                self._placeholders({ref: (name, "", self.community.created_at)})
            return self.users[ref]
        return None

    # --- questions and answers ----------------------------------------------------------

    def import_posts(self, directory: Path) -> None:
        self._load_existing()
        questions, answers = [], []
        for post in se.read_posts(directory):
            (questions if post.kind == se.QUESTION else answers).append(post)
        for question in self.progress(questions, _("Questions")):
            self._question(question)
        for answer in self.progress(answers, _("Answers")):
            self._answer(answer)

    def _load_existing(self) -> None:
        refs = Post.objects.filter(topic__community=self.community,
                                   import_ref__startswith=self.prefix + ":")
        self.posts.update({p.import_ref: p for p in refs.select_related("topic")})

    def _ref(self, kind: str, source_id: str) -> str:
        return f"{self.prefix}:{kind}:{source_id}"

    def _question(self, question: se.SEPost) -> None:
        ref = self._ref("post", question.id)
        if question.accepted_answer_id:
            self.accepted[ref] = self._ref("post", question.accepted_answer_id)
        if ref in self.posts:
            return
        author = self._author(question.owner_id, question.owner_name)
        topic = Topic.objects.create(
            community=self.community, kind=TopicKind.QUESTION, author=author,
            title=(question.title or _("(untitled)"))[:200], created_at=question.created_at,
            last_posted_at=question.created_at)
        if question.tags:
            topic.tags.set(tags_from_names(question.tags))
        opening = self._post(topic, author, _html_to_markdown(question.body_html), ref,
                             question.created_at, is_opening=True)
        self.report.questions += 1
        self._note(author, Verb.QUESTION_ASKED, topic, question.created_at,
                   {"post": opening.pk, "kind": TopicKind.QUESTION, "imported": True})

    def _answer(self, answer: se.SEPost) -> None:
        ref = self._ref("post", answer.id)
        question = self.posts.get(self._ref("post", answer.parent_id or ""))
        if ref in self.posts or question is None:
            return
        author = self._author(answer.owner_id, answer.owner_name)
        post = self._post(question.topic, author, _html_to_markdown(answer.body_html), ref,
                          answer.created_at)
        self.report.answers += 1
        self._note(author, Verb.ANSWER_POSTED, post, answer.created_at,
                   {"post": post.pk, "topic_author": question.topic.author_id,
                    "topic": question.topic_id, "imported": True})

    # --- comments -----------------------------------------------------------------------

    def import_comments(self, directory: Path) -> None:
        for comment in self.progress(list(se.read_comments(directory)), _("Comments")):
            ref = self._ref("comment", comment.id)
            target = self.posts.get(self._ref("post", comment.post_id))
            if ref in self.posts or target is None:
                continue
            author = self._author(comment.user_id, comment.user_name)
            post = self._post(target.topic, author, comment.text, ref, comment.created_at,
                              reply_to=target)
            self.report.comments += 1
            self._note(author, Verb.POST_REPLIED, post, comment.created_at,
                       {"post": post.pk, "reply_to_author": target.author_id,
                        "topic": target.topic_id, "comment": True, "imported": True})

    # --- accepted answers, topic counters, members --------------------------------------

    def settle_accepted_answers(self) -> None:
        for question_ref, answer_ref in self.accepted.items():
            question, answer = self.posts.get(question_ref), self.posts.get(answer_ref)
            if question is None or answer is None:
                continue
            topic = question.topic
            if topic.accepted_answer_id != answer.pk:
                # The dump does not say when an answer was accepted: the answer's time stands in.
                topic.accepted_answer, topic.answered_at = answer, answer.created_at
                topic.save(update_fields=["accepted_answer", "answered_at"])
                self.report.accepted += 1
                self._note(topic.author, Verb.ANSWER_ACCEPTED, answer, answer.created_at,
                           {"topic": topic.pk, "answer_author": answer.author_id,
                            "imported": True, "time_approximate": True})

    def add_members(self) -> None:
        present = set(Membership.objects.filter(
            community=self.community, user__in=list(self.contributors.values()))
            .values_list("user_id", flat=True))
        new = [Membership(community=self.community, user=user, role=Role.MEMBER,
                          joined_at=user.date_joined)
               for user_id, user in self.contributors.items() if user_id not in present]
        created = Membership.objects.bulk_create(new, batch_size=500)
        for membership in created:
            self._note(membership.user, Verb.MEMBER_JOINED, membership, membership.joined_at,
                       {"role": Role.MEMBER, "how": "import"})
        self.report.members = len(created)

    def finish(self, actor) -> None:
        self._refresh_topic_counters()
        search.index_posts([post.pk for post in self.new_posts])
        community = Community.objects.select_for_update().get(pk=self.community.pk)
        community.member_count = community.memberships.count()
        community.attribution = _(
            "Questions, answers and comments imported from %(site)s, by its contributors, "
            "under CC BY-SA.") % {"site": self.site}
        community.save(update_fields=["member_count", "attribution"])
        if self.report.changed:
            self.report.activity.append({
                "actor": actor, "verb": Verb.IMPORT_COMPLETED, "community": self.community,
                "target": community, "payload": {
                    "source": self.prefix, "questions": self.report.questions,
                    "answers": self.report.answers, "comments": self.report.comments}})
        record_activities(self.report.activity)

    def _refresh_topic_counters(self) -> None:
        touched = {post.topic_id for post in self.posts.values()}
        for topic in Topic.objects.filter(pk__in=touched):
            replies = topic.posts.filter(is_opening=False)
            count = replies.count()
            latest = replies.order_by("-created_at").values_list("created_at", flat=True).first()
            Topic.objects.filter(pk=topic.pk).update(
                reply_count=count, last_posted_at=latest or topic.created_at)

    # --- shared -------------------------------------------------------------------------

    def _post(self, topic, author, body: str, ref: str, created_at, *, is_opening=False,
              reply_to=None) -> Post:
        post = Post.objects.create(topic=topic, author=author, body=body[:50_000], import_ref=ref,
                                   created_at=created_at, is_opening=is_opening,
                                   reply_to=reply_to)
        self.posts[ref] = post
        self.new_posts.append(post)
        if author is not None:
            self.contributors[author.pk] = author
        return post

    def _note(self, actor, verb: str, target, occurred_at, payload: dict) -> None:
        self.report.activity.append({"actor": actor, "verb": verb, "community": self.community,
                                     "target": target, "occurred_at": occurred_at,
                                     "payload": payload})


def _html_to_markdown(html: str) -> str:
    # Bodies in the dump are HTML; we keep Markdown as the source and sanitise on render.
    return markdownify(html, heading_style="ATX").strip() or "…"

