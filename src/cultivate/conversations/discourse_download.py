"""Downloading a Discourse forum through its JSON API into a folder, for an offline import.

What an admin can get without shell access: with an API key (Api-Key / Api-Username headers)
we save each response as it comes, one JSON file per listing page, topic, user and likes list,
plus the uploaded files the posts refer to. The folder is the whole source of
`discourse_import`. Running the download again skips what is already saved and continues where
it stopped; 429 answers are waited out (Retry-After), transient errors retried with backoff, and
links to other hosts are never followed.

Folder layout:
    state.json                   where the download stands (the forum's URL, listing done …)
    categories.json, site.json   /categories.json?include_subcategories=true and /site.json
    tags.json                    /tags.json (absent when the forum has no tags)
    latest/page-0000.json        /latest.json?order=created&ascending=true&page=N
    topics/<id>.json             /t/<id>.json?include_raw=1, with every post of the topic (the
                                 rest fetched by /t/<id>/posts.json?post_ids[]=…, 20 at a time)
    likes/<post id>.json         /post_action_users.json?id=<post id>&post_action_type_id=2
    users/<user id>.json         /u/<username>.json
    uploads/lookup.json          upload:// short URL -> URL (/uploads/lookup-urls)
    uploads/index.json           upload path -> saved file (or why it is missing)
    uploads/files/…              the files themselves
"""

import email.utils
import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import httpx
from django.utils.translation import gettext as _

from cultivate.conversations.import_base import Progress, no_progress

FORMAT = 1
CHUNK = 20  # posts per /t/<id>/posts.json request, as Discourse's own client asks
LIKE = 2  # Discourse's post_action_type_id for a like
MAX_PAGES = 100_000
TRANSIENT = {500, 502, 503, 504, 520, 522, 524}

SHORT_UPLOAD = re.compile(r"upload://[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)?")
# Discourse's own upload paths: /uploads/<site>/original|optimized/… and /uploads/short-url/…
UPLOAD_PATH = re.compile(
    r"(?:https?:)?(?://[A-Za-z0-9.:-]+)?(?:/[\w.-]+)*/uploads/"
    r"(?:short-url/|[\w-]+/(?:original|optimized)/)[^\s\"'<>()\[\]|]+")


class DownloadError(Exception):
    """The download cannot go on; what was saved so far stays and a new run continues."""


@dataclass
class DownloadSummary:
    pages: int = 0
    topics: int = 0
    posts: int = 0
    users: int = 0
    likes: int = 0
    uploads: int = 0
    saved_before: int = 0  # files a previous run had saved, not asked again
    missing: list[str] = field(default_factory=list)


def topic_posts(topic: dict) -> list[dict]:
    return (topic.get("post_stream") or {}).get("posts") or []


def like_count(post: dict) -> int:
    for action in post.get("actions_summary") or []:
        if action.get("id") == LIKE:
            return int(action.get("count") or 0)
    return int(post.get("like_count") or 0)


def upload_references(post: dict) -> tuple[set[str], set[str]]:
    """The upload:// short URLs and the /uploads/… paths (with their host, if any) a post
    uses, in its raw Markdown and its cooked HTML."""
    raw = post.get("raw") if isinstance(post.get("raw"), str) else ""
    text = raw + "\n" + (post.get("cooked") or "")
    return set(SHORT_UPLOAD.findall(text)), {m.group(0) for m in UPLOAD_PATH.finditer(text)}


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, data) -> None:
    """Write through a temporary file: an interrupted run never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(partial, path)


class DiscourseDownload:
    def __init__(self, url: str, *, api_key: str, api_username: str, folder: Path,
                 progress: Progress = no_progress, attempts: int = 5, backoff: float = 1.0,
                 max_wait: float = 300.0, sleep: Callable[[float], None] = time.sleep,
                 timeout: float = 60.0):
        parts = urlsplit(url.strip())
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise DownloadError(_("Give the forum's address, like https://forum.example.org."))
        self.base = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.netloc = parts.netloc.lower()
        self.folder, self.progress = folder, progress
        self.attempts, self.backoff, self.max_wait, self.sleep = (
            attempts, backoff, max_wait, sleep)
        self.client = httpx.Client(
            headers={"Api-Key": api_key, "Api-Username": api_username,
                     "Accept": "application/json", "User-Agent": "Cultivate import"},
            timeout=timeout, follow_redirects=False)
        self.summary = DownloadSummary()
        self.state: dict = {}

    # --- the whole download --------------------------------------------------------------

    def run(self) -> DownloadSummary:
        try:
            self._open_state()
            self._save("categories.json", "/categories.json",
                       {"include_subcategories": "true"}, required=True)
            self._save("site.json", "/site.json")
            self._save("tags.json", "/tags.json")
            topic_ids = self._listing()
            topics = [self._topic(topic_id)
                      for topic_id in self.progress(topic_ids, _("Topics"))]
            topics = [topic for topic in topics if topic]
            posts = [post for topic in topics for post in topic_posts(topic)]
            self.summary.posts = len(posts)
            self._likes(posts)
            self._users(posts)
            self._uploads(posts)
            self.state["complete"] = True
            self._write_state()
        finally:
            self.client.close()
        return self.summary

    def _open_state(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / "state.json"
        if path.exists():
            self.state = read_json(path)
            if self.state.get("url") != self.base:
                raise DownloadError(_(
                    "%(folder)s holds a download of %(other)s: choose another folder.") % {
                    "folder": self.folder, "other": self.state.get("url")})
        else:
            self.state = {"format": FORMAT, "url": self.base, "host": urlsplit(self.base).hostname,
                          "listing_complete": False, "complete": False, "missing": {}}
        self.state["complete"] = False
        self._write_state()

    def _write_state(self) -> None:
        write_json(self.folder / "state.json", self.state)

    def _missing(self, what: str, why: str) -> None:
        self.state.setdefault("missing", {})[what] = why
        self.summary.missing.append(f"{what}: {why}")

    # --- HTTP ------------------------------------------------------------------------------

    def _request(self, method: str, url: str, **kwargs) -> httpx.Response | None:
        """The response, following redirects on this host only; None for what is not there
        (404, 403 on one item, a redirect to another host)."""
        transient = rate_limited = redirects = 0
        while True:
            try:
                response = self.client.request(method, url, **kwargs)
            except httpx.TransportError as error:
                transient += 1
                if transient >= self.attempts:
                    raise DownloadError(_("%(url)s does not answer (%(error)s). Run the same "
                                          "command again to continue.")
                                        % {"url": url, "error": error}) from error
                self.sleep(self.backoff * 2 ** (transient - 1))
                continue
            status = response.status_code
            if status == 429:
                rate_limited += 1
                if rate_limited > 50:
                    raise DownloadError(_("The forum keeps refusing requests (429). Run the "
                                          "same command again later to continue."))
                self.sleep(self._retry_after(response))
                continue
            if status in TRANSIENT:
                transient += 1
                if transient >= self.attempts:
                    raise DownloadError(_("%(url)s keeps failing (HTTP %(status)s). Run the "
                                          "same command again to continue.")
                                        % {"url": url, "status": status})
                self.sleep(self.backoff * 2 ** (transient - 1))
                continue
            if status in {301, 302, 303, 307, 308} and "location" in response.headers:
                target = urljoin(str(response.url), response.headers["location"])
                redirects += 1
                if urlsplit(target).netloc.lower() != self.netloc or redirects > 5:
                    return None  # never follow a link to another host
                url = target
                if status == 303:
                    method, kwargs = "GET", {}
                continue
            if status == 401:
                raise DownloadError(_("The forum refused the API key (HTTP 401): check "
                                      "--api-key and --api-username."))
            if status in {403, 404, 410}:
                return None
            if status >= 400:
                raise DownloadError(_("%(url)s answered HTTP %(status)s.")
                                    % {"url": url, "status": status})
            return response

    def _retry_after(self, response: httpx.Response) -> float:
        value = response.headers.get("retry-after", "")
        try:
            wait = float(value)
        except ValueError:
            when = email.utils.parsedate_to_datetime(value) if value else None
            wait = when.timestamp() - time.time() if when else self.backoff * 5
        return min(max(wait, 0.0), self.max_wait)

    def _json(self, path: str, params=None, *, required: bool = False):
        response = self._request("GET", self.base + path, params=params)
        if response is None:
            if required:
                raise DownloadError(_("The forum refused %(path)s: the API key must belong "
                                      "to an admin.") % {"path": path})
            return None
        try:
            return response.json()
        except ValueError as error:
            raise DownloadError(_("%(path)s did not answer JSON: is %(url)s a Discourse "
                                  "forum?") % {"path": path, "url": self.base}) from error

    def _save(self, name: str, path: str, params=None, *, required: bool = False):
        target = self.folder / name
        if target.exists():
            self.summary.saved_before += 1
            return read_json(target)
        data = self._json(path, params, required=required)
        if data is None:
            self._missing(name, _("not available"))
            return None
        write_json(target, data)
        return data

    # --- topics ----------------------------------------------------------------------------

    def _listing(self) -> list[int]:
        """Every topic's id, from /latest.json in creation order (so paging is stable and a
        later run finds new topics at the end)."""
        ids: list[int] = []
        seen: set[int] = set()
        saved = len(list((self.folder / "latest").glob("page-*.json")))
        for page in range(MAX_PAGES):
            target = self.folder / "latest" / f"page-{page:04d}.json"
            # The last saved page is asked again: topics created since then are added there.
            if target.exists() and page < saved - 1:
                data = read_json(target)
                self.summary.saved_before += 1
            else:
                data = self._json("/latest.json", {"order": "created", "ascending": "true",
                                                   "no_definitions": "true", "page": page},
                                  required=True)
                write_json(target, data)
                self.summary.pages += 1
            topic_list = data.get("topic_list") or {}
            topics = topic_list.get("topics") or []
            for topic in topics:
                if topic["id"] not in seen:
                    seen.add(topic["id"])
                    ids.append(topic["id"])
            if not topics or not topic_list.get("more_topics_url"):
                break
        self.state["listing_complete"] = True
        self._write_state()
        return ids

    def _topic(self, topic_id: int) -> dict | None:
        target = self.folder / "topics" / f"{int(topic_id)}.json"
        if target.exists():
            self.summary.saved_before += 1
            return read_json(target)
        topic = self._json(f"/t/{int(topic_id)}.json", {"include_raw": 1})
        if topic is None:
            self._missing(f"topic {topic_id}", _("not available"))
            return None
        stream = (topic.get("post_stream") or {}).get("stream") or []
        have = {post["id"] for post in topic_posts(topic)}
        wanted = [post_id for post_id in stream if post_id not in have]
        posts = list(topic_posts(topic))
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            more = self._json(f"/t/{int(topic_id)}/posts.json",
                              [("post_ids[]", post_id) for post_id in chunk]
                              + [("include_raw", 1)])
            posts.extend(topic_posts(more or {}))
        order = {post_id: index for index, post_id in enumerate(stream)}
        posts.sort(key=lambda post: (order.get(post["id"], len(order)), post["post_number"]))
        topic.setdefault("post_stream", {})["posts"] = posts
        write_json(target, topic)
        self.summary.topics += 1
        return topic

    # --- likes and people ------------------------------------------------------------------

    def _likes(self, posts: list[dict]) -> None:
        liked = [post for post in posts if like_count(post) > 0]
        for post in self.progress(liked, _("Likes")):
            target = self.folder / "likes" / f"{int(post['id'])}.json"
            if target.exists():
                self.summary.saved_before += 1
                continue
            data = self._json("/post_action_users.json",
                              {"id": post["id"], "post_action_type_id": LIKE})
            if data is None:
                self._missing(f"likes of post {post['id']}", _("not available"))
                continue
            write_json(target, data)
            self.summary.likes += 1

    def _users(self, posts: list[dict]) -> None:
        people = {post["user_id"]: post["username"] for post in posts
                  if post.get("user_id") is not None and post.get("username")}
        for path in sorted((self.folder / "likes").glob("*.json")):
            for liker in read_json(path).get("post_action_users") or []:
                people.setdefault(liker["id"], liker["username"])
        for user_id, username in self.progress(sorted(people.items()), _("People")):
            target = self.folder / "users" / f"{int(user_id)}.json"
            if target.exists():
                self.summary.saved_before += 1
                continue
            data = self._json(f"/u/{quote(str(username), safe='')}.json")
            if data is None:
                self._missing(f"user {username}", _("not available"))
                continue
            write_json(target, data)
            self.summary.users += 1

    # --- uploads ---------------------------------------------------------------------------

    def _uploads(self, posts: list[dict]) -> None:
        short_urls, paths = set(), set()
        for post in posts:
            found_short, found_paths = upload_references(post)
            short_urls |= found_short
            paths |= found_paths
        lookup_file = self.folder / "uploads" / "lookup.json"
        lookup = read_json(lookup_file) if lookup_file.exists() else {}
        unknown = sorted(short_urls - set(lookup))
        for start in range(0, len(unknown), CHUNK):
            chunk = unknown[start:start + CHUNK]
            response = self._request("POST", self.base + "/uploads/lookup-urls.json",
                                     data={"short_urls[]": chunk})
            try:
                answered = response.json() if response is not None else []
            except ValueError:
                answered = []
            for item in answered if isinstance(answered, list) else []:
                if isinstance(item, dict) and item.get("short_url") and item.get("url"):
                    lookup[item["short_url"]] = item["url"]
        for short_url in short_urls - set(lookup):
            # Not resolved (a read-only key may not POST): its short path redirects to it.
            lookup[short_url] = "/uploads/short-url/" + short_url.removeprefix("upload://")
        write_json(lookup_file, lookup)
        paths |= {lookup[short] for short in short_urls}
        index_file = self.folder / "uploads" / "index.json"
        index = read_json(index_file) if index_file.exists() else {}
        for reference in self.progress(sorted(paths), _("Uploads")):
            key = upload_key(reference)
            if key in index:
                self.summary.saved_before += 1
                continue
            index[key] = self._upload(reference)
            write_json(index_file, index)

    def _upload(self, reference: str) -> dict:
        url = urljoin(self.origin + "/", reference)
        if urlsplit(url).netloc.lower() != self.netloc:
            self._missing(reference, _("on another host, not downloaded"))
            return {"missing": "other host"}
        response = self._request("GET", url, headers={"Accept": "*/*"})
        if response is None:
            self._missing(reference, _("not available"))
            return {"missing": "not available"}
        path = urlsplit(url).path
        name = path.rsplit("/", 1)[-1] or "file"
        digest = hashlib.sha256(path.encode()).hexdigest()[:16]
        stored = f"files/{digest}-{name}"[:150]
        target = self.folder / "uploads" / stored
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(response.content)
        os.replace(partial, target)
        self.summary.uploads += 1
        return {"file": stored, "name": name}


def upload_key(reference: str) -> str:
    """The same upload however a post wrote it (absolute, protocol-relative or a path)."""
    return urlsplit(reference).path if "//" in reference else reference.split("?")[0]


def download_discourse(url: str, *, api_key: str, api_username: str, folder: Path,
                       progress: Progress = no_progress, **options) -> DownloadSummary:
    return DiscourseDownload(url, api_key=api_key, api_username=api_username, folder=folder,
                             progress=progress, **options).run()
