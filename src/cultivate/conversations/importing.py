"""Importing a Stack Exchange dump into a community, as one action in one transaction.

Users become inactive placeholder accounts a person can claim later; questions become question
topics, answers replies, comments replies pointing to what they comment on; up-votes become
helpful counts and earlier texts revisions. Original times are kept on posts and on the
Activity rows. Everything carries a reference to its source, so running the import again adds
only what is new. Dumps as they really come: only Posts.xml is required; what is missing or
unreadable is imported around and said in the report's `absent`.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from markdown_it import MarkdownIt
from markdownify import markdownify

from cultivate import policy
from cultivate.activity.actions import Verb
from cultivate.communities.models import Community
from cultivate.conversations import stackexchange as se
from cultivate.conversations.import_base import BaseReport, ImportRun, Progress, no_progress
from cultivate.conversations.models import Post, PostRevision, Topic, TopicKind
from cultivate.core.errors import ActionError
from cultivate.core.models import tags_from_names
from cultivate.policy import Can

# Texts in PostHistory.xml are the authors' Markdown, bodies in Posts.xml HTML: both go through
# HTML to markdownify, so an earlier version and the current text differ only where they do.
_history_markdown = MarkdownIt("commonmark", {"html": True}).enable("table")


@dataclass
class ImportReport(BaseReport):
    questions: int = 0
    answers: int = 0
    comments: int = 0
    accepted: int = 0
    revisions: int = 0
    helpful: int = 0  # up-votes set on posts whose count was new or changed
    undated: int = 0  # new posts and comments without a date of their own
    skipped: Counter = field(default_factory=Counter)  # rows left out, by reason


@transaction.atomic
def do_import_stackexchange(*, actor, community: Community, directory: Path, site: str,
                            progress: Progress = no_progress) -> ImportReport:
    policy.check(policy.standing_of(actor, community), Can.EDIT, community)
    dump = se.Dump(directory)
    if not dump.has("Posts.xml"):
        raise ActionError(_("The dump lacks Posts.xml, the file with its questions and answers."),
                          code="incomplete_dump")
    run = _Import(community, site, dump, progress)
    run.read_posts()
    if not run.questions and not run.answers:
        raise ActionError(_("Posts.xml holds no question or answer that could be read."),
                          code="empty_dump")
    run.import_people()
    run.import_posts()
    run.import_comments()
    run.settle_accepted_answers()
    run.import_history()
    run.import_votes()
    run.report.absent = run.absent()
    run.finish(actor, attribution=_(
        "Questions, answers and comments imported from %(site)s, by its contributors, "
        "under CC BY-SA.") % {"site": site}, summary={
        "questions": run.report.questions, "answers": run.report.answers,
        "comments": run.report.comments, "revisions": run.report.revisions,
        "helpful": run.report.helpful})
    return run.report


class _Import(ImportRun):
    report: ImportReport

    def __init__(self, community: Community, site: str, dump: se.Dump, progress: Progress):
        super().__init__(community, f"stackexchange:{site}", ImportReport(), progress)
        self.site, self.dump = site, dump
        self.accepted: dict[str, str] = {}  # question post ref -> accepted answer ref
        self.questions: list[se.SEPost] = []
        self.answers: list[se.SEPost] = []
        self.earliest = community.created_at  # the dump's earliest time, once posts are read

    def read_posts(self) -> None:
        for post in self.dump.read_posts():
            (self.questions if post.kind == se.QUESTION else self.answers).append(post)
        self.earliest = min((p.created_at for p in (*self.questions, *self.answers)
                             if p.created_at), default=self.earliest)

    # --- people -------------------------------------------------------------------------

    def import_people(self) -> None:
        self.placeholders({self._user_ref(u.id): (u.display_name, u.location,
                                                  u.created_at or self.earliest)
                           for u in self.dump.read_users()})

    def username_for(self, ref: str) -> str:
        return "se-" + ref.removeprefix("stackexchange:").replace(":user:", "-").replace(
            ":name:", "-n-").replace(":", "-")[:140]

    def _user_ref(self, user_id: str) -> str:
        return f"{self.prefix}:user:{user_id}"

    def _author(self, user_id: str | None, name: str):
        """The placeholder of a row's author, made when Users.xml has no row for them."""
        if user_id:
            ref = self._user_ref(user_id)
            if self.person(ref) is None:  # a deleted user, or no Users.xml: Stack Exchange's
                # own way of naming them ("user123") keeps different people apart
                fallback = name or ("Community" if user_id == se.COMMUNITY_USER
                                    else f"user{user_id.lstrip('-')}")
                self.placeholders({ref: (fallback, "", self.earliest)})
        elif name:
            ref = f"{self.prefix}:name:{name[:60]}"
            self.placeholders({ref: (name, "", self.earliest)})
        else:
            ref = f"{self.prefix}:deleted"  # one for the whole site
            self.placeholders({ref: (_("deleted user"), "", self.earliest)})
        return self.person(ref)

    # --- questions and answers ----------------------------------------------------------

    def import_posts(self) -> None:
        self.load_existing()
        for question in self.progress(self.questions, _("Questions")):
            self._question(question)
        for answer in self.progress(self.answers, _("Answers")):
            self._answer(answer)

    def _ref(self, kind: str, source_id: str) -> str:
        return f"{self.prefix}:{kind}:{source_id}"

    def _when(self, created_at, fallback):
        """A row's time, or the fallback (counted) when the dump gives none."""
        if created_at is not None:
            return created_at, {}
        self.report.undated += 1
        return fallback, {"time_approximate": True}

    def _question(self, question: se.SEPost) -> None:
        ref = self._ref("post", question.id)
        if question.accepted_answer_id:
            self.accepted[ref] = self._ref("post", question.accepted_answer_id)
        if self.has(ref):
            return
        author = self._author(question.owner_id, question.owner_name)
        created_at, approximate = self._when(question.created_at, self.earliest)
        topic = Topic.objects.create(
            community=self.community, kind=TopicKind.QUESTION, author=author,
            title=(question.title or _("(untitled)"))[:200], created_at=created_at,
            last_posted_at=created_at)
        if question.tags:
            topic.tags.set(tags_from_names(question.tags))
        opening = self.post(topic, author, _html_to_markdown(question.body_html), ref,
                            created_at, is_opening=True)
        self.report.questions += 1
        self.note(author, Verb.QUESTION_ASKED, topic, created_at,
                  {"post": opening.pk, "kind": TopicKind.QUESTION, **approximate})

    def _answer(self, answer: se.SEPost) -> None:
        ref = self._ref("post", answer.id)
        if self.has(ref):
            return
        question = self.existing(self._ref("post", answer.parent_id or ""))
        if question is None:
            self.report.skipped["answer_without_question"] += 1
            return
        author = self._author(answer.owner_id, answer.owner_name)
        created_at, approximate = self._when(answer.created_at, question.created_at)
        post = self.post(question.topic, author, _html_to_markdown(answer.body_html), ref,
                         created_at)
        self.report.answers += 1
        self.note(author, Verb.ANSWER_POSTED, post, created_at,
                  {"post": post.pk, "topic_author": question.topic.author_id,
                   "topic": question.topic_id, **approximate})

    # --- comments -----------------------------------------------------------------------

    def import_comments(self) -> None:
        for comment in self.progress(list(self.dump.read_comments()), _("Comments")):
            ref = self._ref("comment", comment.id)
            if self.has(ref):
                continue
            target = self.existing(self._ref("post", comment.post_id))
            if target is None:
                self.report.skipped["comment_without_post"] += 1
                continue
            author = self._author(comment.user_id, comment.user_name)
            created_at, approximate = self._when(comment.created_at, target.created_at)
            post = self.post(target.topic, author, comment.text, ref, created_at,
                             reply_to=target)
            self.report.comments += 1
            self.note(author, Verb.POST_REPLIED, post, created_at,
                      {"post": post.pk, "reply_to_author": target.author_id,
                       "topic": target.topic_id, "comment": True, **approximate})

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

    # --- earlier versions (PostHistory.xml) ---------------------------------------------

    def import_history(self) -> None:
        """Earlier texts of posts that have no revision yet (so a re-import, or an edit made
        here since, is left alone); the current text stays what Posts.xml says."""
        if not self.dump.has("PostHistory.xml"):
            return
        events: dict[str, list[se.SEHistoryEvent]] = defaultdict(list)
        for event in self.dump.read_history():
            if self.has(self._ref("post", event.post_id)):
                events[event.post_id].append(event)
        revised = set(PostRevision.objects.filter(
            post__topic__community=self.community,
            post__import_ref__startswith=self.prefix + ":").values_list("post_id", flat=True))
        new: list[PostRevision] = []
        edited: list[Post] = []
        for source_id, rows in self.progress(list(events.items()), _("Earlier versions")):
            post = self.existing(self._ref("post", source_id))
            if post.pk in revised:
                continue
            if found := self._revisions(post, sorted(rows, key=lambda e: (e.created_at, e.id))):
                new.extend(found)
                edited.append(post)
        PostRevision.objects.bulk_create(new, batch_size=500)
        Post.objects.bulk_update(edited, ["edited_at"], batch_size=500)
        self.report.revisions += len(new)

    def _revisions(self, post: Post, rows: list[se.SEHistoryEvent]) -> list[PostRevision]:
        edits: dict[str, list[se.SEHistoryEvent]] = {}  # one edit's rows share a revision id
        for row in rows:
            edits.setdefault(row.revision, []).append(row)
        title = body = None
        revisions = []
        for edit in edits.values():
            new_title = next((e.text for e in edit if e.kind in se.TITLE_EVENTS), None)
            new_body = next((e.text for e in edit if e.kind in se.BODY_EVENTS), None)
            retitled = new_title is not None and title is not None and new_title != title
            rewritten = new_body is not None and new_body != body
            is_edit = any(e.kind not in se.INITIAL_EVENTS for e in edit)
            if is_edit and (retitled or rewritten):
                if body is None:
                    self.report.skipped["edit_without_earlier_text"] += 1
                else:
                    revisions.append(self._revision(post, edit[0], body,
                                                    title if retitled else ""))
            title = title if new_title is None else new_title
            body = body if new_body is None else new_body
        if revisions:
            post.edited_at = revisions[-1].replaced_at  # the last edit: the text of today
        return revisions

    def _revision(self, post: Post, edit: se.SEHistoryEvent, body: str,
                  title: str) -> PostRevision:
        editor = self._author(edit.user_id, edit.user_name)
        if editor is not None:
            self.contributors[editor.pk] = editor  # editing is taking part
        self.note(editor, Verb.POST_EDITED, post, edit.created_at,
                  {"post": post.pk, "topic": post.topic_id})
        return PostRevision(post=post, body=_html_to_markdown(_history_markdown.render(body)),
                            title=title[:200] if post.is_opening else "", edited_by=editor,
                            replaced_at=edit.created_at)

    # --- up-votes (Votes.xml) -----------------------------------------------------------

    def import_votes(self) -> None:
        """Each post's up-votes become its imported helpful count, set (not added), so a
        re-import changes nothing; the votes name no voter, so they write no Activity."""
        if not self.dump.has("Votes.xml"):
            return
        up_votes = self.dump.up_votes()
        prefix = self._ref("post", "")
        changed = []
        for ref, post in self.posts.items():
            if not ref.startswith(prefix):
                continue  # comments: the dump has no votes on them
            wanted = up_votes.get(ref.removeprefix(prefix), 0)
            if post.imported_helpful != wanted:
                post.imported_helpful = wanted
                changed.append(post)
                self.report.helpful += wanted
        Post.objects.bulk_update(changed, ["imported_helpful"], batch_size=500)

    # --- what the dump lacked -----------------------------------------------------------

    def absent(self) -> list[str]:
        missing = {
            "Users.xml": _("Users.xml is missing: authors became placeholder accounts named "
                           "after the name on their posts or their user number."),
            "Comments.xml": _("Comments.xml is missing: no comments were imported."),
            "Votes.xml": _("Votes.xml is missing: no helpful counts were imported."),
            "PostHistory.xml": _("PostHistory.xml is missing: no earlier versions were "
                                 "imported."),
        }
        said = [missing[name] for name in self.dump.missing() if name in missing]
        for problem in self.dump.summary():
            said.append(_problem_sentence(problem))
        skipped = self.report.skipped
        for reason, count in sorted(skipped.items()):
            said.append(_skipped_sentence(reason, count))
        if self.report.undated:
            said.append(ngettext(
                "%(count)d post or comment had no date: it was given its question's or post's "
                "date, or the dump's earliest.",
                "%(count)d posts or comments had no date: they were given their question's or "
                "post's date, or the dump's earliest.", self.report.undated)
                % {"count": self.report.undated})
        return said


def _problem_sentence(problem: se.Problem) -> str:
    if problem.kind == "empty":
        return _("%(file)s is empty.") % {"file": problem.file}
    if problem.kind == "truncated":
        return _("%(file)s is cut off: what came before the cut was imported.") % {
            "file": problem.file}
    return ngettext("%(file)s: %(count)d row could not be read and was left out.",
                    "%(file)s: %(count)d rows could not be read and were left out.",
                    problem.count) % {"file": problem.file, "count": problem.count}


def _skipped_sentence(reason: str, count: int) -> str:
    sentences = {
        "answer_without_question": lambda: ngettext(
            "%(count)d answer whose question is not in the dump was left out.",
            "%(count)d answers whose question is not in the dump were left out.", count),
        "comment_without_post": lambda: ngettext(
            "%(count)d comment on a post that is not in the dump was left out.",
            "%(count)d comments on posts that are not in the dump were left out.", count),
        "edit_without_earlier_text": lambda: ngettext(
            "%(count)d edit whose earlier text is not in PostHistory.xml was left out.",
            "%(count)d edits whose earlier text is not in PostHistory.xml were left out.",
            count),
    }
    return sentences[reason]() % {"count": count}


def _html_to_markdown(html: str) -> str:
    # Bodies in the dump are HTML; we keep Markdown as the source and sanitise on render.
    return markdownify(html, heading_style="ATX").strip() or "…"
