"""Importing a Stack Exchange dump into a community, as one action in one transaction.

Users become inactive placeholder accounts a person can claim later; questions become question
topics, answers replies, comments replies pointing to what they comment on. Original times are
kept on posts and on the Activity rows. Everything carries a reference to its source, so running
the import again adds only what is new.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from markdownify import markdownify

from cultivate import policy
from cultivate.activity.actions import Verb
from cultivate.communities.models import Community
from cultivate.conversations import stackexchange as se
from cultivate.conversations.import_base import BaseReport, ImportRun, Progress, no_progress
from cultivate.conversations.models import Topic, TopicKind
from cultivate.core.errors import ActionError
from cultivate.core.models import tags_from_names
from cultivate.policy import Can


@dataclass
class ImportReport(BaseReport):
    questions: int = 0
    answers: int = 0
    comments: int = 0
    accepted: int = 0


@transaction.atomic
def do_import_stackexchange(*, actor, community: Community, directory: Path, site: str,
                            progress: Progress = no_progress) -> ImportReport:
    policy.check(policy.standing_of(actor, community), Can.EDIT, community)
    if missing := se.check_dump(directory):
        raise ActionError(_("The dump lacks %(files)s.") % {"files": ", ".join(missing)},
                          code="incomplete_dump")
    run = _Import(community, site, progress)
    run.import_people(directory)
    run.import_posts(directory)
    run.import_comments(directory)
    run.settle_accepted_answers()
    run.finish(actor, attribution=_(
        "Questions, answers and comments imported from %(site)s, by its contributors, "
        "under CC BY-SA.") % {"site": site}, summary={
        "questions": run.report.questions, "answers": run.report.answers,
        "comments": run.report.comments})
    return run.report


class _Import(ImportRun):
    def __init__(self, community: Community, site: str, progress: Progress):
        super().__init__(community, f"stackexchange:{site}", ImportReport(), progress)
        self.site = site
        self.accepted: dict[str, str] = {}  # question post ref -> accepted answer ref

    # --- people -------------------------------------------------------------------------

    def import_people(self, directory: Path) -> None:
        self.placeholders({f"{self.prefix}:user:{u.id}": (u.display_name, u.location,
                                                           u.created_at)
                           for u in se.read_users(directory)})

    def username_for(self, ref: str) -> str:
        return "se-" + ref.removeprefix("stackexchange:").replace(":user:", "-").replace(
            ":name:", "-n-").replace(":", "-")[:140]

    def _author(self, user_id: str | None, name: str):
        if user_id:
            return self.person(f"{self.prefix}:user:{user_id}")
        if name:
            ref = f"{self.prefix}:name:{name[:60]}"
            self.placeholders({ref: (name, "", self.community.created_at)})
            return self.person(ref)
        return None

    # --- questions and answers ----------------------------------------------------------

    def import_posts(self, directory: Path) -> None:
        self.load_existing()
        questions, answers = [], []
        for post in se.read_posts(directory):
            (questions if post.kind == se.QUESTION else answers).append(post)
        for question in self.progress(questions, _("Questions")):
            self._question(question)
        for answer in self.progress(answers, _("Answers")):
            self._answer(answer)

    def _ref(self, kind: str, source_id: str) -> str:
        return f"{self.prefix}:{kind}:{source_id}"

    def _question(self, question: se.SEPost) -> None:
        ref = self._ref("post", question.id)
        if question.accepted_answer_id:
            self.accepted[ref] = self._ref("post", question.accepted_answer_id)
        if self.has(ref):
            return
        author = self._author(question.owner_id, question.owner_name)
        topic = Topic.objects.create(
            community=self.community, kind=TopicKind.QUESTION, author=author,
            title=(question.title or _("(untitled)"))[:200], created_at=question.created_at,
            last_posted_at=question.created_at)
        if question.tags:
            topic.tags.set(tags_from_names(question.tags))
        opening = self.post(topic, author, _html_to_markdown(question.body_html), ref,
                            question.created_at, is_opening=True)
        self.report.questions += 1
        self.note(author, Verb.QUESTION_ASKED, topic, question.created_at,
                  {"post": opening.pk, "kind": TopicKind.QUESTION})

    def _answer(self, answer: se.SEPost) -> None:
        ref = self._ref("post", answer.id)
        question = self.existing(self._ref("post", answer.parent_id or ""))
        if self.has(ref) or question is None:
            return
        author = self._author(answer.owner_id, answer.owner_name)
        post = self.post(question.topic, author, _html_to_markdown(answer.body_html), ref,
                         answer.created_at)
        self.report.answers += 1
        self.note(author, Verb.ANSWER_POSTED, post, answer.created_at,
                  {"post": post.pk, "topic_author": question.topic.author_id,
                   "topic": question.topic_id})

    # --- comments -----------------------------------------------------------------------

    def import_comments(self, directory: Path) -> None:
        for comment in self.progress(list(se.read_comments(directory)), _("Comments")):
            ref = self._ref("comment", comment.id)
            target = self.existing(self._ref("post", comment.post_id))
            if self.has(ref) or target is None:
                continue
            author = self._author(comment.user_id, comment.user_name)
            post = self.post(target.topic, author, comment.text, ref, comment.created_at,
                             reply_to=target)
            self.report.comments += 1
            self.note(author, Verb.POST_REPLIED, post, comment.created_at,
                      {"post": post.pk, "reply_to_author": target.author_id,
                       "topic": target.topic_id, "comment": True})

    # --- accepted answers ---------------------------------------------------------------

    def settle_accepted_answers(self) -> None:
        for question_ref, answer_ref in self.accepted.items():
            question, answer = self.existing(question_ref), self.existing(answer_ref)
            if question is None or answer is None:
                continue
            topic = question.topic
            if topic.accepted_answer_id != answer.pk:
                # The dump does not say when an answer was accepted: the answer's time stands in.
                topic.accepted_answer, topic.answered_at = answer, answer.created_at
                topic.save(update_fields=["accepted_answer", "answered_at"])
                self.report.accepted += 1
                self.note(topic.author, Verb.ANSWER_ACCEPTED, answer, answer.created_at,
                          {"topic": topic.pk, "answer_author": answer.author_id,
                           "time_approximate": True})


def _html_to_markdown(html: str) -> str:
    # Bodies in the dump are HTML; we keep Markdown as the source and sanitise on render.
    return markdownify(html, heading_style="ATX").strip() or "…"
