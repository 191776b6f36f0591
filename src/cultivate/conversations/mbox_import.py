"""Importing a mailing-list archive (mbox or Maildir) into a community, as one action in one
transaction.

Threads follow References and In-Reply-To (by subject within THREAD_WINDOW when a reply has
neither); each becomes a discussion topic whose opening post is its oldest message. Authors
become placeholder accounts keyed by their address, which the person can claim later.
Original dates are kept on posts and on the Activity rows. Every post carries its Message-ID,
so running the import again adds only new messages, and a new reply joins its old thread.

Built for large archives: everything is read first (mbox_reading), then topics, posts and
Activity rows are written in bulk, parents before their replies.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb
from cultivate.attachments.models import Attachment
from cultivate.communities.models import Community
from cultivate.conversations import mbox_reading as reading
from cultivate.conversations.import_base import (
    BaseReport,
    ImportRun,
    Progress,
    no_progress,
    short_ref,
)
from cultivate.conversations.models import MAX_TITLE, Post, Topic, TopicKind
from cultivate.core.errors import ActionError
from cultivate.core.uploads import check_upload, max_upload_bytes
from cultivate.policy import Can

THREAD_WINDOW = timedelta(days=60)  # a "Re:" without headers joins a thread this recent
BATCH = 1000


@dataclass
class MboxReport(BaseReport):
    messages: int = 0  # read from the archive
    topics: int = 0
    replies: int = 0
    attachments: int = 0
    attachments_refused: int = 0
    already_imported: int = 0
    skipped_duplicate: int = 0
    skipped_no_body: int = 0
    refused: list[str] = field(default_factory=list)  # "file name (message): why"

    @property
    def changed(self) -> bool:
        return any((self.topics, self.replies, self.people, self.members, self.attachments))

    def summary(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in (
            "messages", "topics", "replies", "people", "members", "attachments",
            "attachments_refused", "already_imported", "skipped_duplicate", "skipped_no_body")}


@transaction.atomic
def do_import_mbox(*, actor, community: Community, path: Path, list_name: str = "",
                   progress: Progress = no_progress, workers: int | None = None) -> MboxReport:
    """`workers`: processes that read and render (default: by the archive's size)."""
    policy.check(policy.standing_of(actor, community), Can.EDIT, community)
    path = Path(path)
    if not path.exists():
        raise ActionError(_("There is no file or folder at %(path)s.") % {"path": path},
                          code="not_found")
    run = _Import(community, list_name_for(path, list_name), progress)
    run.read(path, reading.workers_for(path) if workers is None else workers)
    if not run.report.messages:
        raise ActionError(_("No mail messages were found in %(path)s (an mbox file, a folder "
                            "of them or a Maildir folder).") % {"path": path},
                          code="empty_archive")
    try:
        run.write()
        run.finish(actor, attribution=run.attribution(), summary=run.report.summary())
    except BaseException:
        run.delete_stored_files()  # the rows roll back; their files must go too
        raise
    run.explain_absences()
    return run.report


def list_name_for(path: Path, given: str = "") -> str:
    """A short name for the list, used in references: the one given, else the archive's."""
    name = given.strip()
    if not name:
        file = path if path.is_file() else None
        if file is not None and reading.PIPERMAIL_NAME.match(file.name):
            name = file.parent.name
        elif file is not None:
            name = file.name.split(".")[0]
        else:
            name = path.resolve().name
    cleaned = "".join(ch if ch.isalnum() or ch in "-_.@" else "-" for ch in name).strip("-")
    return cleaned[:60] or "list"


@dataclass
class _Thread:
    messages: list  # the thread's new messages, oldest first
    topic: Topic | None = None  # an earlier import's topic this thread continues


class _Import(ImportRun):
    def __init__(self, community: Community, list_name: str, progress: Progress):
        super().__init__(community, f"mbox:{list_name}", MboxReport(), progress)
        self.list_name = list_name
        self.messages: list[reading.MailMessage] = []
        self.parent_of: dict[str, str | None] = {}  # message id -> its parent's id
        self.threads: list[_Thread] = []
        self.stored_files: list[Attachment] = []
        self.html: dict[str, str] = {}  # message id -> its body rendered while reading
        self.missing = dict.fromkeys(("message_id", "date_header", "date", "sender",
                                      "charset", "threading"), 0)

    # --- reading ------------------------------------------------------------------------

    def read(self, path: Path, workers: int) -> None:
        self.load_existing()
        seen: set[str] = set()
        previous_date = None
        note = "*" + _("(quoted text omitted)") + "*"
        prepared = reading.prepared_messages(path, note, get_language() or "", workers)
        for message, html in self.progress(prepared, _("Reading messages")):
            self.report.messages += 1
            self.html[message.message_id] = html
            self._count_missing(message)
            if message.date is None:  # neither Date nor From_ line: the one before it
                message.date = previous_date or self.community.created_at
            previous_date = message.date
            if message.message_id in seen:
                self.report.skipped_duplicate += 1
                continue
            seen.add(message.message_id)
            if self.has(self.message_ref(message.message_id)):
                self.report.already_imported += 1
                continue
            if not message.body and not message.attachments:
                self.report.skipped_no_body += 1
                continue
            self.messages.append(message)

    def _count_missing(self, message: reading.MailMessage) -> None:
        self.missing["message_id"] += not message.has_message_id
        self.missing["date_header"] += not message.date_from_header
        self.missing["date"] += message.date is None
        self.missing["sender"] += not message.address
        self.missing["charset"] += message.undecodable

    def message_ref(self, message_id: str) -> str:
        return short_ref(f"{self.prefix}:msg:{message_id}")

    def username_for(self, ref: str) -> str:
        local = ref.rsplit(":", 1)[-1].split("@")[0]
        cleaned = "".join(ch for ch in local.lower() if ch.isalnum() or ch in "-_.")[:30]
        return f"mail-{cleaned or 'someone'}-{super().username_for(ref).rsplit('-', 1)[-1]}"

    # --- threading ----------------------------------------------------------------------

    def plan(self) -> None:
        """Group the new messages into threads and pick each one's parent."""
        self.messages.sort(key=lambda m: m.date)
        by_id = {m.message_id: m for m in self.messages}
        groups = _Groups()
        joins: dict[str, Topic] = {}  # group member id -> earlier topic it continues
        for message in self.messages:
            groups.add(message.message_id)
            parent = None
            for candidate in message.parent_ids:
                if parent is None and (candidate in by_id or self.has(
                        self.message_ref(candidate))):
                    parent = candidate
                groups.union(message.message_id, candidate)
            self.parent_of[message.message_id] = parent
            if parent is not None and parent not in by_id:
                joins[message.message_id] = self.existing(self.message_ref(parent)).topic
        self._thread_by_subject(groups, joins)
        members: dict[str, list] = {}
        for message in self.messages:
            members.setdefault(groups.find(message.message_id), []).append(message)
        for group in members.values():
            topic = next((joins[m.message_id] for m in group if m.message_id in joins), None)
            self.threads.append(_Thread(group, topic))
        self._break_cycles(by_id)

    def _thread_by_subject(self, groups: "_Groups", joins: dict) -> None:
        """A "Re:" without References or In-Reply-To joins the latest thread of the same
        subject if that one was active within THREAD_WINDOW (an earlier import's too)."""
        latest: dict[str, tuple[str | None, Topic | None, datetime]] = {}
        for post in self.posts.values():
            if post.is_opening:
                key = reading.normalised_subject(post.topic.title)
                latest[key] = (None, post.topic, post.topic.last_posted_at)
        for message in self.messages:
            key = message.thread_subject
            lone = not message.in_reply_to and not message.references
            if lone:
                self.missing["threading"] += 1
            if lone and message.looks_like_reply and key in latest:
                other_id, topic, when = latest[key]
                if message.date - when <= THREAD_WINDOW:
                    if other_id is not None:
                        groups.union(message.message_id, other_id)
                    else:
                        joins[message.message_id] = topic
            latest[key] = (message.message_id, None, message.date)

    def _break_cycles(self, by_id: dict) -> None:
        """Headers can point in a circle; the circle is cut where it is found."""
        for message_id in by_id:
            seen, current = set(), message_id
            while (parent := self.parent_of.get(current)) is not None and parent in by_id:
                if parent in seen or parent == message_id:
                    self.parent_of[current] = None
                    break
                seen.add(parent)
                current = parent

    # --- writing ------------------------------------------------------------------------

    def write(self) -> None:
        self.plan()
        self._people()
        self._attachments()
        new_topics = self._topics()
        self._posts(new_topics)

    def _author_ref(self, message: reading.MailMessage) -> str | None:
        if message.address:
            return f"{self.prefix}:addr:{message.address}"
        if message.name:
            return f"{self.prefix}:name:{message.name[:60]}"
        return None

    def _people(self) -> None:
        wanted: dict[str, tuple] = {}
        for message in self.messages:  # oldest first: the first name and date stay
            if (ref := self._author_ref(message)) and ref not in wanted:
                wanted[ref] = (message.name, "", message.date)
        self.placeholders(wanted)

    def _author(self, message: reading.MailMessage):
        ref = self._author_ref(message)
        return self.person(ref) if ref else None

    def _attachments(self) -> None:
        limit = max_upload_bytes()
        for message in self.progress([m for m in self.messages if m.attachments],
                                     _("Attachments")):
            links = []
            for part in message.attachments:
                stored = self._store(message, part, limit)
                if stored is not None:
                    links.append(f"- {stored.markdown}")
            if links:
                message.body = "\n\n".join(
                    filter(None, [message.body, _("Attachments:"), "\n".join(links)]))
                self.html.pop(message.message_id, None)  # rendered again with the links

    def _store(self, message, part: reading.MailAttachment, limit: int) -> Attachment | None:
        upload = ContentFile(part.data, name=part.name)
        try:
            content_type, name = check_upload(upload, max_bytes=limit)
        except ActionError as refusal:
            self.report.attachments_refused += 1
            self.report.refused.append(_("%(file)s (in “%(subject)s”): %(why)s") % {
                "file": part.name, "subject": message.subject[:80], "why": refusal.message})
            return None
        digest = _sha256(part.data)
        found = Attachment.objects.filter(community=self.community, sha256=digest,
                                          original_name=name).first()
        if found is not None:
            return found
        uploader = self._author(message)
        attachment = Attachment(community=self.community, uploader=uploader, original_name=name,
                                content_type=content_type, size=len(part.data), sha256=digest,
                                created_at=message.date)
        attachment.file.save(name, upload, save=False)
        self.stored_files.append(attachment)
        attachment.save()
        self.report.attachments += 1
        self.note(uploader, Verb.ATTACHMENT_UPLOADED, attachment, message.date,
                  {"content_type": content_type, "size": attachment.size})
        return attachment

    def delete_stored_files(self) -> None:
        for attachment in self.stored_files:
            attachment.file.delete(save=False)

    def _topics(self) -> dict[str, Topic]:
        """A topic for each thread that does not continue an earlier one, by opening id."""
        made: dict[str, Topic] = {}
        for thread in self.threads:
            if thread.topic is not None:
                continue
            opening = thread.messages[0]
            self.parent_of[opening.message_id] = None
            title = reading.display_subject(opening.subject)[:MAX_TITLE] or _("(no subject)")
            made[opening.message_id] = Topic(
                community=self.community, kind=TopicKind.DISCUSSION, title=title,
                author=self._author(opening), created_at=opening.date,
                last_posted_at=thread.messages[-1].date,
                reply_count=len(thread.messages) - 1)
        topics = list(made.values())
        for start in self.progress(range(0, len(topics), BATCH), _("Topics")):
            Topic.objects.bulk_create(topics[start:start + BATCH])
        self.report.topics += len(topics)
        return made

    def _posts(self, new_topics: dict[str, Topic]) -> None:
        """Posts level by level: openings and replies to earlier imports first, then replies
        to those, so every reply_to is saved before the reply that points to it."""
        topic_of: dict[str, Topic] = {}
        for thread in self.threads:
            topic = thread.topic or new_topics[thread.messages[0].message_id]
            for message in thread.messages:
                topic_of[message.message_id] = topic
        levels: dict[str | None, list] = {}
        for message in self.messages:
            parent = self.parent_of.get(message.message_id)
            levels.setdefault(parent if parent in topic_of else None, []).append(message)
        level = levels.pop(None, [])
        written: dict[str, Post] = {}
        with self._progress_bar(len(self.messages)) as advance:
            while level:
                posts = [self._post(m, topic_of[m.message_id], new_topics, written)
                         for m in level]
                for start in range(0, len(posts), BATCH):
                    for post in self.bulk_posts(posts[start:start + BATCH], final=True):
                        written[post.message_id] = post
                        self._note_post(post)
                    advance(min(BATCH, len(posts) - start))
                level = [child for message in level
                         for child in levels.pop(message.message_id, [])]

    def _progress_bar(self, total: int):
        return _Advance(self.progress, total, _("Writing posts"))

    def _post(self, message, topic: Topic, new_topics: dict, written: dict) -> Post:
        parent_id = self.parent_of.get(message.message_id)
        is_opening = new_topics.get(message.message_id) is topic
        reply_to = None
        if parent_id is not None and not is_opening:
            reply_to = written.get(parent_id) or self.existing(self.message_ref(parent_id))
        post = Post(topic=topic, author=self._author(message), body=message.body,
                    body_html=self.html.get(message.message_id, ""),
                    import_ref=self.message_ref(message.message_id), created_at=message.date,
                    is_opening=is_opening, reply_to=reply_to)
        post.message_id = message.message_id
        return post

    def _note_post(self, post: Post) -> None:
        topic = post.topic
        if post.is_opening:
            self.note(post.author, Verb.TOPIC_STARTED, topic, post.created_at,
                      {"post": post.pk, "kind": TopicKind.DISCUSSION})
            return
        self.report.replies += 1
        self.note(post.author, Verb.POST_REPLIED, post, post.created_at,
                  {"post": post.pk, "topic": topic.pk, "topic_author": topic.author_id,
                   "reply_to_author": post.reply_to.author_id if post.reply_to else None})

    def refresh_topic_counters(self) -> None:
        """New topics got their counters when made; only continued ones are counted again."""
        made_here = {post.topic_id for post in self.new_posts if post.is_opening}
        everything = self.new_posts
        self.new_posts = [post for post in everything if post.topic_id not in made_here]
        try:
            super().refresh_topic_counters()
        finally:
            self.new_posts = everything

    # --- the end ------------------------------------------------------------------------

    def attribution(self) -> str:
        mine = _("Messages imported from the %(list)s mailing list archive, written by its "
                 "members.") % {"list": self.list_name}
        current = self.community.attribution or ""
        if mine in current:
            return current
        return (current + " " + mine).strip()[:500]

    def explain_absences(self) -> None:
        """Say plainly what the archive lacked."""
        texts = {
            "message_id": _("%(n)d messages had no Message-ID (an id made from their content "
                            "stands in, so a second run still recognises them)."),
            "date_header": _("%(n)d messages had no readable Date header (the mbox From_ line "
                             "or the previous message's date was used)."),
            "date": _("%(n)d messages had no date at all (the previous message's date was "
                      "used)."),
            "sender": _("%(n)d messages had no sender address."),
            "charset": _("%(n)d messages were in an unknown character set (read as UTF-8)."),
            "threading": _("%(n)d messages had no References or In-Reply-To header (threaded "
                           "by subject when they were replies)."),
        }
        self.report.absent += [texts[key] % {"n": count}
                               for key, count in self.missing.items() if count]


class _Advance:
    """Drive a progress callback that wraps iterables from code that writes in batches."""

    def __init__(self, progress: Progress, total: int, label: str):
        self.total, self.label, self.progress = total, label, progress

    def __enter__(self):
        self.iterator = iter(self.progress(_Counter(self.total), self.label))
        return self.advance

    def advance(self, count: int) -> None:
        for _step in range(count):
            next(self.iterator, None)

    def __exit__(self, *exc):
        for _rest in self.iterator:
            pass
        return False


class _Counter:
    def __init__(self, total: int):
        self.total = total

    def __len__(self) -> int:
        return self.total

    def __iter__(self):
        return iter(range(self.total))


class _Groups:
    """Union-find over message ids (and ids only referenced), for threads."""

    def __init__(self):
        self.parent: dict[str, str] = {}

    def add(self, key: str) -> None:
        self.parent.setdefault(key, key)

    def find(self, key: str) -> str:
        self.add(key)
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[root_b] = root_a


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
