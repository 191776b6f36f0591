"""The Stack Exchange importer on the real dump in shared/data, checked against the XML itself."""

import xml.etree.ElementTree as ET  # noqa: S405 - our own test data
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cultivate.activity.models import Activity
from cultivate.communities.models import Membership
from cultivate.conversations.models import Post, Topic
from cultivate.people.models import User

DUMP = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "stackexchange-history-meta"
pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not DUMP.is_dir(), reason="shared/data is not beside the repo")]


def rows(name: str) -> list[dict]:
    return [row.attrib for row in ET.parse(DUMP / name).getroot()]  # noqa: S314


def when(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def counts() -> tuple:
    return (User.objects.count(), Topic.objects.count(), Post.objects.count(),
            Membership.objects.count(), Activity.objects.count())


@pytest.fixture
def imported(make_user, make_community):
    community = make_community(make_user("ana"), name="History Meta")
    call_command("import_stackexchange", str(DUMP), community="history-meta",
                 site="history.meta.stackexchange.com", verbosity=0)
    return community


def test_every_question_answer_and_comment_arrives(imported):
    posts = rows("Posts.xml")
    questions = [p for p in posts if p["PostTypeId"] == "1"]
    answers = [p for p in posts if p["PostTypeId"] == "2"]
    comments = rows("Comments.xml")
    assert (len(questions), len(answers), len(comments)) == (556, 1095, 3454)
    topics = Topic.objects.filter(community=imported)
    assert topics.filter(kind="question").count() == 556
    replies = Post.objects.filter(topic__community=imported, is_opening=False)
    assert replies.filter(import_ref__contains=":post:").count() == 1095
    assert replies.filter(import_ref__contains=":comment:").count() == 3454


def test_structure_times_tags_and_acceptance_are_kept(imported):
    posts = {p["Id"]: p for p in rows("Posts.xml")}
    prefix = "stackexchange:history.meta.stackexchange.com"
    first = posts["1"]
    topic = Post.objects.get(import_ref=f"{prefix}:post:1").topic
    assert topic.title == first["Title"]
    assert topic.created_at == when(first["CreationDate"])
    assert sorted(t.name for t in topic.tags.all()) == ["answers", "discussion"]
    accepted = {p["Id"]: p["AcceptedAnswerId"] for p in posts.values()
                if "AcceptedAnswerId" in p and p["AcceptedAnswerId"] in posts}
    assert Topic.objects.filter(accepted_answer__isnull=False).count() == len(accepted)
    question_id, answer_id = next(iter(accepted.items()))
    settled = Post.objects.get(import_ref=f"{prefix}:post:{question_id}").topic
    assert settled.accepted_answer.import_ref == f"{prefix}:post:{answer_id}"
    comment = rows("Comments.xml")[0]
    reply = Post.objects.get(import_ref=f"{prefix}:comment:{comment['Id']}")
    assert reply.reply_to.import_ref == f"{prefix}:post:{comment['PostId']}"
    assert reply.created_at == when(comment["CreationDate"])
    asked = Activity.objects.get(verb="question.asked", target_id=topic.pk)
    assert asked.occurred_at == when(first["CreationDate"])
    assert asked.actor.placeholder_ref == f"{prefix}:user:{first['OwnerUserId']}"
    assert not asked.actor.is_active and not asked.actor.has_usable_password()


def test_reimporting_changes_nothing_and_the_source_is_credited(imported, client):
    before = counts()
    call_command("import_stackexchange", str(DUMP), community="history-meta",
                 site="history.meta.stackexchange.com", verbosity=0)
    assert counts() == before
    imported.refresh_from_db()
    assert imported.member_count == Membership.objects.filter(community=imported).count()
    page = client.get("/c/history-meta/").content.decode()
    assert "history.meta.stackexchange.com" in page and "CC BY-SA" in page


def test_the_command_says_what_the_dump_lacked(make_user, make_community):
    from io import StringIO

    make_community(make_user("ana"), name="History Meta")
    out = StringIO()
    call_command("import_stackexchange", str(DUMP), community="history-meta",
                 site="history.meta.stackexchange.com", verbosity=0, stdout=out)
    lacked = out.getvalue().split("What the dump lacked:")[1]
    assert "Votes.xml is missing" in lacked and "PostHistory.xml is missing" in lacked
    assert "Users.xml" not in lacked and "Comments.xml" not in lacked
    assert not Post.objects.filter(imported_helpful__gt=0).exists()


def test_bad_arguments_are_explained(make_user, make_community, tmp_path):
    with pytest.raises(CommandError, match="No community"):
        call_command("import_stackexchange", str(DUMP), community="nowhere", verbosity=0)
    make_community(make_user("ana"), name="History Meta")
    with pytest.raises(CommandError, match="Posts.xml"):
        call_command("import_stackexchange", str(tmp_path), community="history-meta",
                     verbosity=0)
    assert Topic.objects.count() == 0


def test_imported_posts_are_searchable(imported):
    from cultivate.conversations import search

    hits = search.search(None, "referenced sources legitimacy")
    first = Post.objects.get(import_ref="stackexchange:history.meta.stackexchange.com:post:1")
    assert first.topic_id in {hit.topic_id for hit in hits}
