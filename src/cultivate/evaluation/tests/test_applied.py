"""'I applied this': recording it on each kind of thing, the count beside 'helpful', the
follow-up sent once by the task through a real SMTP server, and its answer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cultivate.activity.models import Activity
from cultivate.conversations.models import CommunitySubscription, Notification
from cultivate.evaluation.applied import actions
from cultivate.evaluation.applied.models import AppliedRecord, FollowUp
from cultivate.practice import actions as practice
from cultivate.resources import actions as resources


def _apply_url(kind, target_id):
    return f"/value/applied/{kind}/{target_id}/"


def test_a_member_applies_an_answer_in_one_click_and_the_topic_shows_the_count(world,
                                                                               signed_in):
    ben = signed_in(world["ben"])
    response = ben.post(_apply_url("post", world["answer"].pk))
    assert response.status_code == 302
    record = AppliedRecord.objects.get(user=world["ben"])
    assert record.community == world["budget"] and record.note == ""
    assert Activity.objects.filter(verb="value.applied", actor=world["ben"]).exists()
    # The optional sentence, on the page the click led to.
    ben.post(response["Location"], {"note": "Used the four charts in our 2027 call."})
    record.refresh_from_db()
    assert record.note == "Used the four charts in our 2027 call."
    page = signed_in(world["bea"]).get(world["question"].get_absolute_url()).content.decode()
    assert "1 applied this" in page
    assert "I applied this" in page  # bea may apply it too
    assert 'aria-pressed="true"' in ben.get(world["question"].get_absolute_url()).content.decode()


def test_applying_twice_keeps_one_record_and_withdrawing_removes_it(world):
    actions.do_record_applied(actor=world["ben"], kind="post", target_id=world["answer"].pk)
    actions.do_record_applied(actor=world["ben"], kind="post", target_id=world["answer"].pk,
                              note="again")
    assert AppliedRecord.objects.get().note == "again"
    assert actions.do_withdraw_applied(actor=world["ben"], kind="post",
                                       target_id=world["answer"].pk)
    assert not AppliedRecord.objects.exists()


def test_methods_stories_and_resources_can_be_applied(world, signed_in):
    method = practice.do_create_method(actor=world["bea"], community=world["budget"],
                                       title="Citizens' budget clinic", brief="A clinic.")
    story = practice.do_tell_story(actor=world["bea"], method=method, title="First clinic",
                                   outcome="success", context="c", what_we_did="w",
                                   what_happened="h")
    resource = resources.do_add_resource(actor=world["bea"], community=world["budget"],
                                         form="link", title="Summary template",
                                         summary="One page.", resource_type="template",
                                         language="en", url="https://example.org/t")
    ben = signed_in(world["ben"])
    for kind, thing in (("method", method), ("method_story", story), ("resource", resource)):
        page = ben.get(thing.get_absolute_url()).content.decode()
        assert _apply_url(kind, thing.pk) in page, kind
        assert ben.post(_apply_url(kind, thing.pk)).status_code == 302
    assert AppliedRecord.objects.filter(user=world["ben"]).count() == 3
    assert "1 applied this" in ben.get(method.get_absolute_url()).content.decode()


@pytest.mark.parametrize("kind, target", [("nonsense", "1"), ("post", "999999"),
                                          ("post", "12ab"), ("post", "9" * 30)])
def test_bad_targets_are_refused_without_a_server_error(world, signed_in, kind, target):
    response = signed_in(world["ben"]).post(_apply_url(kind, target))
    assert response.status_code in (400, 404)
    assert not AppliedRecord.objects.exists()


def test_a_note_too_long_or_with_nul_bytes_keeps_what_was_typed(world, signed_in):
    ben = signed_in(world["ben"])
    url = _apply_url("post", world["answer"].pk)
    response = ben.post(url, {"note": "x" * 400})
    assert response.status_code == 400 and "x" * 300 in response.content.decode()
    assert not AppliedRecord.objects.exists()
    response = ben.post(url, {"note": "ok\x00"})
    assert response.status_code == 400 and "Null characters" in response.content.decode()
    assert not AppliedRecord.objects.exists()


def test_outsiders_and_visitors_cannot_apply(world, signed_in, client):
    assert signed_in(world["olga"]).post(_apply_url("post", world["answer"].pk)).status_code == 403
    assert client.post(_apply_url("post", world["answer"].pk)).status_code == 302  # sign in
    secret_post = world["secret"].posts.first()
    assert signed_in(world["ben"]).post(_apply_url("post", secret_post.pk)).status_code == 404
    assert not AppliedRecord.objects.exists()


def _due_record(world, person="ben"):
    record = actions.do_record_applied(actor=world[person], kind="post",
                                       target_id=world["answer"].pk, note="Used it.")
    AppliedRecord.objects.filter(pk=record.pk).update(
        follow_up_due_at=timezone.now() - timedelta(minutes=1))
    return record


def test_the_follow_up_goes_once_by_mail_and_in_the_app(world, smtp_server, settings):
    settings.SITE_URL = "http://cultivate.example:8203"
    record = _due_record(world)
    assert actions.send_due_follow_ups() == 1
    assert actions.send_due_follow_ups() == 0  # never twice
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "ben@example.org"
    assert "Did it make a difference?" in message["Subject"]
    body = message.get_content()
    assert f"http://cultivate.example:8203/value/applied/{record.pk}/follow-up/" in body
    assert str(message["List-Unsubscribe"]).strip().startswith("<http://cultivate.example:8203/")
    notice = Notification.objects.get(user=world["ben"], kind="follow_up")
    assert notice.link == f"/value/applied/{record.pk}/follow-up/" and notice.post is None


def test_no_mail_when_the_member_turned_the_community_mail_off(world, smtp_server):
    CommunitySubscription.objects.update_or_create(
        user=world["ben"], community=world["budget"], defaults={"email_mode": "nothing"})
    _due_record(world)
    assert actions.send_due_follow_ups() == 1
    assert smtp_server.messages == []
    assert Notification.objects.filter(user=world["ben"], kind="follow_up").exists()


def test_records_not_yet_due_wait(world, smtp_server):
    actions.do_record_applied(actor=world["ben"], kind="post", target_id=world["answer"].pk)
    assert actions.send_due_follow_ups() == 0
    assert actions.send_due_follow_ups(timezone.now() + timedelta(weeks=7)) == 1


def test_answering_the_follow_up_records_realized_value(world, signed_in):
    record = _due_record(world)
    ben = signed_in(world["ben"])
    url = f"/value/applied/{record.pk}/follow-up/"
    assert ben.get(url).status_code == 200
    response = ben.post(url, {"difference": "yes", "what_changed": "Three weeks less.",
                              "figure_kind": "time_saved", "figure_value": "120",
                              "figure_unit": "hours", "may_quote": "on"})
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(applied=record)
    assert follow_up.figure_value == 120 and follow_up.may_quote
    assert Activity.objects.filter(verb="value.follow_up_answered").exists()
    assert "Three weeks less." in ben.get("/me/applied/").content.decode()


def test_a_refused_follow_up_keeps_the_answer_typed(world, signed_in):
    record = _due_record(world)
    response = signed_in(world["ben"]).post(
        f"/value/applied/{record.pk}/follow-up/",
        {"difference": "yes", "what_changed": "It helped a lot", "figure_value": "lots"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "It helped a lot" in page and "Write a number" in page
    assert not FollowUp.objects.exists()


def test_only_the_member_opens_their_follow_up(world, signed_in):
    record = _due_record(world)
    assert signed_in(world["bea"]).get(f"/value/applied/{record.pk}/follow-up/").status_code == 404


def test_the_api_records_lists_and_answers(world, client, token_of):
    headers = token_of(world["ben"])
    response = client.post("/api/v1/me/applied", {"kind": "post", "target_id":
                                                  world["answer"].pk, "note": "used"},
                           content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    record_id = response.json()["id"]
    listed = client.get("/api/v1/me/applied", **headers).json()
    assert listed[0]["title"] == world["question"].title
    bad = client.put(f"/api/v1/me/applied/{record_id}/follow-up", {"difference": "maybe"},
                     content_type="application/json", **headers)
    assert bad.status_code == 400 and "difference" in bad.json()["error"]["fields"]
    good = client.put(f"/api/v1/me/applied/{record_id}/follow-up",
                      {"difference": "yes", "what_changed": "Faster."},
                      content_type="application/json", **headers)
    assert good.status_code == 200 and good.json()["follow_up"]["difference"] == "yes"
    other = client.post("/api/v1/me/applied", {"kind": "post", "target_id":
                                               world["answer"].pk},
                        content_type="application/json", **token_of(world["olga"]))
    assert other.status_code == 403
