"""Two server processes share live events through Redis (the production tier): a question
posted through one reaches a socket connected to the other. Without Redis each process has its
own in-memory layer, and the same question reaches the other process's socket only when the
client resumes from the stored log, which shows the test tells the two apart. Access changes
cross processes the same way."""

import json

import pytest
import redis

from tests.live_servers import asgi_servers
from tests.test_live_websocket import (  # noqa: F401 (fixture)
    api,
    closed_with,
    open_socket,
    receive,
    scene,
)

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_URL = "redis://127.0.0.1:6379/13"


def redis_answers() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def is_question(frame, body):
    data = frame.get("data") or {}
    return data.get("kind") == "item" and data["item"]["body"] == body


@pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_a_question_posted_on_one_worker_reaches_a_socket_on_the_other(scene):  # noqa: F811
    event, tokens = scene["event"], scene["tokens"]
    with asgi_servers(2, redis_url=REDIS_URL) as (first, second):
        with open_socket(first, event, token=tokens["member"]) as socket:
            receive(socket, until=lambda f: f["type"] == "hello")
            posted = api(second, token=tokens["convener"]).post(
                f"/events/{event.pk}/live/items", json={"kind": "question", "body": "Across?"})
            assert posted.status_code == 201, posted.text
            arrived = receive(socket, until=lambda f: is_question(f, "Across?"), timeout=5)
            assert arrived["seq"] == posted_seq(second, event, tokens)
        with open_socket(first, event) as visitor:  # turning private on one closes on the other
            receive(visitor, until=lambda f: f["type"] == "hello")
            private = api(second, token=tokens["convener"]).patch(
                f"/communities/{scene['community'].slug}", json={"visibility": "private"})
            assert private.status_code == 200, private.text
            assert closed_with(visitor) == 4403


def posted_seq(server, event, tokens) -> int:
    return api(server, token=tokens["member"]).get(f"/events/{event.pk}/live").json()["seq"]


def test_without_redis_the_other_worker_hears_only_by_resuming(scene):  # noqa: F811
    event, tokens = scene["event"], scene["tokens"]
    with asgi_servers(2) as (first, second):
        with open_socket(first, event, token=tokens["member"]) as socket:
            seen = receive(socket, until=lambda f: f["type"] == "hello")["seq"]
            api(second, token=tokens["convener"]).post(
                f"/events/{event.pk}/live/items", json={"kind": "question", "body": "Lost?"})
            with pytest.raises(TimeoutError):
                receive(socket, until=lambda f: is_question(f, "Lost?"), timeout=2)
            socket.send(json.dumps({"action": "resume", "after": seen}))
            assert receive(socket, until=lambda f: is_question(f, "Lost?"))
