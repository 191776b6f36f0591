"""The dashboards' JSON: the same stored figures, the API's error shape and permissions."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cultivate.insights import queries
from cultivate.insights.queries import this_week
from cultivate.insights.tests.dashboard_data import LEVELS, fill, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_community):
    world = make_world(make_user, make_community)
    fill(world["private"])
    return world


def test_a_communitys_figures(client, world, token_of):
    got = client.get("/api/v1/communities/treasury-circle/insights?weeks=12",
                     **token_of(world["sam"]))
    assert got.status_code == 200, got.content
    body = got.json()
    assert body["community"] == "treasury-circle" and body["weeks"] == 12
    assert body["levels"] == LEVELS and body["members"] == 5
    assert (body["questions"], body["questions_answered"]) == (40, 30)
    assert body["median_first_answer_seconds"] == 5400.0
    assert body["unanswered_count"] == 10 and len(body["unanswered"]) == 1
    assert body["unanswered"][0]["url"] == "http://127.0.0.1:8000/c/x/t/7/"
    assert body["unanswered"][0]["asked_at"].startswith("2026-03-02T09:30:00")
    assert [row["score"] for row in body["useful_content"]] == [7, 4]
    assert body["network"] == {"density": 0.25, "nodes": 30}
    weeks = body["by_week"]
    assert len(weeks) == 12 and weeks[-1]["week"] == this_week().isoformat()
    assert weeks[-1]["contributions"] == {"answering": 2, "posting": 5, "reading": 11}
    assert weeks[-1]["median_first_answer_seconds"] == 2700.0
    assert weeks[-2]["new_members"] == 2 and weeks[-2]["attendance"] == 9
    assert weeks[0]["contributions"] == {} and weeks[0]["median_first_answer_seconds"] is None
    history = body["level_history"]
    assert history[-1] == {"week": this_week().isoformat(), "levels": LEVELS}
    assert history[0]["week"] == (this_week() - timedelta(weeks=2)).isoformat()
    assert body["html_url"].endswith("/c/treasury-circle/insights/")
    assert client.get("/api/v1/communities/treasury-circle/insights?weeks=7",
                      **token_of(world["fay"])).json()["weeks"] == queries.DEFAULT_WEEKS


@pytest.mark.parametrize(("who", "private", "public"), [
    (None, 404, 401), ("olga", 404, 403), ("ben", 403, 403), ("cora", 403, 403),
    ("sam", 200, 403), ("fay", 200, 403), ("ana", 200, 403), ("root", 200, 200),
    ("cleo", 404, 200),
])
def test_who_may_read_them(client, world, who, private, public, token_of):
    headers = token_of(world[who]) if who else {}
    for slug, status in (("treasury-circle", private), ("open-budgets", public)):
        got = client.get(f"/api/v1/communities/{slug}/insights", **headers)
        assert got.status_code == status, (who, slug)
        if status != 200:
            assert set(got.json()["error"]) == {"code", "message", "fields"}
    assert client.get("/api/v1/communities/nowhere/insights").status_code == 404


def test_the_landscape(client, world, token_of):
    got = client.get("/api/v1/insights/landscape")
    assert got.status_code == 401 and got.json()["error"]["code"] == "not_authenticated"
    for who in ("olga", "ben", "cora"):
        got = client.get("/api/v1/insights/landscape", **token_of(world[who]))
        assert got.status_code == 403 and got.json()["error"]["code"] == "forbidden"
    body = client.get("/api/v1/insights/landscape", **token_of(world["fay"])).json()
    assert (body["count"], body["page"], body["pages"]) == (1, 1, 1)
    [item] = body["items"]
    assert item["slug"] == "treasury-circle" and item["levels"] == LEVELS
    assert item["members"] == 5 and item["stage"] == "potential"
    assert item["contributions_by_week"][-4:] == [21, 20, 19, 18]
    assert len(body["weeks"]) == len(item["contributions_by_week"]) == queries.TREND_WEEKS
    everything = client.get("/api/v1/insights/landscape?page=9", **token_of(world["root"])).json()
    assert [i["slug"] for i in everything["items"]] == ["open-budgets", "treasury-circle"]
    assert everything["page"] == 1
    assert everything["items"][0]["levels"] == dict.fromkeys(LEVELS, 0)


def test_api_queries_are_fixed(client, world, token_of):
    headers = token_of(world["fay"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/communities/treasury-circle/insights?weeks=104",
                          **headers).status_code == 200
    assert len(captured) <= 8, "\n".join(q["sql"][:90] for q in captured)
