"""Walk every API route with bad input: none answers 500, all answer the one error shape."""

import json

import pytest

from cultivate.api import api
from cultivate.communities.models import Community, Invitation, JoinRequest, Membership
from cultivate.people.actions import do_create_access_token

pytestmark = pytest.mark.django_db

PATH_VALUES = {
    "slug": ["no-such-community", "budget"],
    "user_id": ["999999", "not-a-number"],
    "request_id": ["999999", "-1"],
    "token_id": ["999999", "abc"],
    "token": ["not-a-real-token"],
    "topic_id": ["999999", "x"],
    "invitation_id": ["999999"],
    "post_id": ["999999", "y"],
    "attachment_id": ["999999", "z"],
    "resource_id": ["999999", "r"],
    "claim_id": ["999999", "q"],
    "username": ["nobody", "ana"],
    "format_slug": ["no-such-format", "case-clinics"],
    "method": ["no-such-method", "budget-circles"],
    "version": ["999999", "v"],
    "story_id": ["999999", "s"],
    "event_id": ["999999", "e"],
    "item_id": ["999999", "i"],
    "poll_id": ["999999", "p"],
    "participant_id": ["999999", "n"],
}
BAD_BODIES = [
    ("application/json", b"{not json"),
    ("application/json", b"[1, 2, 3]"),
    ("application/json", b'{"name": 5, "charter": "nope", "role": ["x"], "email": null}'),
    ("application/json", json.dumps({"name": "x" * 100_000}).encode()),
    ("text/plain", b'{"name": "Budget"}'),
    ("application/json", b'{"name": "Bud\\u0000get", "body": "x\\u0000", "title": "NUL\\u0000"}'),
    ("application/x-www-form-urlencoded", b"name=Budget"),
]


def routes():
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method.upper(), path


def concrete_paths(path: str):
    paths = [path]
    for name, values in PATH_VALUES.items():
        if "{" + name + "}" in path:  # else every value would copy each path: 2^n duplicates
            paths = [p.replace("{" + name + "}", value) for p in paths for value in values]
    return paths


def assert_error_shape(response):
    assert response.status_code < 500, (response.status_code, response.content[:300])
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "fields"}
        assert isinstance(error["fields"], dict)


@pytest.fixture
def world(make_user, make_community):
    ana = make_user("ana")
    budget = make_community(ana, name="Budget")
    from cultivate.practice.actions import do_create_method

    do_create_method(actor=ana, community=budget, title="Budget circles", brief="Peers meet.")
    _token, secret = do_create_access_token(actor=ana, name="walker")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_there_are_routes_to_walk():
    assert len(list(routes())) >= 20


@pytest.mark.parametrize(("method", "path"), list(routes()))
def test_route_survives_bad_input(client, world, method, path):
    before = (Community.objects.count(), Membership.objects.count(),
              JoinRequest.objects.count(), Invitation.objects.count())
    for url in concrete_paths(path):
        for headers in ({}, world):
            if method in ("GET", "DELETE"):
                assert_error_shape(client.generic(method, url + "?page=abc&limit=x", **headers))
                continue
            for content_type, body in BAD_BODIES:
                response = client.generic(method, url, body, content_type=content_type, **headers)
                assert_error_shape(response)
                if url.endswith("/budget") or "/budget/" in url:
                    assert response.status_code >= 400
    after = (Community.objects.count(), Membership.objects.count(),
             JoinRequest.objects.count(), Invitation.objects.count())
    assert after == before


def test_validation_errors_name_the_fields(client, world):
    response = client.post("/api/v1/communities", json.dumps({"name": 5, "tags": "x"}),
                           content_type="application/json", **world)
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert {"name", "tags", "charter"} <= set(fields)


def test_malformed_json_and_wrong_content_type_are_explained(client, world):
    broken = client.post("/api/v1/communities", b"{oops", content_type="application/json",
                         **world)
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "bad_request"
    wrong = client.post("/api/v1/communities", b"name=x", content_type="text/plain", **world)
    assert wrong.status_code == 415
    assert "application/json" in wrong.json()["error"]["message"]
    huge = client.post("/api/v1/communities", json.dumps({"name": "x" * 3_000_000}),
                       content_type="application/json", **world)
    assert huge.status_code == 413
    assert huge.json()["error"]["code"] == "too_large"


def test_unknown_routes_and_methods_answer_in_the_error_shape(client, world):
    for method, url, status in [("get", "/api/v1/nope", 404), ("put", "/api/v1/communities", 405),
                                ("delete", "/api/v1/me", 405)]:
        response = getattr(client, method)(url, **world)
        assert response.status_code == status
        assert response.json()["error"]["code"] in ("not_found", "method_not_allowed")


def test_a_method_the_route_does_not_take_answers_405_with_the_methods_it_does(client, world):
    response = client.generic("TRACE", "/api/v1/communities", **world)
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert response.json()["error"]["code"] == "method_not_allowed"
