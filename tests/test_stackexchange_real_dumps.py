"""The Stack Exchange importer on a real dump with every file (tests/data/stackexchange-conlang-
meta: Votes.xml and PostHistory.xml too), and on copies of it with files, attributes or rows
taken away as real dumps come. Expected figures are read from the XML here, independently."""

import re
import shutil
import xml.etree.ElementTree as ET  # noqa: S405 - our own test data
from collections import Counter
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cultivate.activity.models import Activity
from cultivate.communities.models import Membership
from cultivate.conversations.models import Post, PostRevision, Topic
from cultivate.people.models import User

DUMP = Path(__file__).parent / "data" / "stackexchange-conlang-meta"
SITE = "conlang.meta.stackexchange.com"
PREFIX = f"stackexchange:{SITE}"
SLUG = "conlang-meta"
TEXT_EDITS = {"4", "5", "7", "8"}  # PostHistoryTypeId: title and body edits and rollbacks
pytestmark = pytest.mark.django_db


def rows(name: str, directory: Path = DUMP) -> list[dict]:
    return [row.attrib for row in ET.parse(directory / name).getroot()]  # noqa: S314


def when(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def run(directory: Path = DUMP) -> str:
    out = StringIO()
    call_command("import_stackexchange", str(directory), community=SLUG, site=SITE,
                 verbosity=0, stdout=out)
    return out.getvalue()


def copy_of_dump(tmp_path: Path, *, without: tuple[str, ...] = ()) -> Path:
    copy = tmp_path / "dump"
    shutil.copytree(DUMP, copy)
    for name in without:
        (copy / name).unlink()
    return copy


def edit_rows(path: Path, change) -> None:
    """Rewrite an XML file with `change(row_attributes)` applied to every row."""
    tree = ET.parse(path)  # noqa: S314
    for row in tree.getroot():
        change(row.attrib)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def questions_and_answers(directory: Path = DUMP) -> tuple[list[dict], list[dict]]:
    posts = rows("Posts.xml", directory)
    questions = [p for p in posts if p["PostTypeId"] == "1"]
    ids = {q["Id"] for q in questions}
    return questions, [p for p in posts if p["PostTypeId"] == "2" and p.get("ParentId") in ids]


def text_edits(directory: Path = DUMP) -> dict[str, list[dict]]:
    """Per imported post, its title and body edits: the PostHistory rows of one RevisionGUID."""
    questions, answers = questions_and_answers(directory)
    imported = {p["Id"] for p in questions + answers}
    edits: dict[str, dict[str, dict]] = {}
    for row in rows("PostHistory.xml", directory):
        if row["PostHistoryTypeId"] in TEXT_EDITS and row["PostId"] in imported:
            edits.setdefault(row["PostId"], {}).setdefault(row["RevisionGUID"], row)
    return {post_id: sorted(found.values(), key=lambda r: r["CreationDate"])
            for post_id, found in edits.items()}


def snapshot() -> tuple:
    return (User.objects.count(), Topic.objects.count(), Post.objects.count(),
            PostRevision.objects.count(), Membership.objects.count(), Activity.objects.count(),
            sorted(Post.objects.values_list("pk", "imported_helpful", "edited_at")))


@pytest.fixture
def community(make_user, make_community):
    return make_community(make_user("ana"), name="Conlang Meta")


def test_the_whole_dump_arrives_with_its_authors(community):
    output = run()
    questions, answers = questions_and_answers()
    comments = rows("Comments.xml")
    assert (len(questions), len(answers), len(comments)) == (54, 115, 230)
    imported = Post.objects.filter(topic__community=community)
    assert Topic.objects.filter(community=community, kind="question").count() == 54
    assert imported.filter(is_opening=False, import_ref__contains=":post:").count() == 115
    assert imported.filter(import_ref__contains=":comment:").count() == 230
    assert "Imported 54 questions, 115 answers, 230 comments" in output
    assert "What the dump lacked" not in output
    for question in questions:
        topic = Post.objects.get(import_ref=f"{PREFIX}:post:{question['Id']}").topic
        assert (topic.title, topic.created_at) == (question["Title"],
                                                   when(question["CreationDate"]))
    # A deleted user is named on the post (OwnerDisplayName); "Community" (-1) owns a wiki.
    by_name = next(a for a in answers if "OwnerUserId" not in a)
    post = Post.objects.get(import_ref=f"{PREFIX}:post:{by_name['Id']}")
    assert post.author.display_name == by_name["OwnerDisplayName"]
    wiki = next(q for q in questions if q.get("OwnerUserId") == "-1")
    author = Post.objects.get(import_ref=f"{PREFIX}:post:{wiki['Id']}").author
    assert (author.display_name, author.is_active) == ("Community", False)
    anonymous = [c for c in comments if "UserId" not in c]
    assert anonymous and all(
        Post.objects.get(import_ref=f"{PREFIX}:comment:{c['Id']}").author.display_name
        == c["UserDisplayName"] for c in anonymous)


def test_up_votes_are_helpful_counts_readers_see(community, client, make_user, signed_in):
    run()
    up_votes = Counter(v["PostId"] for v in rows("Votes.xml") if v["VoteTypeId"] == "2")
    questions, answers = questions_and_answers()
    for source in questions + answers:
        post = Post.objects.get(import_ref=f"{PREFIX}:post:{source['Id']}")
        assert post.imported_helpful == up_votes[source["Id"]], source["Id"]
    best_answer = max(answers, key=lambda a: up_votes[a["Id"]])
    post = Post.objects.get(import_ref=f"{PREFIX}:post:{best_answer['Id']}")
    votes = up_votes[best_answer["Id"]]
    page = client.get(post.topic.get_absolute_url()).content.decode()
    assert f"{votes} found this helpful" in page
    api = client.get(f"/api/v1/communities/{SLUG}/topics/{post.topic_id}").json()
    assert {p["id"]: p["helpful_count"] for p in api["posts"]}[post.pk] == votes
    # A member's own mark adds to the imported ones.
    member = make_user("mira")
    Membership.objects.create(community=community, user=member, role="member")
    browser = signed_in(member)
    browser.post(f"{post.topic.get_absolute_url()}p/{post.pk}/helpful/", {"helpful": "on"})
    page = client.get(post.topic.get_absolute_url()).content.decode()
    assert f"{votes + 1} found this helpful" in page


def test_earlier_texts_are_revisions_with_their_times_and_editors(community, client):
    run()
    edits = text_edits()
    expected = sum(len(found) for found in edits.values())
    assert expected > 50
    assert PostRevision.objects.filter(post__topic__community=community).count() == expected
    assert Activity.objects.filter(verb="post.edited", community=community).count() == expected
    for post_id, found in edits.items():
        post = Post.objects.get(import_ref=f"{PREFIX}:post:{post_id}")
        assert post.edited_at == when(found[-1]["CreationDate"])
        assert sorted(r.replaced_at for r in post.revisions.all()) == [
            when(row["CreationDate"]) for row in found]
    never_edited = Post.objects.filter(topic__community=community).exclude(
        import_ref__regex=r":post:(" + "|".join(edits) + r")$")
    assert not never_edited.filter(edited_at__isnull=False).exists()
    # Question 5 was retitled and rewritten by user 2, then rewritten by its author (user 8).
    history = [h for h in rows("PostHistory.xml") if h["PostId"] == "5"]
    first_title = next(h["Text"] for h in history if h["PostHistoryTypeId"] == "1")
    post = Post.objects.get(import_ref=f"{PREFIX}:post:5")
    newest, oldest = post.revisions.all()  # newest first
    assert oldest.title == first_title and newest.title == ""
    assert oldest.edited_by.placeholder_ref == f"{PREFIX}:user:2"
    assert newest.edited_by.placeholder_ref == f"{PREFIX}:user:8"
    assert "planned to post this question for a long time" in oldest.body
    assert "planned to post" not in newest.body
    current = next(p for p in rows("Posts.xml") if p["Id"] == "5")
    assert post.topic.title == current["Title"]
    assert "exporting as image" in post.body and "exporting as image" in current["Body"]
    page = client.get(post.topic.get_absolute_url()).content.decode()
    assert f"p/{post.pk}/revisions/" in page
    revisions = client.get(f"{post.topic.get_absolute_url()}p/{post.pk}/revisions/")
    text = revisions.content.decode()
    assert revisions.status_code == 200 and f"Title was: “{first_title}”" in text
    assert oldest.edited_by.display_name in text


def test_running_it_again_changes_nothing(community):
    run()
    before = snapshot()
    assert "Nothing was new" in run()
    assert snapshot() == before


def test_votes_and_history_arriving_later_are_added_once(community, tmp_path):
    partial = copy_of_dump(tmp_path, without=("Votes.xml", "PostHistory.xml"))
    output = run(partial)
    assert "Votes.xml is missing" in output and "PostHistory.xml is missing" in output
    assert not PostRevision.objects.exists()
    assert not Post.objects.filter(imported_helpful__gt=0).exists()
    run()
    up_votes = Counter(v["PostId"] for v in rows("Votes.xml") if v["VoteTypeId"] == "2")
    assert Post.objects.get(import_ref=f"{PREFIX}:post:15").imported_helpful == up_votes["15"]
    assert PostRevision.objects.count() == sum(len(f) for f in text_edits().values())
    before = snapshot()
    run()
    assert snapshot() == before


@pytest.mark.parametrize("missing", ["Users.xml", "Comments.xml", "Votes.xml",
                                     "PostHistory.xml", "Badges.xml"])
def test_each_missing_file_is_reported_and_the_rest_imported(community, tmp_path, missing):
    dump = copy_of_dump(tmp_path, without=(missing,))
    output = run(dump)
    questions, answers = questions_and_answers(dump)
    assert Topic.objects.filter(community=community).count() == len(questions)
    replies = Post.objects.filter(topic__community=community, is_opening=False)
    assert replies.filter(import_ref__contains=":post:").count() == len(answers)
    if missing == "Badges.xml":  # not used: nothing is lacking
        assert "What the dump lacked" not in output
        return
    assert f"{missing} is missing" in output.split("What the dump lacked:")[1]
    comments = replies.filter(import_ref__contains=":comment:").count()
    assert comments == (0 if missing == "Comments.xml" else len(rows("Comments.xml")))
    helpful = Post.objects.filter(imported_helpful__gt=0).exists()
    assert helpful == (missing != "Votes.xml")
    assert PostRevision.objects.exists() == (missing != "PostHistory.xml")
    if missing == "Users.xml":  # people stay apart, named as Stack Exchange names them
        owner = questions[0]["OwnerUserId"]
        author = Post.objects.get(import_ref=f"{PREFIX}:post:{questions[0]['Id']}").author
        assert (author.placeholder_ref, author.display_name) == (
            f"{PREFIX}:user:{owner}", f"user{owner}")


def test_only_posts_is_enough(community, tmp_path):
    dump = copy_of_dump(tmp_path, without=("Users.xml", "Comments.xml", "Votes.xml",
                                           "PostHistory.xml", "Badges.xml"))
    output = run(dump)
    lacked = output.split("What the dump lacked:")[1]
    for name in ("Users.xml", "Comments.xml", "Votes.xml", "PostHistory.xml"):
        assert f"{name} is missing" in lacked
    questions, answers = questions_and_answers(dump)
    assert Post.objects.count() == len(questions) + len(answers)
    authors = {p.get("OwnerUserId") or p.get("OwnerDisplayName") for p in questions + answers}
    assert Membership.objects.filter(community=community, user__is_active=False).count() == len(
        authors)


def test_rows_missing_fields_are_imported_around(community, tmp_path):
    dump = copy_of_dump(tmp_path)
    questions, answers = questions_and_answers()
    untitled, no_body = questions[1]["Id"], questions[2]["Id"]
    undated, anonymous, orphan = answers[0]["Id"], answers[1]["Id"], answers[2]["Id"]

    def strip(row):
        if row["Id"] == untitled:
            del row["Title"]
        if row["Id"] == no_body:
            row.pop("Body")
        if row["Id"] == undated:
            del row["CreationDate"]
        if row["Id"] == anonymous:
            row.pop("OwnerUserId", None)
            row.pop("OwnerDisplayName", None)
        if row["Id"] == orphan:
            row["ParentId"] = "999999"
    edit_rows(dump / "Posts.xml", strip)
    on_orphan = [c["Id"] for c in rows("Comments.xml") if c["PostId"] == orphan]
    first_comment = rows("Comments.xml")[0]["Id"]

    def strip_comment(row):
        if row["Id"] == first_comment:
            row["PostId"] = "888888"
    edit_rows(dump / "Comments.xml", strip_comment)
    output = run(dump)
    lacked = output.split("What the dump lacked:")[1]
    assert "1 answer whose question is not in the dump was left out" in lacked
    left_out = len(on_orphan) + 1
    assert f"{left_out} comments on posts that are not in the dump were left out" in lacked
    assert "1 post or comment had no date" in lacked
    assert not Post.objects.filter(import_ref=f"{PREFIX}:post:{orphan}").exists()
    assert Post.objects.filter(import_ref__contains=":comment:").count() == (
        len(rows("Comments.xml")) - left_out)
    topic = Post.objects.get(import_ref=f"{PREFIX}:post:{untitled}").topic
    assert topic.title == "(untitled)"
    assert Post.objects.get(import_ref=f"{PREFIX}:post:{no_body}").body == "…"
    answer = Post.objects.get(import_ref=f"{PREFIX}:post:{undated}")
    parent = next(q for q in questions if q["Id"] == answers[0]["ParentId"])
    assert answer.created_at == when(parent["CreationDate"])
    posted = Activity.objects.get(verb="answer.posted", target_id=answer.pk)
    assert posted.occurred_at == answer.created_at and posted.payload["time_approximate"]
    nobody = Post.objects.get(import_ref=f"{PREFIX}:post:{anonymous}").author
    assert (nobody.placeholder_ref, nobody.display_name) == (f"{PREFIX}:deleted", "deleted user")


def test_broken_files_are_reported_and_the_rest_imported(community, tmp_path):
    dump = copy_of_dump(tmp_path)
    comments = (dump / "Comments.xml").read_text(encoding="utf-8-sig")
    cut = comments[: len(comments) // 2]
    (dump / "Comments.xml").write_text(cut, encoding="utf-8")
    whole_rows_before_cut = len(re.findall(r"<row [^\n]*/>", cut))
    votes = (dump / "Votes.xml").read_text(encoding="utf-8-sig")
    broken = '  <row Id="0" PostId="15" VoteTypeId="2 CreationDate="2018-02-06" />\n'
    (dump / "Votes.xml").write_text(votes.replace("<votes>\n", "<votes>\n" + broken))
    (dump / "PostHistory.xml").write_text("")
    output = run(dump)
    lacked = output.split("What the dump lacked:")[1]
    assert "Comments.xml is cut off" in lacked
    assert "Votes.xml: 1 row could not be read" in lacked
    assert "PostHistory.xml is empty" in lacked
    assert Post.objects.filter(import_ref__contains=":comment:").count() == whole_rows_before_cut
    up_votes = Counter(v["PostId"] for v in rows("Votes.xml") if v["VoteTypeId"] == "2")
    assert Post.objects.get(import_ref=f"{PREFIX}:post:15").imported_helpful == up_votes["15"]
    assert not PostRevision.objects.exists()


def test_a_dump_without_posts_is_refused(community, tmp_path):
    with pytest.raises(CommandError, match="Posts.xml"):
        run(copy_of_dump(tmp_path, without=("Posts.xml",)))
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "Posts.xml").write_text('<?xml version="1.0" encoding="utf-8"?>\n<posts>\n</posts>\n')
    with pytest.raises(CommandError, match="no question or answer"):
        run(empty)
    assert not Topic.objects.exists() and not User.objects.filter(is_active=False).exists()
