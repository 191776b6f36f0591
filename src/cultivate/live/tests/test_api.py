"""The backchannel's JSON API: the same rules as the pages and the websocket, one error shape."""

import pytest
from django.test import Client

from cultivate.live.models import Item

pytestmark = pytest.mark.django_db


def post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", **headers)


def test_members_post_vote_and_read_the_updates(event, people, signed_in):
    member = signed_in(people["member"])
    base = f"/api/v1/events/{event.pk}/live"
    created = post(member, base + "/items", {"kind": "question", "body": "Who audits?"},
                   HTTP_X_CSRFTOKEN="x")
    # Session writes need CSRF like every session write: the test client skips the check,
    # so this documents the happy path rather than CSRF (tests/test_live_websocket.py uses
    # tokens against a real server).
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["author"] == "member" and item["votes"] == 0
    assert post(member, f"{base}/items/{item['id']}/vote", {}).json() == {"votes": 1}
    twice = post(member, f"{base}/items/{item['id']}/vote", {})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_voted"
    assert member.delete(f"{base}/items/{item['id']}/vote").json() == {"votes": 0}
    updates = member.get(base + "/updates", {"after": 0}).json()
    kinds = [u["data"]["kind"] for u in updates["updates"]]
    assert kinds[-3:] == ["item", "votes", "votes"] and updates["seq"] == len(kinds)
    state = member.get(base).json()
    assert [i["body"] for i in state["items"]] == ["Who audits?"]


@pytest.mark.parametrize("body,status,field", [
    ({"kind": "question", "body": ""}, 400, "body"),
    ({"kind": "shout", "body": "hi"}, 400, "kind"),
    ({"kind": "question"}, 422, "body"),
    ({"kind": "question", "body": "hi", "pinned": True}, 422, "pinned"),
])
def test_bad_posts_get_field_details_and_write_nothing(event, people, signed_in, body, status,
                                                       field):
    response = post(signed_in(people["member"]), f"/api/v1/events/{event.pk}/live/items", body)
    assert response.status_code == status
    assert field in response.json()["error"]["fields"]
    assert not Item.objects.exists()


def test_guests_join_with_the_code_and_write_with_their_token(event, people, allow_guests):
    anonymous = Client()
    base = f"/api/v1/events/{event.pk}/live"
    wrong = post(anonymous, base + "/join", {"code": "NOPE00", "display_name": "Ana"})
    assert wrong.status_code == 400 and "code" in wrong.json()["error"]["fields"]
    joined = post(anonymous, base + "/join", {"code": event.join_code, "display_name": "Ana"})
    assert joined.status_code == 201
    token = joined.json()["guest_token"]
    no_token = post(anonymous, base + "/items", {"kind": "comment", "body": "Hello"})
    assert no_token.status_code == 401
    posted = post(anonymous, base + "/items", {"kind": "comment", "body": "Hello"},
                  HTTP_X_LIVE_GUEST=token)
    assert posted.status_code == 201 and posted.json()["author_is_guest"]
    bad_token = post(anonymous, base + "/items", {"kind": "comment", "body": "Hi"},
                     HTTP_X_LIVE_GUEST="forged")
    assert bad_token.status_code == 401


def test_only_facilitators_moderate_and_remove(event, people, signed_in, guest):
    from cultivate.live.actions import do_post_item

    item = do_post_item(participant=guest, kind="question", body="Off topic")
    base = f"/api/v1/events/{event.pk}/live"
    member = signed_in(people["member"])
    assert post(member, f"{base}/items/{item.pk}/moderate", {"op": "hide"}).status_code == 403
    assert post(member, f"{base}/participants/{guest.pk}/remove", {}).status_code == 403
    assert member.patch(base, {"is_open": False},
                        content_type="application/json").status_code == 403
    convener = signed_in(people["convener"])
    bad = post(convener, f"{base}/items/{item.pk}/moderate", {"op": "explode"})
    assert bad.status_code == 400 and "op" in bad.json()["error"]["fields"]
    hidden = post(convener, f"{base}/items/{item.pk}/moderate", {"op": "hide"})
    assert hidden.json()["status"] == "hidden"
    assert post(convener, f"{base}/participants/{guest.pk}/remove", {}).json()["removed"]
    closed = convener.patch(base, {"is_open": False}, content_type="application/json")
    assert closed.json() == {"open": False, "guests_allowed": True, "premoderated": False}
    refused = post(signed_in(people["member"]), base + "/items",
                   {"kind": "comment", "body": "Anyone?"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "closed"


def test_private_communities_hide_their_events(event, people, signed_in):
    from cultivate.communities.models import Community

    Community.objects.filter(pk=event.community_id).update(visibility="private")
    base = f"/api/v1/events/{event.pk}/live"
    assert signed_in(people["outsider"]).get(base).status_code == 404
    assert Client().get(base).status_code == 404
    assert signed_in(people["member"]).get(base).status_code == 200


def test_outsiders_of_a_public_community_watch_but_do_not_post(event, people, signed_in):
    outsider = signed_in(people["outsider"])
    base = f"/api/v1/events/{event.pk}/live"
    assert outsider.get(base).json()["me"]["may_post"] is False
    response = post(outsider, base + "/items", {"kind": "comment", "body": "Let me in"})
    assert response.status_code == 403


def test_polls_through_the_api(event, people, signed_in, member_participant):
    base = f"/api/v1/events/{event.pk}/live"
    convener = signed_in(people["convener"])
    bad = post(convener, base + "/polls", {"question": "Which?", "options": ["one"]})
    assert bad.status_code == 400 and "options" in bad.json()["error"]["fields"]
    poll = post(convener, base + "/polls", {"question": "Which?", "options": ["A", "B"]}).json()
    member = signed_in(people["member"])
    assert post(member, base + "/polls", {"question": "Mine?", "options": ["x", "y"]}
                ).status_code == 403
    answer = post(member, f"{base}/polls/{poll['id']}/answer",
                  {"options": [poll["options"][1]["id"]]}).json()
    assert [o["votes"] for o in answer["options"]] == [0, 1]
    both = post(member, f"{base}/polls/{poll['id']}/answer",
                {"options": [o["id"] for o in poll["options"]]})
    assert both.status_code == 400
    assert post(convener, f"{base}/polls/{poll['id']}/close", {}).json()["open"] is False


def test_nul_characters_get_a_clear_refusal_not_a_server_error(event, people, signed_in,
                                                                member_participant):
    from cultivate.live.actions import do_post_item

    response = post(signed_in(people["member"]), f"/api/v1/events/{event.pk}/live/items",
                    {"kind": "comment", "body": "budget\x00 lines"})
    assert response.status_code == 400 and "NUL" in response.json()["error"]["message"]
    # The websocket path reaches the action itself, which drops them.
    item = do_post_item(participant=member_participant, kind="comment", body="a\x00b")
    assert item.body == "ab"
