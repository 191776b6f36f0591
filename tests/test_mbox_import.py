"""`cultivate import-mbox` on real mailing-list messages (tests/data/mbox-notmuch, see its
SOURCE.md), checked against a reading of the files written here with regular expressions."""

import gzip
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cultivate.activity.models import Activity
from cultivate.attachments.models import Attachment
from cultivate.communities.models import Membership
from cultivate.conversations.mbox_import import do_import_mbox
from cultivate.conversations.models import Post, Topic
from cultivate.people.actions.claims import do_claim_account
from cultivate.people.models import User

DATA = Path(__file__).resolve().parent / "data" / "mbox-notmuch"
MBOX = DATA / "notmuch-2009-November.mbox"
MAILDIR = DATA / "maildir"
PREFIX = "mbox:notmuch"
pytestmark = pytest.mark.django_db

# --- an independent reading of the files ------------------------------------------------

IDS = re.compile(r"<([^<>\s]+)>")


def headers(raw: str) -> dict[str, str]:
    """The header block, continuation lines joined, names lowercased (first one wins)."""
    block = re.sub(r"\n[ \t]+", " ", raw.split("\n\n", 1)[0])
    found: dict[str, str] = {}
    for line in block.split("\n"):
        name, _colon, value = line.partition(":")
        found.setdefault(name.strip().lower(), value.strip())
    return found


def mbox_messages(path: Path = MBOX) -> list[dict[str, str]]:
    text = path.read_bytes().decode("latin-1")
    return [headers(chunk) for chunk in re.split(r"(?m)^From .*\n", text)[1:]]


def maildir_messages() -> list[dict[str, str]]:
    return [headers(file.read_bytes().decode("latin-1"))
            for folder in ("cur", "new") for file in sorted((MAILDIR / folder).iterdir())]


def expected_parents(messages: list[dict]) -> dict[str, str | None]:
    """Each message's parent: In-Reply-To if that message is in the archive, else the last
    reference that is; None for the first of a thread."""
    ids = {IDS.findall(m["message-id"])[0] for m in messages}
    parents = {}
    for m in messages:
        candidates = IDS.findall(m.get("in-reply-to", "")) + IDS.findall(
            m.get("references", ""))[::-1]
        parents[IDS.findall(m["message-id"])[0]] = next(
            (c for c in candidates if c in ids), None)
    return parents


def ref(message_id: str) -> str:
    return f"{PREFIX}:msg:{message_id}"


def run(path: Path, community: str = "notmuch-users", **options) -> str:
    out = StringIO()
    call_command("import_mbox", str(path), community=community, list_name="notmuch",
                 verbosity=0, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def community(make_user, make_community):
    return make_community(make_user("ana"), name="Notmuch users")


def state() -> tuple:
    return (User.objects.count(), Topic.objects.count(), Post.objects.count(),
            Membership.objects.count(), Activity.objects.count(), Attachment.objects.count())


# --- the tests --------------------------------------------------------------------------

def test_every_message_arrives_threaded_and_dated_as_in_the_archive(community):
    messages = mbox_messages()
    parents = expected_parents(messages)
    assert (len(messages), len(parents)) == (53, 52)  # the corpus holds one message twice
    output = run(MBOX)
    posts = Post.objects.filter(topic__community=community)
    assert posts.count() == 52
    openings = [mid for mid, parent in parents.items() if parent is None]
    assert Topic.objects.filter(community=community, kind="discussion").count() == len(openings)
    assert f"Read 53 messages: {len(openings)} new topics, {52 - len(openings)} new replies" \
        in output
    assert "1 duplicates" in output
    by_ref = {post.import_ref: post for post in posts.select_related("reply_to", "topic")}
    for message in messages:
        mid = IDS.findall(message["message-id"])[0]
        post = by_ref[ref(mid)]
        assert post.created_at == parsedate_to_datetime(message["date"]).astimezone(UTC)
        parent = parents[mid]
        assert post.is_opening == (parent is None)
        if parent is not None:
            assert post.reply_to.import_ref == ref(parent)
            assert post.topic_id == by_ref[ref(parent)].topic_id
    thread = by_ref[ref("20091117190054.GU3165@dottiness.seas.harvard.edu")].topic
    assert thread.title == "Working with Maildir storage?"  # "[notmuch]" and "Re:" gone
    replies = [m for m in messages if "Working with Maildir" in m["subject"]]
    assert thread.reply_count == len(replies) - 1
    assert thread.last_posted_at == max(parsedate_to_datetime(m["date"]) for m in replies)


def test_a_message_whose_parent_is_missing_starts_its_own_thread(community):
    run(MBOX)
    orphan = Post.objects.get(import_ref=ref("4EFC743A.3060609@april.org"))
    assert orphan.is_opening and orphan.reply_to is None
    assert orphan.topic.title == "Guidelines: cp, mkdir vs install"


def test_authors_are_claimable_placeholders_and_members(community, make_user):
    messages = mbox_messages()
    addresses = {re.search(r"[\w.+-]+@[\w.-]+", m["from"]).group(0).lower() for m in messages}
    run(MBOX)
    placeholders = User.objects.filter(placeholder_ref__startswith=f"{PREFIX}:addr:")
    assert {u.placeholder_ref.removeprefix(f"{PREFIX}:addr:") for u in placeholders} == addresses
    carl = placeholders.get(placeholder_ref=f"{PREFIX}:addr:cworth@cworth.org")
    assert carl.display_name == "Carl Worth"
    assert not carl.is_active and not carl.has_usable_password() and carl.is_claimable
    assert carl.placeholder_source == "notmuch"
    assert Membership.objects.filter(community=community, user=carl).exists()
    first = min(parsedate_to_datetime(m["date"]) for m in messages if "cworth.org" in m["from"])
    assert carl.date_joined == first
    claim = do_claim_account(actor=make_user("carl"), placeholder=carl,
                             evidence="I wrote these on the notmuch list in 2009.")
    assert claim.placeholder == carl


def test_every_message_is_an_activity_at_its_original_time(community):
    run(MBOX)
    posts = Post.objects.filter(topic__community=community)
    started = Activity.objects.filter(community=community, verb="topic.started")
    replied = Activity.objects.filter(community=community, verb="post.replied")
    assert started.count() == posts.filter(is_opening=True).count()
    assert replied.count() == posts.filter(is_opening=False).count()
    for activity in replied.select_related("actor")[:10]:
        post = posts.get(pk=activity.target_id)
        assert activity.occurred_at == post.created_at
        assert activity.actor == post.author and activity.payload["imported"] is True
    assert Activity.objects.filter(community=community, verb="import.completed").count() == 1


def test_running_again_adds_nothing_and_a_new_reply_joins_its_thread(community, tmp_path):
    run(MBOX)
    before = state()
    assert "Nothing was new" in run(MBOX)
    assert state() == before
    new_reply = tmp_path / "later.mbox"
    new_reply.write_text(
        "From keithp@keithp.com Sat Nov 21 10:00:00 2009\n"
        "From: Keith Packard <keithp@keithp.com>\nSubject: Re: [notmuch] archive\n"
        "Date: Sat, 21 Nov 2009 10:00:00 -0800\nMessage-ID: <later-1@keithp.com>\n"
        "In-Reply-To: <87iqd8qgiz.fsf@yoom.home.cworth.org>\n\nStill thinking about it.\n")
    output = run(new_reply)
    assert "0 new topics, 1 new replies" in output
    reply = Post.objects.get(import_ref=ref("later-1@keithp.com"))
    parent = Post.objects.get(import_ref=ref("87iqd8qgiz.fsf@yoom.home.cworth.org"))
    assert reply.topic_id == parent.topic_id and reply.reply_to == parent
    reply.topic.refresh_from_db()
    assert reply.topic.reply_count == reply.topic.posts.filter(is_opening=False).count()
    assert reply.author.placeholder_ref == f"{PREFIX}:addr:keithp@keithp.com"


def test_quoted_text_is_folded_and_signatures_removed(community):
    run(MBOX)
    raw = MBOX.read_text(encoding="latin-1")
    # Carl answers below Keith's full quote of Aron's question, and signs "-Carl".
    answer = Post.objects.get(import_ref=ref("87iqd8qgiz.fsf@yoom.home.cworth.org"))
    assert "> Yeah, the archive appears broken" in raw
    assert answer.body.startswith("Fixed it in transit in Frankfurt")
    assert "archive appears broken" not in answer.body
    assert answer.body.endswith("*(quoted text omitted)*")
    assert "<em>(quoted text omitted)</em>" in answer.body_html
    # Jiang answers between the quoted lines: the quote stays, as a block quote.
    between = Post.objects.get(import_ref=ref(
        "ddd65cda0911172214t60d22b63hcfeb5a19ab54a39b@mail.gmail.com"))
    assert "<blockquote>" in between.body_html and "It seems even _GNU_SOURCE" in between.body
    # "-- " and what follows it are gone from every post.
    signatures = re.findall(r"(?m)^-- \n(.+)", raw)
    assert signatures
    for post in Post.objects.filter(topic__community=community):
        assert "\n-- \n" not in post.body


def test_attachments_are_kept_under_the_upload_checks(community):
    raw = MBOX.read_text(encoding="latin-1")
    patches = set(re.findall(r'filename="?([^"\n]+\.patch)', raw))
    run(MBOX)
    kept = Attachment.objects.filter(community=community)
    assert {a.original_name for a in kept} == {f"{name}.txt" for name in patches}
    assert not kept.filter(original_name__startswith="signature.asc").exists()
    for attachment in kept:
        assert Post.objects.filter(body__contains=attachment.get_absolute_url()).exists()
        assert attachment.uploader.is_placeholder


def test_a_refused_attachment_is_listed_and_the_message_still_arrives(community, tmp_path):
    message = (MAILDIR / "cur" / "52:2,").read_bytes().decode("latin-1")
    head, body = message.split("\n\n", 1)
    head = re.sub(r"(?im)^content-type:.*\n(?:[ \t].*\n)*", "", head + "\n")
    head = re.sub(r"(?im)^content-transfer-encoding:.*\n", "", head)
    mixed = (head + 'Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
             "Content-Type: text/plain; charset=iso-8859-1\n\n" + body + "\n--b\n"
             'Content-Type: text/html\nContent-Disposition: attachment; filename="page.html"'
             "\n\n<html><script>alert(1)</script></html>\n--b--\n")
    archive = tmp_path / "one.mbox"
    archive.write_bytes(b"From boulogne.f@gmail.com Thu Dec 29 14:07:54 2011\n"
                        + mixed.encode("latin-1"))
    output = run(archive)
    assert "1 refused" in output and "Attachment refused: page.html" in output
    assert Post.objects.filter(import_ref=ref("4EFC743A.3060609@april.org")).exists()
    assert not Attachment.objects.exists()


def test_a_maildir_is_read_like_an_mbox(community):
    """Only part of the list is in the Maildir: replies whose parent is missing share a
    thread by their first reference (the thread's root), which starts at its oldest one."""
    messages = maildir_messages()
    parents = expected_parents(messages)
    output = run(MAILDIR)
    assert f"Read {len(messages)} messages" in output
    posts = {p.import_ref: p for p in Post.objects.filter(topic__community=community)}
    assert len(messages) == 26 and len(posts) == len(parents)
    roots: dict[str, list] = {}
    for m in messages:
        mid = IDS.findall(m["message-id"])[0]
        chain = IDS.findall(m.get("references", "")) or IDS.findall(m.get("in-reply-to", ""))
        roots.setdefault(chain[0] if chain else mid, []).append(
            (parsedate_to_datetime(m["date"]), mid))
    assert Topic.objects.filter(community=community).count() == len(roots)
    for thread in roots.values():
        oldest = min(thread)[1]
        assert posts[ref(oldest)].is_opening
        assert len({posts[ref(mid)].topic_id for _when, mid in thread}) == 1
    for mid, parent in parents.items():
        post = posts[ref(mid)]
        assert (post.reply_to.import_ref if post.reply_to else None) == (
            ref(parent) if parent else None)


def pipermail(messages: str) -> str:
    """The mbox as Mailman 2's pipermail writes its monthly .txt: addresses "x at y"."""
    text = re.sub(r"(?m)^From (\S+)@(\S+) ", r"From \1 at \2  ", messages)
    return re.sub(r"(?m)^(From:.*?)([\w.+-]+)@([\w.-]+)", r"\1\2 at \3", text)


def test_pipermail_gzip_and_missing_headers(community, tmp_path):
    text = MBOX.read_text(encoding="latin-1")
    text = pipermail(text)
    # Old archives lose headers: no Message-ID on one message, no Date on another.
    text = text.replace("Message-ID: <877h1wv7mg.fsf@inf-8657.int-evry.fr>\n", "", 1)
    text = re.sub(r"(?m)^Date: Tue, 17 Nov 2009 23:35:30 \+0100\n", "", text, count=1)
    folder = tmp_path / "notmuch"
    folder.mkdir()
    with gzip.open(folder / "2009-November.txt.gz", "wt", encoding="latin-1") as packed:
        packed.write(text)
    output = run(folder)
    assert "Read 53 messages" in output
    assert "1 messages had no Message-ID" in output
    assert "1 messages had no readable Date header" in output
    assert User.objects.filter(placeholder_ref=f"{PREFIX}:addr:cworth@cworth.org").exists()
    assert not User.objects.filter(placeholder_ref__contains=" at ").exists()
    synthetic = Post.objects.get(import_ref__startswith=f"{PREFIX}:msg:synthetic-")
    assert "accentu" in synthetic.topic.title
    # The From_ line gave the date: the same instant, in UTC.
    dated = Post.objects.get(import_ref=ref("f35dbb950911171435ieecd458o853c873e35f4be95@"
                                            "mail.gmail.com"))
    assert dated.created_at == datetime(2009, 11, 17, 22, 35, 30, tzinfo=UTC)
    before = state()
    assert "Nothing was new" in run(folder)
    assert state() == before


def test_bad_arguments_are_explained(make_user, make_community, tmp_path):
    with pytest.raises(CommandError, match="No community"):
        run(MBOX, community="nowhere")
    make_community(make_user("ana"), name="Notmuch users")
    with pytest.raises(CommandError, match="no file or folder"):
        run(tmp_path / "missing.mbox")
    with pytest.raises(CommandError, match="No mail messages"):
        run(tmp_path)
    with pytest.raises(CommandError, match="No user"):
        run(MBOX, username="nobody")
    assert Topic.objects.count() == 0


def test_worker_processes_give_the_same_import(community):
    parents = expected_parents(mbox_messages())
    openings = sum(parent is None for parent in parents.values())
    report = do_import_mbox(actor=community.memberships.first().user, community=community,
                            path=MBOX, list_name="notmuch", workers=2)
    assert (report.messages, report.topics, report.replies) == (53, openings, 52 - openings)
    assert Post.objects.filter(topic__community=community).count() == 52
    assert all(p.body_html for p in Post.objects.all())
