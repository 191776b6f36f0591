"""Importing a Discourse forum from a folder `cultivate download-discourse` filled, offline.

Categories go to one or more communities; topics keep their times and tags; posts their reply
structure (reply_to_post_number); a solved topic (the discourse-solved plugin) becomes a question
with its accepted answer; likes become helpful marks (one per liker when the likers were
downloaded, otherwise the count in Post.imported_helpful, never both); people become placeholder
accounts anyone can claim; uploads become attachments the posts link to. Whispers, moderator
notices ("small actions") and deleted posts are skipped and counted. Each post carries its
source reference, so running the import again adds only what is new.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from markdownify import markdownify

from cultivate import policy
from cultivate.activity.actions import Verb
from cultivate.attachments.models import Attachment
from cultivate.communities.models import Community
from cultivate.conversations.discourse_download import (
    LIKE,
    SHORT_UPLOAD,
    UPLOAD_PATH,
    like_count,
    topic_posts,
    upload_key,
)
from cultivate.conversations.import_base import BaseReport, ImportRun, Progress, no_progress
from cultivate.conversations.models import Helpful, Post, Topic, TopicKind
from cultivate.core.errors import ActionError
from cultivate.core.models import tags_from_names
from cultivate.core.uploads import check_upload
from cultivate.policy import Can

REGULAR, MODERATOR_ACTION, SMALL_ACTION, WHISPER = 1, 2, 3, 4
# Discourse's Markdown puts sizes and "attachment" after a bar in link labels: ![a.png|690x388]
LABEL_EXTRA = re.compile(r"\[([^\]|]*)\|(?:attachment|\d+x\d+[^\]]*)\]")
LABELLED_UPLOAD = re.compile(r"\[([^\]|]+)(?:\|[^\]]*)?\]\((upload://[^)\s]+)\)")


@dataclass
class DiscourseReport(BaseReport):
    topics: int = 0
    posts: int = 0  # replies; each topic's opening post counts with the topic
    accepted: int = 0
    helpful: int = 0  # helpful marks of named likers
    helpful_counted: int = 0  # likes kept as counts (who liked was not downloaded)
    attachments: int = 0
    skipped_whispers: int = 0
    skipped_notices: int = 0  # moderator actions and small actions ("closed the topic" …)
    skipped_deleted: int = 0
    skipped_unmapped: int = 0  # topics of categories mapped to no community
    skipped_private: int = 0  # private messages
    communities: list[str] = field(default_factory=list)

    CREATED = ("people", "members", "topics", "posts", "accepted", "helpful",
               "helpful_counted", "attachments")

    @property
    def changed(self) -> bool:
        # What was skipped is skipped again on every run: only new rows are a change.
        return any(getattr(self, name) for name in self.CREATED)

    def add(self, other: "DiscourseReport") -> None:
        for name in self.CREATED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.activity.extend(other.activity)


@dataclass
class Forum:
    """What a download folder holds, read without touching the database."""

    directory: Path
    url: str
    host: str
    categories: dict[int, dict]  # id -> {"slug", "name", "parent"}
    topic_files: list[Path]
    users: dict[int, dict]
    likers: dict[int, list[dict]]  # post id -> likers, for the posts whose likes were saved
    lookup: dict[str, str]  # upload:// -> URL
    uploads: dict[str, dict]  # upload path -> {"file", "name"} or {"missing"}
    absent: list[str]

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"


# --- reading the folder ---------------------------------------------------------------------

def _load(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ActionError(_("%(file)s cannot be read as JSON (%(error)s): download again.")
                          % {"file": path.name, "error": error}, code="bad_download") from error


def _by_number(path: Path) -> tuple:
    return (len(path.stem), path.stem)


def read_forum(directory: Path) -> Forum:
    if not directory.is_dir():
        raise ActionError(_("There is no folder %(folder)s.") % {"folder": directory},
                          code="no_folder")
    if not (directory / "state.json").is_file():
        raise ActionError(_("%(folder)s is not a Discourse download (it has no state.json): "
                            "run `cultivate download-discourse` first.")
                          % {"folder": directory}, code="not_a_download")
    state = _load(directory / "state.json")
    if not isinstance(state, dict) or not state.get("host"):
        raise ActionError(_("state.json does not say which forum this is: download again."),
                          code="bad_download")
    topic_files = sorted((directory / "topics").glob("*.json"), key=_by_number)
    if not topic_files:
        raise ActionError(_("%(folder)s holds no topics: run `cultivate download-discourse` "
                            "again to finish the download.") % {"folder": directory},
                          code="incomplete_download")
    absent = []
    if not state.get("complete"):
        absent.append(_("The download did not finish: run download-discourse again to get "
                        "the rest."))
    users = {}
    for path in (directory / "users").glob("*.json"):
        user = _load(path).get("user") or {}
        if user.get("id") is not None:
            users[user["id"]] = user
    likers = {}
    if (directory / "likes").is_dir():
        for path in (directory / "likes").glob("*.json"):
            if path.stem.lstrip("-").isdigit():
                likers[int(path.stem)] = _load(path).get("post_action_users") or []
    uploads_dir = directory / "uploads"
    lookup = _load(uploads_dir / "lookup.json") if (uploads_dir / "lookup.json").is_file() else {}
    uploads = _load(uploads_dir / "index.json") if (uploads_dir / "index.json").is_file() else {}
    return Forum(directory=directory, url=state.get("url", ""), host=state["host"],
                 categories=_categories(directory), topic_files=topic_files, users=users,
                 likers=likers, lookup=lookup, uploads=uploads, absent=absent)


def _categories(directory: Path) -> dict[int, dict]:
    found: dict[int, dict] = {}

    def add(category: dict, parent=None) -> None:
        parent = category.get("parent_category_id") or parent
        found[category["id"]] = {"slug": category.get("slug") or str(category["id"]),
                                 "name": category.get("name", ""), "parent": parent}
        for child in category.get("subcategory_list") or []:
            add(child, category["id"])

    if (directory / "site.json").is_file():
        for category in _load(directory / "site.json").get("categories") or []:
            add(category)
    if (directory / "categories.json").is_file():
        listed = (_load(directory / "categories.json").get("category_list") or {})
        for category in listed.get("categories") or []:
            if category["id"] not in found:
                add(category)
    return found


# --- the action -----------------------------------------------------------------------------

@transaction.atomic
def do_import_discourse(*, actor, directory: Path, community: Community | None = None,
                        category_map: dict[str, str] | None = None,
                        progress: Progress = no_progress) -> "DiscourseReport":
    """Import the download in `directory`: every category into `community`, or each
    category (by slug, or "parent/child") into the community `category_map` names."""
    forum = read_forum(Path(directory))
    targets = _targets(forum, community, category_map or {})
    for target in {c.pk: c for c in targets.values()}.values():
        policy.check(policy.standing_of(actor, target), Can.EDIT, target)
    report = DiscourseReport(absent=list(forum.absent))
    runs: dict[int, _Import] = {}
    try:
        for path in progress(forum.topic_files, _("Topics")):
            topic = _load(path)
            if topic.get("archetype") == "private_message":
                report.skipped_private += 1
                continue
            target = targets.get(topic.get("category_id"), targets.get(None))
            if target is None:
                report.skipped_unmapped += 1
                continue
            if target.pk not in runs:
                runs[target.pk] = _Import(target, forum, report)
            runs[target.pk].import_topic(topic)
        for run in runs.values():
            run.finish(actor, attribution=_(
                "Topics and posts imported from the Discourse forum %(host)s, by its "
                "contributors.") % {"host": forum.host}, summary={
                "topics": run.report.topics, "posts": run.report.posts,
                "accepted": run.report.accepted})
            report.add(run.report)
            report.communities.append(run.community.slug)
    except BaseException:
        for run in runs.values():
            run.discard_files()  # the rows roll back; the files they named go too
        raise
    _say_what_was_absent(forum, report, runs.values())
    return report


def _targets(forum: Forum, community, category_map: dict[str, str]) -> dict:
    """Category id (None: any category not mapped) -> community."""
    if community is None and not category_map:
        raise ActionError(_("Say where the forum goes: one community, or a community for "
                            "each category."), code="no_target")
    keys = {}
    for category_id, category in forum.categories.items():
        keys[category["slug"]] = category_id
        parent = forum.categories.get(category["parent"])
        if parent:
            keys[f"{parent['slug']}/{category['slug']}"] = category_id
    if unknown := sorted(set(category_map) - set(keys)):
        raise ActionError(_("The forum has no category %(slugs)s. Its categories: "
                            "%(known)s.") % {"slugs": ", ".join(unknown),
                                             "known": ", ".join(sorted(keys)) or "-"},
                          code="unknown_category")
    slugs = set(category_map.values())
    found = {c.slug: c for c in Community.objects.filter(slug__in=slugs)}
    if missing := sorted(slugs - set(found)):
        raise ActionError(_("No community at %(slugs)s.")
                          % {"slugs": ", ".join(f"/c/{slug}/" for slug in missing)},
                          code="unknown_community")
    targets: dict = {None: community} if community is not None else {}
    mapped = {keys[key]: found[slug] for key, slug in category_map.items()}
    for category_id, category in forum.categories.items():
        target, parent = mapped.get(category_id), category["parent"]
        while target is None and parent is not None:  # a subcategory follows its parent
            target = mapped.get(parent)
            parent = forum.categories.get(parent, {}).get("parent")
        if target is not None:
            targets[category_id] = target
    return targets


def _say_what_was_absent(forum: Forum, report: DiscourseReport, runs) -> None:
    absent = report.absent
    if not forum.users:
        absent.append(_("No profiles were downloaded: names come from the posts."))
    unliked = sum(run.likes_without_likers for run in runs)
    if unliked:
        absent.append(ngettext(
            "Who liked %(count)d post was not downloaded: its likes are kept as a count.",
            "Who liked %(count)d posts was not downloaded: their likes are kept as counts.",
            unliked) % {"count": unliked})
    missing = sorted({ref for run in runs for ref in run.missing_uploads})
    if missing:
        absent.append(ngettext(
            "%(count)d upload was not in the download and still points to the forum: "
            "%(uploads)s", "%(count)d uploads were not in the download and still point to "
            "the forum: %(uploads)s", len(missing)) % {"count": len(missing),
                                                       "uploads": ", ".join(missing[:10])})
    refused = sorted({ref for run in runs for ref in run.refused_uploads})
    if refused:
        absent.append(_("Uploads refused by the upload checks: %(uploads)s")
                      % {"uploads": ", ".join(refused[:10])})
    if report.skipped_unmapped:
        absent.append(ngettext(
            "%(count)d topic was in a category mapped to no community and was skipped.",
            "%(count)d topics were in categories mapped to no community and were skipped.",
            report.skipped_unmapped) % {"count": report.skipped_unmapped})


def when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


class _Import(ImportRun):
    """One community's share of the forum."""

    def __init__(self, community: Community, forum: Forum, totals: DiscourseReport):
        super().__init__(community, f"discourse:{forum.host}", DiscourseReport())
        self.forum, self.totals = forum, totals
        self.attachments: dict[str, Attachment] = {}
        self.stored_files: list = []
        self.missing_uploads: set[str] = set()
        self.refused_uploads: set[str] = set()
        self.likes_without_likers = 0
        self.load_existing()

    # --- people ---------------------------------------------------------------------------

    def username_for(self, ref: str) -> str:
        user_id = ref.rsplit(":", 1)[-1]
        return f"dc-{self.forum.host}-{user_id}"[:150]

    def _user_ref(self, user_id) -> str:
        return f"{self.prefix}:user:{user_id}"

    def _people(self, posts: list[dict]) -> None:
        """Placeholders for the authors and likers of these posts."""
        wanted = {}
        for post in posts:
            if post.get("user_id") is not None:
                profile = self.forum.users.get(post["user_id"], {})
                wanted.setdefault(self._user_ref(post["user_id"]), (
                    profile.get("name") or post.get("name") or post.get("username"),
                    profile.get("location") or "",
                    when(profile.get("created_at")) or when(post.get("created_at"))))
            for liker in self.forum.likers.get(post.get("id"), []):
                profile = self.forum.users.get(liker.get("id"), {})
                wanted.setdefault(self._user_ref(liker["id"]), (
                    profile.get("name") or liker.get("name") or liker.get("username"),
                    profile.get("location") or "",
                    when(profile.get("created_at")) or when(post.get("created_at"))))
        self.placeholders(wanted)

    def _author(self, post: dict):
        user_id = post.get("user_id")
        return None if user_id is None else self.person(self._user_ref(user_id))

    # --- topics and posts -----------------------------------------------------------------

    def _ref(self, post: dict) -> str:
        return f"{self.prefix}:post:{post['id']}"

    def _skipped(self, post: dict) -> bool:
        if post.get("deleted_at") or post.get("user_deleted"):
            self.totals.skipped_deleted += 1
        elif post.get("post_type", REGULAR) == WHISPER:
            self.totals.skipped_whispers += 1
        elif post.get("post_type", REGULAR) in {MODERATOR_ACTION, SMALL_ACTION}:
            self.totals.skipped_notices += 1
        else:
            return False
        return True

    def import_topic(self, data: dict) -> None:
        posts = sorted(topic_posts(data), key=lambda post: post.get("post_number", 0))
        kept = [post for post in posts if not self._skipped(post)]
        if not kept or kept[0].get("post_number") != 1:
            return  # without its opening post a topic has nothing to stand on
        self._people(kept)
        accepted_number = _accepted_number(data, kept)
        opening_data, numbered = kept[0], {}
        topic = self._topic(data, opening_data, question=accepted_number is not None)
        numbered[1] = self.existing(self._ref(opening_data))
        for post in kept[1:]:
            numbered[post["post_number"]] = self._reply(topic, post, numbered)
        answer = numbered.get(accepted_number)
        if answer is not None and topic.accepted_answer_id is None:
            self._accept(topic, answer)

    def _topic(self, data: dict, opening_data: dict, *, question: bool) -> Topic:
        ref = self._ref(opening_data)
        if self.has(ref):
            return self.existing(ref).topic
        author = self._author(opening_data)
        created = when(data.get("created_at")) or when(opening_data["created_at"])
        kind = TopicKind.QUESTION if question else TopicKind.DISCUSSION
        topic = Topic.objects.create(
            community=self.community, kind=kind, author=author,
            title=(data.get("title") or _("(untitled)"))[:200], created_at=created,
            last_posted_at=created, is_closed=bool(data.get("closed")),
            is_locked=bool(data.get("archived")))
        if tags := [tag.get("name") if isinstance(tag, dict) else tag
                    for tag in data.get("tags") or []]:
            topic.tags.set(tags_from_names(tags))
        opening = self.post(topic, author, self._body(opening_data, author), ref,
                            when(opening_data["created_at"]), is_opening=True)
        self._likes(opening, opening_data)
        self.report.topics += 1
        self.note(author, Verb.QUESTION_ASKED if question else Verb.TOPIC_STARTED, topic,
                  opening.created_at, {"post": opening.pk, "kind": kind})
        return topic

    def _reply(self, topic: Topic, data: dict, numbered: dict) -> Post:
        ref = self._ref(data)
        if self.has(ref):
            return self.existing(ref)
        author = self._author(data)
        reply_to = numbered.get(data.get("reply_to_post_number"))
        post = self.post(topic, author, self._body(data, author), ref, when(data["created_at"]),
                         reply_to=reply_to)
        self._likes(post, data)
        self.report.posts += 1
        answer = topic.kind == TopicKind.QUESTION and (reply_to is None or reply_to.is_opening)
        self.note(author, Verb.ANSWER_POSTED if answer else Verb.POST_REPLIED, post,
                  post.created_at, {"post": post.pk, "topic": topic.pk,
                                    "topic_author": topic.author_id,
                                    "reply_to_author": reply_to.author_id if reply_to else None})
        return post

    def _accept(self, topic: Topic, answer: Post) -> None:
        # The download does not say when the answer was accepted: its own time stands in.
        topic.accepted_answer, topic.answered_at = answer, answer.created_at
        if topic.kind != TopicKind.QUESTION:
            topic.kind = TopicKind.QUESTION
        topic.save(update_fields=["accepted_answer", "answered_at", "kind"])
        self.report.accepted += 1
        self.note(topic.author, Verb.ANSWER_ACCEPTED, answer, answer.created_at,
                  {"topic": topic.pk, "answer_author": answer.author_id,
                   "time_approximate": True})

    def _likes(self, post: Post, data: dict) -> None:
        likers = self.forum.likers.get(data["id"])
        if likers is None:
            count = like_count(data)
            if count:
                Post.objects.filter(pk=post.pk).update(imported_helpful=count)
                self.report.helpful_counted += count
                self.likes_without_likers += 1
            return
        for liker in likers:
            person = self.person(self._user_ref(liker["id"]))
            if person is None or person.pk == post.author_id:
                continue
            _, made = Helpful.objects.get_or_create(post=post, user=person,
                                                    defaults={"created_at": post.created_at})
            if made:
                self.report.helpful += 1
                self.note(person, Verb.POST_MARKED_HELPFUL, post, post.created_at,
                          {"author": post.author_id, "time_approximate": True,
                           "source_action": LIKE})

    # --- text and uploads -----------------------------------------------------------------

    def _body(self, data: dict, author) -> str:
        raw = data.get("raw")
        if isinstance(raw, str) and raw.strip():
            text = raw
        else:
            text = markdownify(data.get("cooked") or "", heading_style="ATX")
        names = {short: label for label, short in LABELLED_UPLOAD.findall(text)}
        text = SHORT_UPLOAD.sub(lambda m: self._upload_url(
            self.forum.lookup.get(m.group(0)), m.group(0), names.get(m.group(0)), author,
            data), text)
        text = UPLOAD_PATH.sub(lambda m: self._upload_url(m.group(0), m.group(0), None,
                                                           author, data), text)
        return LABEL_EXTRA.sub(r"[\1]", text).strip() or "…"

    def _upload_url(self, reference: str | None, written: str, name: str | None, author,
                    data: dict) -> str:
        """The attachment's address, or the original one (on the forum) when the file is not
        in the download."""
        key = upload_key(reference) if reference else None
        attachment = self._attachment(key, name, author, data) if key else None
        if attachment is not None:
            return attachment.get_absolute_url()
        self.missing_uploads.add(written)
        if reference and reference.startswith("/") and not reference.startswith("//"):
            return self.forum.origin + reference
        return reference or written

    def _attachment(self, key: str, name: str | None, author, data: dict) -> Attachment | None:
        if key in self.attachments:
            return self.attachments[key]
        entry = self.forum.uploads.get(key) or {}
        path = self.forum.directory / "uploads" / entry.get("file", "")
        if not entry.get("file") or not path.is_file():
            return None
        name = name if name and "." in name else entry.get("name") or path.name
        with path.open("rb") as handle:
            upload = File(handle, name=name)
            try:
                content_type, safe_name = check_upload(upload)
            except ActionError:
                self.refused_uploads.add(key)
                return None
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            attachment = Attachment.objects.filter(community=self.community,
                                                   sha256=digest).first()
            if attachment is None:
                attachment = Attachment(community=self.community, uploader=author,
                                        original_name=safe_name, content_type=content_type,
                                        size=upload.size, sha256=digest,
                                        created_at=when(data["created_at"]))
                attachment.file.save(safe_name, upload, save=False)
                self.stored_files.append(attachment.file)
                attachment.save()
                self.report.attachments += 1
                self.note(author, Verb.ATTACHMENT_UPLOADED, attachment, attachment.created_at,
                          {"content_type": content_type, "size": attachment.size})
        self.attachments[key] = attachment
        return attachment

    def discard_files(self) -> None:
        for stored in self.stored_files:
            stored.delete(save=False)


def _accepted_number(data: dict, posts: list[dict]) -> int | None:
    """The accepted answer's post number (discourse-solved), if it was kept."""
    accepted = data.get("accepted_answer")
    numbers = {post["post_number"] for post in posts}
    if isinstance(accepted, dict) and accepted.get("post_number") in numbers - {1}:
        return accepted["post_number"]
    return next((post["post_number"] for post in posts
                 if post.get("accepted_answer") and post["post_number"] != 1), None)
