"""A member downloads an archive of their own data: page and API."""

import io
import json
import zipfile

import pytest
from django.test import Client

from cultivate.conversations.actions import do_reply, do_start_topic
from cultivate.people.actions import do_create_access_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_community):
    ana = make_user("ana", display_name="Ana Ortega")
    ben = make_user("ben", display_name="Ben Bauer")
    community = make_community(ana)
    from cultivate.communities.actions import do_join_community

    do_join_community(actor=ben, community=community)
    topic = do_start_topic(actor=ana, community=community, title="Circulars",
                           body="Ana's own words about budget circulars.")
    do_reply(actor=ben, topic=topic, body="Ben's reply about ceilings.")
    _token, secret = do_create_access_token(actor=ana, name="reporting script")
    return {"ana": ana, "ben": ben, "community": community, "topic": topic, "secret": secret}


def _files(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_archive_holds_my_text_not_anyone_elses(world, signed_in):
    client = signed_in(world["ana"])
    page = client.get("/me/data/").content.decode()
    assert "Download my data" in page
    assert "/me/data/" in client.get("/me/profile/").content.decode()
    response = client.post("/me/data/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    files = _files(b"".join(response.streaming_content))
    assert "README.md" in files and "posts.json" in files["README.md"].decode()
    parsed = {name: json.loads(data) for name, data in files.items() if name.endswith(".json")}
    assert parsed["profile.json"]["display_name"] == "Ana Ortega"
    assert [p["body"] for p in parsed["posts.json"]] == ["Ana's own words about budget circulars."]
    assert [t["title"] for t in parsed["topics.json"]] == ["Circulars"]
    assert [m["role"] for m in parsed["memberships.json"]] == ["convener"]
    assert parsed["access_tokens.json"][0]["name"] == "reporting script"
    assert parsed["activity.json"]  # the topic she started, at least
    everything = b"".join(files.values()).decode()
    assert "Ben's reply" not in everything
    assert world["secret"] not in everything and world["secret"][:8] not in everything
    assert world["ana"].password not in everything
    rows = [row for data in parsed.values() if isinstance(data, list) for row in data]
    assert not any({"password", "token_hash", "hint"} & set(row) for row in rows)


def test_anonymous_visitors_are_sent_to_sign_in(world):
    client = Client()
    assert client.get("/me/data/").status_code == 302
    response = client.post("/me/data/export/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/me/export").status_code == 401


def test_the_api_answers_with_the_archive_then_asks_to_wait(world):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world['secret']}")
    response = client.get("/api/v1/me/export")
    assert response.status_code == 200
    files = _files(b"".join(response.streaming_content))
    posts = json.loads(files["posts.json"])
    assert posts[0]["body"] == "Ana's own words about budget circulars."
    again = client.get("/api/v1/me/export")
    assert again.status_code == 429
    assert int(again["Retry-After"]) > 0
    assert again.json()["error"]["code"] == "rate_limited"


def test_the_page_asks_to_wait_between_downloads(world, signed_in, settings):
    client = signed_in(world["ben"])
    assert client.post("/me/data/export/").status_code == 200
    response = client.post("/me/data/export/")
    assert response.status_code == 429
    assert "Try again in" in response.content.decode()
    settings.CULTIVATE_EXPORT_INTERVAL_MINUTES = 0
    assert client.post("/me/data/export/").status_code == 200


def test_every_part_of_the_archive_names_an_installed_model():
    from cultivate.people.mydata.export import PARTS, parts_present

    assert len(parts_present()) == len(PARTS)


def test_the_archive_holds_methods_stories_and_rsvps(world, signed_in):
    from datetime import timedelta

    from django.utils import timezone

    from cultivate.events.actions import do_plan_event, do_rsvp
    from cultivate.practice.actions import do_create_method, do_tell_story

    ana, community = world["ana"], world["community"]
    method = do_create_method(actor=ana, community=community, title="Peer review",
                              brief="Ana's brief.")
    do_tell_story(actor=ana, method=method, title="It worked in Lima", outcome="success",
                  context="Ana's context.", what_we_did="We met.", what_happened="It helped.")
    starts = timezone.now() + timedelta(days=3)
    event = do_plan_event(actor=ana, community=community, title="Clinic", starts_at=starts,
                          ends_at=starts + timedelta(hours=1), time_zone="UTC")
    do_rsvp(actor=world["ben"], event=event, answer="going")
    do_rsvp(actor=ana, event=event, answer="maybe")
    files = _files(b"".join(signed_in(ana).post("/me/data/export/").streaming_content))
    assert json.loads(files["methods.json"])[0]["title"] == "Peer review"
    assert json.loads(files["method_revisions.json"])[0]["content"]
    assert json.loads(files["stories.json"])[0]["context"] == "Ana's context."
    assert [r["answer"] for r in json.loads(files["rsvps.json"])] == ["maybe"]
    assert json.loads(files["events_planned.json"])[0]["title"] == "Clinic"


def test_the_archive_holds_attendance_feedback_and_surveys_but_not_the_answers(world,
                                                                               signed_in):
    from datetime import timedelta

    from django.utils import timezone

    from cultivate.events.actions import do_plan_event
    from cultivate.events.attendance import do_give_feedback, do_record_attendance
    from cultivate.health.models import PulseAnswer, PulseSurvey

    ana, ben, community = world["ana"], world["ben"], world["community"]
    starts = (timezone.now() - timedelta(days=1)).replace(microsecond=0)
    event = do_plan_event(actor=ana, community=community, title="Clinic", starts_at=starts,
                          ends_at=starts + timedelta(hours=1), time_zone="UTC")
    do_record_attendance(actor=ana, event=event, present=[ben.pk])
    do_give_feedback(actor=ben, event=event, usefulness=4, will_apply="Ben's checklist.")
    survey = PulseSurvey.objects.create(community=community, closes_at=timezone.now())
    survey.receipts.create(user=ben)
    PulseAnswer.objects.create(survey=survey, passion=5, open_answer="Ben's secret wish.")
    content = b"".join(signed_in(ben).post("/me/data/export/").streaming_content)
    files = _files(content)
    assert len(json.loads(files["attendance.json"])) == 1
    assert json.loads(files["event_feedback.json"])[0]["will_apply"] == "Ben's checklist."
    assert len(json.loads(files["pulse_surveys_answered.json"])) == 1
    assert b"Ben's secret wish." not in content  # anonymous, even to its author
