"""Downloading a Discourse forum from a real local HTTP server that answers with real Discourse
API responses (tests/data/discourse-try, see its SOURCE.md), then importing the folder; both
checked against an independent reading of those JSON files."""

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command

from cultivate.activity.models import Activity
from cultivate.attachments.models import Attachment
from cultivate.communities.models import Membership
from cultivate.conversations.discourse_download import DownloadError, download_discourse
from cultivate.conversations.discourse_import import do_import_discourse
from cultivate.conversations.models import Helpful, Post, Topic
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.people.models import User

API = Path(__file__).parent / "data" / "discourse-try" / "api"
KEY, USERNAME = "test-key-0123456789", "system"
PREFIX = "discourse:127.0.0.1"
TOPIC_PAGE = 2  # posts the server puts in /t/<id>.json; the rest come by post_ids[]


def api(name: str):
    return json.loads((API / name).read_text(encoding="utf-8"))


# --- an independent reading of the forum ------------------------------------------------------

def forum_topics() -> dict[int, dict]:
    return {t["id"]: t for t in (api(p.name) for p in sorted(API.glob("t-*.json")))}


def kept(topic: dict) -> list[dict]:
    return [p for p in topic["post_stream"]["posts"]
            if p.get("post_type", 1) == 1 and not p.get("deleted_at")]


def when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# --- the forum, served ------------------------------------------------------------------------

class Forum(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[tuple[str, str]] = []  # (path?query, Api-Key)
        self.broken: set[str] = set()  # paths that answer 503
        self.throttle: set[str] = {"/t/4.json"}  # paths that answer 429 once
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def asked(self, path: str) -> int:
        return sum(1 for seen, _key in self.requests if urlsplit(seen).path == path)


class Handler(BaseHTTPRequestHandler):
    server: Forum

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - http.server's hook
        self._answer()

    def do_POST(self):  # noqa: N802
        self._answer()

    def _answer(self):
        forum, parts = self.server, urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode()) if length else {}
        query = parse_qs(parts.query)
        with forum.lock:
            forum.requests.append((self.path, self.headers.get("Api-Key")))
        if (self.headers.get("Api-Key"), self.headers.get("Api-Username")) != (KEY, USERNAME):
            return self._json(403, {"errors": ["You are not permitted to view the requested "
                                               "resource. The API username or key is invalid."],
                                    "error_type": "invalid_access"})
        if parts.path in forum.broken:
            return self._json(503, {"errors": ["down"]})
        if parts.path in forum.throttle:
            forum.throttle.discard(parts.path)
            return self._json(429, {"errors": ["slow down"], "error_type": "rate_limit",
                                    "extras": {"wait_seconds": 1}}, {"Retry-After": "1"})
        return self._route(parts.path, query, form)

    def _route(self, path: str, query: dict, form: dict):
        if path == "/categories.json":
            return self._file("categories.json")
        if path == "/latest.json":
            return self._file(f"latest-{int(query.get('page', ['0'])[0])}.json")
        parts = path.strip("/").split("/")
        if parts[0] == "t" and len(parts) == 2:
            topic = api(f"t-{parts[1].removesuffix('.json')}.json")
            topic["post_stream"]["posts"] = topic["post_stream"]["posts"][:TOPIC_PAGE]
            return self._json(200, topic)
        if parts[0] == "t" and parts[2:] == ["posts.json"]:
            wanted = {int(i) for i in query.get("post_ids[]", [])}
            posts = api(f"t-{parts[1]}.json")["post_stream"]["posts"]
            return self._json(200, {"post_stream": {"posts": [
                p for p in posts if p["id"] in wanted]}, "id": int(parts[1])})
        if path == "/post_action_users.json" and query.get("post_action_type_id") == ["2"]:
            return self._file(f"likes-{int(query['id'][0])}.json")
        if parts[0] == "u":
            return self._file(f"user-{parts[1].removesuffix('.json')}.json")
        if path == "/uploads/lookup-urls.json":
            asked = set(form.get("short_urls[]", []))
            return self._json(200, [u for u in api("lookup-urls.json") if u["short_url"] in asked])
        if path.startswith("/uploads/short-url/"):  # as on a forum whose files sit on a CDN
            self.send_response(302)
            self.send_header("Location", "http://cdn.elsewhere.invalid" + path)
            self.end_headers()
            return None
        if path.startswith("/uploads/default/original/"):
            stored = API / "files" / path.rsplit("/", 1)[1]
            if stored.is_file():
                return self._send(200, stored.read_bytes(), "image/gif")
        return self._json(404, {"errors": ["not found"], "error_type": "not_found"})

    def _file(self, name: str):
        if not (API / name).is_file():
            return self._json(404, {"errors": ["not found"], "error_type": "not_found"})
        return self._send(200, (API / name).read_bytes(), "application/json")

    def _json(self, status: int, data, headers=None):
        return self._send(status, json.dumps(data).encode(), "application/json", headers)

    def _send(self, status: int, body: bytes, content_type: str, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def forum():
    server = Forum()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def download(forum, tmp_path_factory):
    """The folder, downloaded in two runs: the forum fails halfway through the first."""
    folder = tmp_path_factory.mktemp("discourse") / "try"
    forum.broken = {"/t/8.json"}
    with pytest.raises(DownloadError, match="keeps failing"):
        download_discourse(forum.url, api_key=KEY, api_username=USERNAME, folder=folder,
                           attempts=3, backoff=0.01)
    first = list(forum.requests)
    forum.broken = set()
    call_command("download_discourse", forum.url, api_key=KEY, api_username=USERNAME,
                 folder=str(folder), verbosity=0)
    return folder, first, forum.requests[len(first):]


# --- the download -----------------------------------------------------------------------------

def test_the_download_saves_every_response_and_continues_where_it_stopped(forum, download):
    folder, first, second = download
    assert all(key == KEY for _path, key in forum.requests)
    # The first run saved the listing and topic 57 before the forum failed on topic 8 …
    assert [urlsplit(p).path for p, _k in first].count("/t/8.json") == 3
    assert "/t/57.json" not in {urlsplit(p).path for p, _k in second}
    # The listing is not asked again, but for its last page (where new topics would be).
    assert [p for p, _k in second if p.startswith("/latest.json")] == [
        p for p, _k in first if p.startswith("/latest.json")][-1:]
    assert forum.asked("/t/57.json") == forum.asked("/t/8.json") - 3 == 1
    # … one 429 was waited out, then asked again.
    assert forum.asked("/t/4.json") == 2
    state = json.loads((folder / "state.json").read_text())
    assert state["complete"] and state["url"] == forum.url
    assert len(list((folder / "latest").glob("*.json"))) == len(list(API.glob("latest-*")))
    for topic_id, topic in forum_topics().items():
        saved = json.loads((folder / "topics" / f"{topic_id}.json").read_text())
        assert [p["id"] for p in saved["post_stream"]["posts"]] == topic["post_stream"]["stream"]
    assert forum.asked("/t/57/posts.json") == 1  # the posts beyond the first page, in a chunk
    assert json.loads((folder / "likes" / "123456.json").read_text()) == api(
        "likes-123456.json")
    assert (folder / "users" / "1.json").is_file()  # jane_smith, who liked post 123456
    index = json.loads((folder / "uploads" / "index.json").read_text())
    gif = next(v for k, v in index.items() if k.endswith(".gif"))
    assert (folder / "uploads" / gif["file"]).read_bytes().startswith(b"GIF89a")
    # The short URL that redirects to another host was not followed.
    assert index["/uploads/short-url/7eVGzrbpUyPyWCNf2Uj4TPIjJcq.pdf"] == {
        "missing": "not available"}


def test_a_refused_key_is_said_plainly(forum, tmp_path):
    with pytest.raises(CommandError, match="API key"):
        call_command("download_discourse", forum.url, api_key="wrong", api_username=USERNAME,
                     folder=str(tmp_path / "x"), verbosity=0)


def test_a_folder_of_another_forum_is_not_mixed_in(download):
    folder, _first, _second = download
    with pytest.raises(CommandError, match="another folder"):
        call_command("download_discourse", "https://forum.example.org", api_key=KEY,
                     folder=str(folder), verbosity=0)


# --- the import -------------------------------------------------------------------------------

def counts() -> tuple:
    return (User.objects.count(), Topic.objects.count(), Post.objects.count(),
            Helpful.objects.count(), Attachment.objects.count(), Membership.objects.count(),
            Activity.objects.count())


@pytest.fixture
def communities(make_user, make_community):
    ana = make_user("ana")
    return ana, {slug: make_community(ana, name=name) for slug, name in
                 (("sandbox", "Sandbox"), ("welcome", "Welcome"), ("markdown", "Markdown"))}


@pytest.fixture
def imported(download, communities):
    folder = download[0]
    ana, by_slug = communities
    report = do_import_discourse(actor=ana, directory=folder, category_map={
        "test1": "sandbox", "test2": "welcome", "test3": "markdown"})
    return report, by_slug


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_each_category_lands_in_its_community_with_every_kept_post(imported):
    report, by_slug = imported
    category_to = {1: "sandbox", 2: "welcome", 3: "markdown"}
    for topic in forum_topics().values():
        community = by_slug[category_to[topic["category_id"]]]
        opening = Post.objects.get(import_ref=f"{PREFIX}:post:{kept(topic)[0]['id']}")
        assert opening.topic.community == community and opening.is_opening
        assert opening.topic.title == topic["title"]
        assert opening.topic.created_at == when(topic["created_at"])
        refs = {f"{PREFIX}:post:{p['id']}" for p in kept(topic)}
        assert set(opening.topic.posts.values_list("import_ref", flat=True)) == refs
        assert opening.topic.reply_count == len(refs) - 1
    everything = [p for t in forum_topics().values() for p in t["post_stream"]["posts"]]
    assert report.topics == len(forum_topics())
    assert report.posts == sum(len(kept(t)) - 1 for t in forum_topics().values())
    assert report.skipped_whispers == sum(p.get("post_type") == 4 for p in everything) == 1
    assert report.skipped_notices == sum(p.get("post_type") in (2, 3) for p in everything) == 1
    assert report.skipped_deleted == sum(bool(p.get("deleted_at")) for p in everything) == 1


def test_replies_dates_tags_and_the_solved_answer_are_kept(imported):
    for topic in forum_topics().values():
        numbers = {p["post_number"]: p for p in kept(topic)}
        for post in kept(topic):
            mine = Post.objects.get(import_ref=f"{PREFIX}:post:{post['id']}")
            assert mine.created_at == when(post["created_at"])
            assert mine.author.placeholder_ref == f"{PREFIX}:user:{post['user_id']}"
            target = numbers.get(post.get("reply_to_post_number"))
            assert (mine.reply_to.import_ref if mine.reply_to else None) == (
                f"{PREFIX}:post:{target['id']}" if target else None)
    assert Post.objects.get(import_ref=f"{PREFIX}:post:226").reply_to.import_ref == (
        f"{PREFIX}:post:83")
    sandbox = Post.objects.get(import_ref=f"{PREFIX}:post:83").topic
    assert sorted(t.name for t in sandbox.tags.all()) == sorted(api("t-57.json")["tags"])
    solved = api("t-8.json")
    answer = next(p for p in solved["post_stream"]["posts"]
                  if p["post_number"] == solved["accepted_answer"]["post_number"])
    topic = Post.objects.get(import_ref=f"{PREFIX}:post:{answer['id']}").topic
    assert topic.kind == "question" and topic.accepted_answer.import_ref.endswith(
        f":{answer['id']}")
    assert Topic.objects.filter(accepted_answer__isnull=False).count() == 1
    assert Post.objects.get(import_ref=f"{PREFIX}:post:83").topic.kind == "discussion"
    assert Post.objects.get(import_ref=f"{PREFIX}:post:40").topic.is_closed


def test_likes_become_helpful_marks_or_counts_never_both(imported):
    report, _ = imported
    likers = api("likes-123456.json")["post_action_users"]
    liked = Post.objects.get(import_ref=f"{PREFIX}:post:123456")
    assert sorted(h.user.placeholder_ref for h in Helpful.objects.filter(post=liked)) == sorted(
        f"{PREFIX}:user:{u['id']}" for u in likers)
    assert liked.imported_helpful == 0
    for post in api("t-57.json")["post_stream"]["posts"]:
        counted = next(a["count"] for a in post["actions_summary"] if a["id"] == 2)
        mine = Post.objects.filter(import_ref=f"{PREFIX}:post:{post['id']}").first()
        if mine is not None:
            assert mine.imported_helpful == counted and not Helpful.objects.filter(post=mine)
    assert report.helpful == len(likers) and report.helpful_counted == 10
    assert any("liked 2 posts" in line for line in report.absent)


def test_people_are_claimable_placeholders_with_their_profiles(imported, make_user):
    from cultivate.people.actions import do_claim_account, do_decide_claim

    jane = User.objects.get(placeholder_ref=f"{PREFIX}:user:1")
    profile = api("user-jane_smith.json")["user"]
    assert (jane.display_name, jane.location) == (profile["name"], profile["location"])
    assert not jane.is_active and not jane.has_usable_password()
    assert jane.placeholder_source == "127.0.0.1"
    fuzzy = User.objects.get(placeholder_ref=f"{PREFIX}:user:3")  # no profile saved
    assert fuzzy.display_name == "Fuzzy"
    sam = User.objects.get(placeholder_ref=f"{PREFIX}:user:15")
    claim = do_claim_account(actor=make_user("sam"), placeholder=sam,
                             evidence="I am samsaffron on try.discourse.org")
    do_decide_claim(actor=User.objects.get(username="ana"), claim=claim, approve=True)
    assert Post.objects.get(import_ref=f"{PREFIX}:post:83").author.username == "sam"


def test_every_topic_and_post_is_activity_at_its_time(imported):
    topic = api("t-57.json")
    started = Activity.objects.get(verb="topic.started",
                                   target_id=Post.objects.get(import_ref=f"{PREFIX}:post:83"
                                                              ).topic_id)
    assert started.occurred_at == when(topic["post_stream"]["posts"][0]["created_at"])
    answer = api("t-8.json")["post_stream"]["posts"][1]
    answered = Activity.objects.get(verb="answer.posted")
    assert answered.occurred_at == when(answer["created_at"])
    assert Activity.objects.filter(verb="question.asked").count() == 1
    assert Activity.objects.filter(verb="answer.accepted").count() == 1
    replies = sum(len(kept(t)) - 1 for t in forum_topics().values())
    assert Activity.objects.filter(verb__in=["post.replied", "answer.posted"]).count() == replies
    assert Activity.objects.filter(verb="import.completed").count() == 3


def test_uploads_become_attachments_and_missing_ones_are_reported(imported):
    report, by_slug = imported
    attachment = Attachment.objects.get()
    assert attachment.community == by_slug["markdown"]
    assert attachment.content_type == "image/gif" and attachment.original_name == (
        "grumpy_cat.gif")
    opening = Post.objects.get(import_ref=f"{PREFIX}:post:40")
    assert f"![grumpy_cat.gif]({attachment.get_absolute_url()})" in opening.body
    assert "upload://" not in opening.body
    assert "/uploads/default/original/1X/6a1b2c3d4e5f60718293a4b5c6d7e8f901234567.pdf" in (
        opening.body)
    assert any("upload" in line and "7eVGzrbpUyPyWCNf2Uj4TPIjJcq.pdf" in line
               for line in report.absent)


def test_running_it_again_adds_nothing(imported, download, communities):
    before = counts()
    report = do_import_discourse(actor=communities[0], directory=download[0], category_map={
        "test1": "sandbox", "test2": "welcome", "test3": "markdown"})
    assert counts() == before and not report.changed


def test_one_community_takes_everything_and_unmapped_categories_are_skipped(
        download, communities):
    ana, by_slug = communities
    out = StringIO()
    call_command("import_discourse", str(download[0]), community="welcome", verbosity=0,
                 stdout=out)
    assert f"Imported {len(forum_topics())} topics" in out.getvalue()
    assert "What the download lacked:\n  - Who liked 2 posts" in out.getvalue()
    assert Topic.objects.filter(community=by_slug["welcome"]).count() == len(forum_topics())
    Topic.objects.all().delete()
    Post.objects.all().delete()
    report = do_import_discourse(actor=ana, directory=download[0],
                                 category_map={"test1": "sandbox"})
    assert Topic.objects.count() == 1 and report.skipped_unmapped == 2


def test_bad_folders_and_arguments_are_explained_and_write_nothing(download, communities,
                                                                   make_user, tmp_path):
    folder = download[0]
    with pytest.raises(CommandError, match="not a Discourse download"):
        call_command("import_discourse", str(tmp_path), community="welcome", verbosity=0)
    with pytest.raises(CommandError, match="no category nowhere"):
        call_command("import_discourse", str(folder), "--map", "nowhere=welcome", verbosity=0)
    with pytest.raises(CommandError, match="No community"):
        call_command("import_discourse", str(folder), "--map", "test1=nowhere", verbosity=0)
    with pytest.raises(NotAllowed):
        do_import_discourse(actor=make_user("outsider"), directory=folder,
                            community=communities[1]["welcome"])
    # A damaged file after good ones: nothing of the good ones stays, files included.
    broken = tmp_path / "broken"
    for path in folder.rglob("*"):
        if path.is_file():
            (broken / path.relative_to(folder)).parent.mkdir(parents=True, exist_ok=True)
            (broken / path.relative_to(folder)).write_bytes(path.read_bytes())
    (broken / "topics" / "99.json").write_text('{"post_stream": ')
    stored_before = stored_files()
    with pytest.raises(ActionError, match="99.json"):
        do_import_discourse(actor=communities[0], directory=broken,
                            community=communities[1]["welcome"])
    assert counts()[1:5] == (0, 0, 0, 0)
    assert User.objects.filter(placeholder_ref__isnull=False).count() == 0
    assert stored_files() == stored_before


def stored_files() -> set[Path]:
    from django.conf import settings

    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}
