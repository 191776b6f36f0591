"""The backchannel over real websockets: a real uvicorn serving cultivate.asgi, real clients
(the `websockets` library), the test database. Writes go through the server's HTTP API so its
own broadcasts (WSGI thread -> event loop -> sockets) are what the clients see."""

import json
import re
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.live_servers import asgi_servers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(make_user, make_community):
    from cultivate.communities.actions import do_join_community
    from cultivate.events.models import Event
    from cultivate.live.actions import do_set_channel
    from cultivate.people.actions.profile import do_create_access_token

    convener, member = make_user("convener"), make_user("member")
    community = make_community(convener)
    do_join_community(actor=member, community=community)
    start = timezone.now() - timedelta(minutes=5)
    event = Event.objects.create(community=community, title="Peer assist", starts_at=start,
                                 ends_at=start + timedelta(hours=1))
    do_set_channel(actor=convener, event=event, guests_allowed=True)
    tokens = {user.username: do_create_access_token(actor=user, name="test")[1]
              for user in (convener, member)}
    return {"event": event, "community": community, "tokens": tokens, "member": member}


@pytest.fixture
def server(scene):
    """A fresh server per test: the test database is emptied between tests, and a server
    kept across them would remember content-type ids that no longer exist. Pages name their
    static files without a manifest (none is collected here)."""
    with asgi_servers(1, env=PLAIN_STATIC) as (server,):
        yield server


PLAIN_STATIC = {"STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def api(server, token=None, guest=None):
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if guest:
        headers["X-Live-Guest"] = guest
    return httpx.Client(base_url=server.http + "/api/v1", headers=headers, timeout=10)


def open_socket(server, event, *, token=None, guest=None, after=None, origin=None):
    query = [f"guest={guest}"] if guest else []
    if after is not None:
        query.append(f"after={after}")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    url = f"{server.ws}/ws/live/{event.pk}/" + ("?" + "&".join(query) if query else "")
    return connect(url, additional_headers=headers, origin=origin, open_timeout=10)


def receive(socket, *, until, timeout=5.0):
    """Frames until one matches `until(frame)`; fails after `timeout` seconds."""
    while True:
        frame = json.loads(socket.recv(timeout=timeout))
        if until(frame):
            return frame


def is_item(frame, body):
    data = frame.get("data") or {}
    return frame["type"] == "update" and data.get("kind") == "item" \
        and data["item"].get("body") == body


def join_as_guest(server, event, name="Ana"):
    response = api(server).post(f"/events/{event.pk}/live/join",
                                json={"code": event.join_code, "display_name": name})
    assert response.status_code == 201, response.text
    return response.json()["guest_token"]


def test_a_question_posted_over_http_reaches_every_socket_and_votes_follow(server, scene):
    event, tokens = scene["event"], scene["tokens"]
    guest = join_as_guest(server, event)
    with open_socket(server, event, token=tokens["member"]) as member_socket, \
            open_socket(server, event, guest=guest) as guest_socket:
        hello = receive(member_socket, until=lambda f: f["type"] == "hello")
        assert hello["me"]["name"] == "member" and not hello["me"]["moderator"]
        assert receive(guest_socket, until=lambda f: f["type"] == "hello")["me"]["guest"]
        posted = api(server, guest=guest).post(f"/events/{event.pk}/live/items",
                                               json={"kind": "question", "body": "Who pays?"})
        assert posted.status_code == 201, posted.text
        for socket in (member_socket, guest_socket):
            assert receive(socket, until=lambda f: is_item(f, "Who pays?"))
        item_id = posted.json()["id"]
        member_socket.send(json.dumps({"action": "vote", "item": item_id, "ref": "v1"}))
        assert receive(member_socket, until=lambda f: f["type"] == "ack")["votes"] == 1
        votes = receive(guest_socket, until=lambda f: (f.get("data") or {}).get("kind") == "votes")
        assert votes["data"] == {"kind": "votes", "item": item_id, "votes": 1}
        bad_frames_get_an_error_and_the_socket_stays_usable(member_socket)


def bad_frames_get_an_error_and_the_socket_stays_usable(socket):
    """Each bad frame gets its error; the same socket then works normally."""
    for frame, code in [("not json", "malformed"), ("[1, 2]", "malformed"),
                        (json.dumps({"action": "explode"}), "unknown_action"),
                        ("x" * 9000, "too_large"),
                        (json.dumps({"action": "post", "kind": "question", "body": ""}),
                         "invalid"),
                        (json.dumps({"action": "vote", "item": "abc"}), "not_found")]:
        socket.send(frame)
        error = receive(socket, until=lambda f: f["type"] == "error")
        assert error["code"] == code, (frame[:30], error)
    socket.send(json.dumps({"action": "post", "kind": "question", "body": "Twice?",
                            "ref": "p"}))
    ack = receive(socket, until=lambda f: f["type"] == "ack")
    socket.send(json.dumps({"action": "vote", "item": ack["item"]["id"], "ref": "a"}))
    receive(socket, until=lambda f: f["type"] == "ack")
    socket.send(json.dumps({"action": "vote", "item": ack["item"]["id"], "ref": "b"}))
    assert receive(socket, until=lambda f: f["type"] == "error")["code"] == "already_voted"


def test_a_client_that_reconnects_resumes_from_the_last_number_it_saw(server, scene):
    event, tokens = scene["event"], scene["tokens"]
    with open_socket(server, event, token=tokens["member"]) as socket:
        last_seen = receive(socket, until=lambda f: f["type"] == "hello")["seq"]
    member_api = api(server, token=tokens["member"])
    for body in ("Missed one", "Missed two"):
        assert member_api.post(f"/events/{event.pk}/live/items",
                               json={"kind": "comment", "body": body}).status_code == 201
    with open_socket(server, event, token=tokens["member"], after=last_seen) as socket:
        receive(socket, until=lambda f: f["type"] == "hello")
        first = receive(socket, until=lambda f: f["type"] == "update")
        second = receive(socket, until=lambda f: f["type"] == "update")
    assert [first["data"]["item"]["body"], second["data"]["item"]["body"]] == \
        ["Missed one", "Missed two"]
    assert second["seq"] == first["seq"] + 1 > last_seen
    polled = member_api.get(f"/events/{event.pk}/live/updates", params={"after": last_seen})
    assert [u["seq"] for u in polled.json()["updates"]] == [first["seq"], second["seq"]]


def test_removal_closes_the_stream_of_the_removed_participant_only(server, scene):
    event, tokens = scene["event"], scene["tokens"]
    guest = join_as_guest(server, event, "Troll")
    with open_socket(server, event, guest=guest) as troll, \
            open_socket(server, event, token=tokens["member"]) as member_socket:
        hello = receive(troll, until=lambda f: f["type"] == "hello")
        receive(member_socket, until=lambda f: f["type"] == "hello")
        removed = api(server, token=tokens["convener"]).post(
            f"/events/{event.pk}/live/participants/{hello['me']['participant']}/remove")
        assert removed.status_code == 200, removed.text
        with pytest.raises(ConnectionClosed) as closed:
            receive(troll, until=lambda f: False)
        assert closed.value.rcvd.code == 4403
        member_socket.send(json.dumps({"action": "post", "kind": "comment", "body": "Calm now",
                                       "ref": "c"}))
        assert receive(member_socket, until=lambda f: f["type"] == "ack")
    with pytest.raises(InvalidStatus):  # and cannot come back
        open_socket(server, event, guest=guest)


    leaving_the_community_closes_the_members_stream(server, scene)


def leaving_the_community_closes_the_members_stream(server, scene):
    event, tokens, community = scene["event"], scene["tokens"], scene["community"]
    with open_socket(server, event, token=tokens["member"]) as socket:
        receive(socket, until=lambda f: f["type"] == "hello")
        left = api(server, token=tokens["member"]).post(f"/communities/{community.slug}/leave")
        assert left.status_code == 204, left.text
        with pytest.raises(ConnectionClosed) as closed:
            receive(socket, until=lambda f: False)
        assert closed.value.rcvd.code == 4403


def test_who_may_connect_origin_visitors_strangers_tokens(server, scene):
    from cultivate.communities.models import Community

    event, tokens = scene["event"], scene["tokens"]
    with pytest.raises(InvalidStatus):
        open_socket(server, event, token=tokens["member"], origin="http://evil.example")
    with open_socket(server, event, token=tokens["member"],
                     origin=f"http://127.0.0.1:{server.port}") as socket:
        assert receive(socket, until=lambda f: f["type"] == "hello")
    with open_socket(server, event) as visitor:  # public community: anyone may watch
        hello = receive(visitor, until=lambda f: f["type"] == "hello")
        assert hello["me"]["participant"] is None
        visitor.send(json.dumps({"action": "post", "kind": "comment", "body": "hi"}))
        assert receive(visitor, until=lambda f: f["type"] == "error")["code"] == "forbidden"
    Community.objects.filter(pk=scene["community"].pk).update(visibility="private")
    with pytest.raises(InvalidStatus):
        open_socket(server, event)
    with pytest.raises(InvalidStatus):
        open_socket(server, event, token="cul_not-a-real-token")


def closed_with(socket) -> int:
    """The close code once the server closes the socket (fails if it stays open for 5 s)."""
    with pytest.raises(ConnectionClosed) as closed:
        receive(socket, until=lambda f: False)
    return closed.value.rcvd.code


def test_sockets_that_may_no_longer_read_close_when_the_community_turns_private(
        server, scene, make_user):
    from cultivate.people.actions.profile import do_create_access_token

    event, tokens, community = scene["event"], scene["tokens"], scene["community"]
    outsider = do_create_access_token(actor=make_user("outsider"), name="test")[1]
    guest = join_as_guest(server, event, "Ana")
    with open_socket(server, event) as visitor, \
            open_socket(server, event, token=outsider) as outsider_socket, \
            open_socket(server, event, guest=guest) as guest_socket, \
            open_socket(server, event, token=tokens["member"]) as member_socket:
        for socket in (visitor, outsider_socket, guest_socket, member_socket):
            receive(socket, until=lambda f: f["type"] == "hello")
        private = api(server, token=tokens["convener"]).patch(
            f"/communities/{community.slug}", json={"visibility": "private"})
        assert private.status_code == 200, private.text
        assert closed_with(visitor) == closed_with(outsider_socket) == 4403
        posted = api(server, token=tokens["member"]).post(
            f"/events/{event.pk}/live/items", json={"kind": "comment", "body": "Members only"})
        assert posted.status_code == 201, posted.text
        for socket in (member_socket, guest_socket):  # a guest let in by the code stays
            assert receive(socket, until=lambda f: is_item(f, "Members only"))
        no_guests = api(server, token=tokens["convener"]).patch(
            f"/events/{event.pk}/live", json={"guests_allowed": False})
        assert no_guests.status_code == 200, no_guests.text
        assert closed_with(guest_socket) == 4403
        member_socket.send(json.dumps({"action": "post", "kind": "comment", "body": "Still",
                                       "ref": "s"}))
        assert receive(member_socket, until=lambda f: f["type"] == "ack")
    for who in ({}, {"token": outsider}, {"guest": guest}):  # as a reconnect would be
        with pytest.raises(InvalidStatus):
            open_socket(server, event, **who)


def browser_joins_as_guest(server, event, name):
    """A browser without JavaScript: the join form with its CSRF token, then the session."""
    browser = httpx.Client(base_url=server.http, timeout=10)
    form = browser.get(f"/live/{event.join_code}/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return browser, browser.post("/live/", data={"csrfmiddlewaretoken": csrf, "display_name": name,
                                                 "code": event.join_code})


def browser_socket(server, event, browser):
    cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    return connect(f"{server.ws}/ws/live/{event.pk}/", additional_headers={"Cookie": cookie},
                   origin=f"http://127.0.0.1:{server.port}", open_timeout=10)


def test_a_guest_rejoining_from_the_same_browser_votes_once_and_a_removed_one_stays_out(
        server, scene):
    event, tokens = scene["event"], scene["tokens"]
    question = api(server, token=tokens["member"]).post(
        f"/events/{event.pk}/live/items", json={"kind": "question", "body": "Who pays?"}).json()
    browser, joined = browser_joins_as_guest(server, event, "Ana")
    assert joined.status_code == 302, joined.text
    with browser_socket(server, event, browser) as socket:
        me = receive(socket, until=lambda f: f["type"] == "hello")["me"]
        assert me["guest"] and me["name"] == "Ana"
        socket.send(json.dumps({"action": "vote", "item": question["id"], "ref": "1"}))
        assert receive(socket, until=lambda f: f["type"] == "ack")["votes"] == 1
    form = browser.get(f"/live/{event.join_code}/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    again = browser.post("/live/", data={"csrfmiddlewaretoken": csrf, "code": event.join_code,
                                         "display_name": "Ana the second"})
    assert again.status_code == 302, again.text
    with browser_socket(server, event, browser) as socket:
        assert receive(socket, until=lambda f: f["type"] == "hello")["me"] == me
        socket.send(json.dumps({"action": "vote", "item": question["id"], "ref": "2"}))
        assert receive(socket, until=lambda f: f["type"] == "error")["code"] == "already_voted"
        removed = api(server, token=tokens["convener"]).post(
            f"/events/{event.pk}/live/participants/{me['participant']}/remove")
        assert removed.status_code == 200, removed.text
        assert closed_with(socket) == 4403
    form = browser.get(f"/live/{event.join_code}/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    refused = browser.post("/live/", data={"csrfmiddlewaretoken": csrf, "code": event.join_code,
                                           "display_name": "Someone else"})
    assert refused.status_code == 400 and "removed you" in refused.text
    state = api(server, token=tokens["member"]).get(f"/events/{event.pk}/live").json()
    assert [i["votes"] for i in state["items"] if i["id"] == question["id"]] == [1]


def test_a_flooding_socket_gets_rate_limited_errors_with_retry_after(scene):
    event, tokens = scene["event"], scene["tokens"]
    with asgi_servers(1, env={"CULTIVATE_LIVE_POST_RATE": "2/m", **PLAIN_STATIC}) as (server,), \
            open_socket(server, event, token=tokens["member"]) as socket:
        receive(socket, until=lambda f: f["type"] == "hello")
        for n in range(3):
            socket.send(json.dumps({"action": "post", "kind": "comment", "body": f"spam {n}",
                                    "ref": n}))
        answers = [receive(socket, until=lambda f: f["type"] in ("ack", "error"))
                   for _ in range(3)]
        assert [a["type"] for a in answers] == ["ack", "ack", "error"]
        assert answers[2]["code"] == "rate_limited" and 1 <= answers[2]["retry_after"] <= 61
        flooded = api(server, token=tokens["member"]).post(
            f"/events/{event.pk}/live/items", json={"kind": "comment", "body": "over HTTP"})
        assert flooded.status_code == 429 and int(flooded.headers["Retry-After"]) >= 1
        socket.send(json.dumps({"action": "vote", "item": answers[0]["item"]["id"]}))
        assert receive(socket, until=lambda f: f["type"] in ("ack", "error"))["code"] == \
            "not_a_question"  # still open and answering
