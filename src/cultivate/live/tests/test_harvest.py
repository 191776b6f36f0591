"""The harvest of a backchannel: exports (CSV, Markdown) and questions turned into Q&A topics,
the summary into the event's notes; through the action, the pages and the API."""

import csv
import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from cultivate.activity.models import Activity
from cultivate.conversations.models import Post, Topic, TopicKind
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.live import actions as live
from cultivate.live import harvest
from cultivate.live.models import Item

# --- a past event with a lively backchannel -------------------------------------------------

@pytest.fixture
def room(make_user, make_community):
    from cultivate.communities.actions import do_change_role, do_join_community
    from cultivate.communities.models import Membership
    from cultivate.events.actions import do_plan_event

    people = SimpleNamespace(**{name: make_user(name) for name in (
        "convener", "facilitator", "member", "asker", "outsider", "elsewhere")})
    community = make_community(people.convener)
    for name in ("facilitator", "member", "asker"):
        do_join_community(actor=getattr(people, name), community=community)
    do_change_role(actor=people.convener, role="facilitator",
                   membership=Membership.objects.get(user=people.facilitator,
                                                     community=community))
    make_community(people.elsewhere, name="Procurement Practitioners")
    start = timezone.now() - timedelta(hours=2)
    event = do_plan_event(actor=people.convener, community=community,
                          title="Case clinic on arrears", starts_at=start,
                          ends_at=start + timedelta(hours=1), time_zone="Europe/Paris")
    live.do_set_channel(actor=people.convener, event=event, guests_allowed=True)
    asker = live.do_join_as_member(actor=people.asker, event=event)
    member = live.do_join_as_member(actor=people.member, event=event)
    guest = live.do_join_as_guest(event=event, code=event.join_code, display_name="Ana")
    big = live.do_post_item(participant=asker, kind="question",
                            body="How do you **clear arrears** before the year closes?")
    for voter in (member, guest):
        live.do_vote(participant=voter, item=big)
    live.do_moderate_item(actor=people.facilitator, item=big, op="answer",
                          answer="Set a *monthly* ceiling and publish it.")
    small = live.do_post_item(participant=guest, kind="question", body="Why?")
    comment = live.do_post_item(participant=member, kind="comment", body="=1+2 great session")
    hidden = live.do_post_item(participant=member, kind="question", body="Off-topic question")
    live.do_moderate_item(actor=people.facilitator, item=hidden, op="hide")
    poll = live.do_create_poll(actor=people.facilitator, event=event,
                               question="Useful?", options=["Yes", "No"])
    live.do_answer_poll(participant=member, poll=poll,
                        option_ids=[poll.options.get(label="Yes").pk])
    for item in (big, small):
        item.refresh_from_db()
    return SimpleNamespace(people=people, community=community, event=event, big=big,
                           small=small, comment=comment, hidden=hidden, poll=poll,
                           member_participant=member)


def _pending(room):
    live.do_set_channel(actor=room.people.facilitator, event=room.event, premoderated=True)
    participant = type(room.member_participant).objects.get(pk=room.member_participant.pk)
    item = live.do_post_item(participant=participant, kind="question", body="Waiting question")
    assert item.status == "pending"
    return item


# --- the action -----------------------------------------------------------------------------

def test_a_question_with_votes_and_a_live_answer_becomes_an_answered_topic(room):
    topics = harvest.do_harvest(actor=room.people.facilitator, event=room.event,
                                question_ids=[room.big.pk, room.small.pk],
                                summary="We agreed on **monthly ceilings**.")
    assert [t.title for t in topics] == [
        "How do you clear arrears before the year closes?", "Why? (Case clinic on arrears)"]
    big = topics[0]
    assert big.kind == TopicKind.QUESTION and big.community == room.community
    # The member who asked owns the question (and hears of answers); it keeps its time.
    assert big.author == room.big.participant.user and big.author.username == "asker"
    assert big.created_at == room.big.created_at
    opening = Post.objects.get(topic=big, is_opening=True)
    assert "**clear arrears**" in opening.body
    assert "Asked by asker during [Case clinic on arrears]" in opening.body
    assert "2 votes" in opening.body and f"/events/{room.event.pk}/" in opening.body
    reply = Post.objects.get(topic=big, is_opening=False)
    assert reply.author == room.people.facilitator
    assert reply.body.startswith("Set a *monthly* ceiling and publish it.")
    assert big.accepted_answer == reply
    small = Post.objects.get(topic=topics[1], is_opening=True)
    assert "Ana (guest)" in small.body and "0 votes" in small.body
    assert not Post.objects.filter(topic=topics[1], is_opening=False).exists()
    assert topics[1].accepted_answer is None
    room.big.refresh_from_db()
    assert room.big.harvested_topic == big
    room.event.refresh_from_db()
    assert room.event.notes.endswith(
        "## From the live backchannel\n\nWe agreed on **monthly ceilings**.")
    assert "<strong>monthly ceilings</strong>" in room.event.notes_html
    harvested = Activity.objects.filter(verb="live.harvested")
    assert harvested.count() == 1
    assert harvested.get().payload["topics"] == [t.pk for t in topics]


def test_the_summary_is_added_under_a_heading_and_existing_notes_stay(room):
    from cultivate.events.actions import do_record_event_outcome

    do_record_event_outcome(room.people.convener, room.event, notes="Room 4, 12 people.")
    harvest.do_harvest(actor=room.people.facilitator, event=room.event, question_ids=[],
                       summary="Ceilings work.")
    room.event.refresh_from_db()
    assert room.event.notes == ("Room 4, 12 people.\n\n## From the live backchannel\n\n"
                                "Ceilings work.")


def test_a_second_harvest_skips_what_was_harvested_and_writes_nothing(room):
    first = harvest.do_harvest(actor=room.people.facilitator, event=room.event,
                               question_ids=[room.big.pk], summary="Ceilings.")
    before = (Topic.objects.count(), Post.objects.count(), Activity.objects.count())
    again = harvest.do_harvest(actor=room.people.convener, event=room.event,
                               question_ids=[room.big.pk], summary="Ceilings.")
    assert list(again) == [] and again.skipped == {room.big.pk: first[0]}
    assert not again.notes_added
    assert (Topic.objects.count(), Post.objects.count(), Activity.objects.count()) == before
    room.event.refresh_from_db()
    assert room.event.notes.count("Ceilings.") == 1
    mixed = harvest.do_harvest(actor=room.people.facilitator, event=room.event,
                               question_ids=[room.big.pk, room.small.pk])
    assert len(mixed) == 1 and list(mixed.skipped) == [room.big.pk]


@pytest.mark.parametrize(("which", "message"), [
    ("unknown", "No such question"),
    ("other_event", "No such question"),
    ("hidden", "Hidden or waiting"),
    ("pending", "Hidden or waiting"),
    ("comment", "Comments, not questions"),
    ("garbage", "not question numbers"),
    ("nothing", "Choose at least one question"),
])
def test_bad_choices_are_refused_with_the_field_and_nothing_written(room, which, message):
    from cultivate.events.actions import do_plan_event

    if which == "other_event":
        start = timezone.now() - timedelta(hours=5)
        other = do_plan_event(actor=room.people.convener, community=room.community,
                              title="Another clinic", starts_at=start,
                              ends_at=start + timedelta(hours=1), time_zone="UTC")
        participant = live.do_join_as_member(actor=room.people.member, event=other)
        bad = live.do_post_item(participant=participant, kind="question",
                                body="Elsewhere?").pk
    else:
        bad = {"unknown": 999_999, "hidden": room.hidden.pk, "comment": room.comment.pk,
               "garbage": "=cmd", "nothing": None}.get(which) or (
            _pending(room).pk if which == "pending" else None)
    ids = [] if bad is None else [room.big.pk, bad]
    before = (Topic.objects.count(), Activity.objects.count())
    with pytest.raises(ActionError) as refused:
        harvest.do_harvest(actor=room.people.facilitator, event=room.event, question_ids=ids,
                           summary="")
    assert message in " ".join(refused.value.fields["questions"])
    assert (Topic.objects.count(), Activity.objects.count()) == before
    assert Item.objects.get(pk=room.big.pk).harvested_topic is None


def test_a_summary_too_long_for_the_notes_is_refused_before_anything_is_written(room):
    with pytest.raises(ActionError) as refused:
        harvest.do_harvest(actor=room.people.facilitator, event=room.event,
                           question_ids=[room.big.pk], summary="x" * 20_000)
    assert "summary" in refused.value.fields
    assert not Topic.objects.exists()


def test_a_failing_step_rolls_the_whole_harvest_back(room):
    """The notes of an event that has not started cannot be written: no topic stays."""
    from cultivate.core.errors import Conflict

    room.event.starts_at = timezone.now() + timedelta(days=1)
    room.event.ends_at = room.event.starts_at + timedelta(hours=1)
    room.event.save()
    with pytest.raises(Conflict):
        harvest.do_harvest(actor=room.people.facilitator, event=room.event,
                           question_ids=[room.big.pk], summary="Too early.")
    assert not Topic.objects.exists()
    assert Item.objects.get(pk=room.big.pk).harvested_topic is None


@pytest.mark.parametrize(("who", "hidden"), [
    ("member", False), ("outsider", False), ("elsewhere", False), ("anonymous", False)])
def test_only_facilitators_harvest(room, who, hidden):
    from django.contrib.auth.models import AnonymousUser

    actor = AnonymousUser() if who == "anonymous" else getattr(room.people, who)
    with pytest.raises(NotAllowed) as refused:
        harvest.do_harvest(actor=actor, event=room.event, question_ids=[room.big.pk])
    assert refused.value.hide is hidden
    assert not Topic.objects.exists()


def test_a_long_question_makes_a_title_within_the_limit(room):
    asker = live.do_join_as_member(actor=room.people.asker, event=room.event)
    long = live.do_post_item(participant=asker, kind="question", body="word " * 150)
    [topic] = harvest.do_harvest(actor=room.people.facilitator, event=room.event,
                                 question_ids=[long.pk])
    assert len(topic.title) <= 200 and topic.title.endswith("…")


# --- exports --------------------------------------------------------------------------------

def test_csv_has_one_row_per_shown_item_and_neutralises_formulas(room):
    _pending(room)
    rows = list(csv.DictReader(io.StringIO(harvest.export_csv(room.event.live))))
    items = [r for r in rows if r["kind"] != "poll"]
    assert [r["id"] for r in items] == [str(room.big.pk), str(room.small.pk),
                                        str(room.comment.pk)]
    big = items[0]
    assert big["author"] == "asker" and big["votes"] == "2" and big["answered"] == "true"
    assert big["answer"] == "Set a *monthly* ceiling and publish it."
    assert big["created_at"].endswith("+00:00") and big["status"] == "visible"
    assert items[2]["body"] == "'=1+2 great session"
    [poll] = [r for r in rows if r["kind"] == "poll"]
    assert poll["body"] == "Useful?" and poll["answer"] == "Yes: 1; No: 0"
    assert list(rows[0]) == list(harvest.CSV_COLUMNS)


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_every_formula_start_is_quoted(start):
    assert harvest._cell(f"{start}SUM(A1)") == f"'{start}SUM(A1)"
    assert harvest._cell("plain") == "plain"


def test_markdown_lists_questions_by_votes_comments_and_polls(room):
    _pending(room)
    text = harvest.export_markdown(room.event.live)
    assert text.startswith("# Case clinic on arrears\n")
    assert text.index("How do you **clear arrears**") < text.index("> Why?")
    assert "### asker (2 votes, answered)" in text
    assert "Set a *monthly* ceiling" in text
    assert "=1+2 great session" in text
    assert "- Yes: 1 (100%)" in text
    assert "Off-topic" not in text and "Waiting question" not in text


# --- the page and the downloads -------------------------------------------------------------

def test_the_page_lists_questions_by_votes_and_harvests(room, signed_in):
    client = signed_in(room.people.facilitator)
    url = reverse("live:harvest", args=[room.event.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("clear arrears") < html.index("Why?")
    assert "Off-topic" not in html
    assert f'id="question-{room.big.pk}"' in html and f'for="question-{room.big.pk}"' in html
    assert reverse("live:export-csv", args=[room.event.pk]) in html
    done = client.post(url, {"questions": [str(room.big.pk)], "summary": "Ceilings."},
                       follow=True)
    assert done.status_code == 200
    topic = Item.objects.get(pk=room.big.pk).harvested_topic
    assert topic is not None
    html = done.content.decode()
    assert "1 question is now a topic" in html
    assert topic.get_absolute_url() in html
    assert f'id="question-{room.big.pk}"' not in html  # no second checkbox


def test_a_refused_harvest_keeps_the_draft(room, signed_in):
    client = signed_in(room.people.facilitator)
    answer = client.post(reverse("live:harvest", args=[room.event.pk]),
                         {"questions": [str(room.comment.pk), str(room.small.pk)],
                          "summary": "My **draft** summary"})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Comments, not questions" in html and "My **draft** summary" in html
    assert f'value="{room.small.pk}" id="question-{room.small.pk}" checked' in html
    assert not Topic.objects.exists()


@pytest.mark.parametrize("name", ["live:harvest", "live:export-csv", "live:export-md"])
@pytest.mark.parametrize(("who", "visibility", "status"), [
    ("member", "public", 403), ("outsider", "public", 403), ("elsewhere", "public", 403),
    ("outsider", "private", 404), ("elsewhere", "private", 404), ("member", "private", 403),
])
def test_others_get_403_or_404(room, signed_in, name, who, visibility, status):
    if visibility == "private":
        room.community.visibility = "private"
        room.community.save(update_fields=["visibility"])
    answer = signed_in(getattr(room.people, who)).get(reverse(name, args=[room.event.pk]))
    assert answer.status_code == status
    post = signed_in(getattr(room.people, who)).post(
        reverse("live:harvest", args=[room.event.pk]), {"questions": [str(room.big.pk)]})
    assert post.status_code == status
    assert not Topic.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(room, client):
    for name in ("live:harvest", "live:export-csv", "live:export-md"):
        answer = client.get(reverse(name, args=[room.event.pk]))
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    assert client.get(reverse("live:harvest", args=[999_999])).status_code == 302


def test_downloads_are_attachments_with_names(room, signed_in):
    client = signed_in(room.people.convener)
    got = client.get(reverse("live:export-csv", args=[room.event.pk]))
    assert got.status_code == 200 and got["Content-Type"] == "text/csv; charset=utf-8"
    assert got["Content-Disposition"] == (
        f'attachment; filename="case-clinic-on-arrears-{room.event.pk}-backchannel.csv"')
    assert "no-store" in got["Cache-Control"]
    text = got.content.decode("utf-8-sig")
    assert "'=1+2 great session" in text
    md = client.get(reverse("live:export-md", args=[room.event.pk]))
    assert md["Content-Type"] == "text/markdown; charset=utf-8"
    assert md["Content-Disposition"].endswith('-backchannel.md"')
    assert "### asker (2 votes, answered)" in md.content.decode()
    assert client.get(reverse("live:export-md", args=[999_999])).status_code == 404


# --- the API --------------------------------------------------------------------------------

def _api(event, tail):
    return f"/api/v1/events/{event.pk}/live/{tail}"


def test_api_harvests_and_says_what_it_skipped(room, signed_in):
    client = signed_in(room.people.facilitator)
    body = {"questions": [room.big.pk], "summary": "Ceilings."}
    first = client.post(_api(room.event, "harvest"), body, content_type="application/json")
    assert first.status_code == 200, first.content
    data = first.json()
    topic = Topic.objects.get()
    assert data == {"topics": [{"id": topic.pk, "title": topic.title,
                                "url": topic.get_absolute_url()}],
                    "skipped": [], "notes_added": True}
    again = client.post(_api(room.event, "harvest"), body, content_type="application/json")
    assert again.json() == {"topics": [], "skipped": [room.big.pk], "notes_added": False}


def test_api_refuses_bad_input_in_the_error_shape(room, signed_in):
    client = signed_in(room.people.facilitator)
    bad = client.post(_api(room.event, "harvest"), {"questions": [room.comment.pk]},
                      content_type="application/json")
    assert bad.status_code == 400
    error = bad.json()["error"]
    assert error["code"] == "invalid" and "questions" in error["fields"]
    typed = client.post(_api(room.event, "harvest"), {"questions": ["abc"]},
                        content_type="application/json")
    assert typed.status_code == 422
    assert not Topic.objects.exists()


def test_api_permissions(room, signed_in, client):
    body = {"questions": [room.big.pk]}
    assert client.post(_api(room.event, "harvest"), body,
                       content_type="application/json").status_code == 401
    assert client.get(_api(room.event, "export")).status_code == 401
    for who in ("member", "outsider", "elsewhere"):
        assert signed_in(getattr(room.people, who)).post(
            _api(room.event, "harvest"), body,
            content_type="application/json").status_code == 403
    room.community.visibility = "private"
    room.community.save(update_fields=["visibility"])
    assert signed_in(room.people.outsider).get(_api(room.event, "export")).status_code == 404
    assert client.get(_api(room.event, "export")).status_code == 404
    assert not Topic.objects.exists()


def test_api_exports_both_formats(room, signed_in):
    client = signed_in(room.people.facilitator)
    got = client.get(_api(room.event, "export"), {"format": "csv"})
    assert got.status_code == 200 and got["Content-Type"].startswith("text/csv")
    assert got["Content-Disposition"].startswith("attachment;")
    assert "'=1+2 great session" in got.content.decode("utf-8-sig")
    md = client.get(_api(room.event, "export"), {"format": "md"})
    assert md["Content-Type"].startswith("text/markdown")
    assert client.get(_api(room.event, "export"), {"format": "xls"}).status_code == 422
