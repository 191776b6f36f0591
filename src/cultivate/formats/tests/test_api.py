"""The catalogue and adaptations through the JSON API."""

import json

import pytest

from cultivate.formats.actions import do_adapt_format
from cultivate.formats.models import CommunityFormat, LearningFormat

pytestmark = pytest.mark.django_db



def put(client, url, body, headers):
    return client.put(url, json.dumps(body), content_type="application/json", **headers)


def slugs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["slug"] for item in response.json()["items"]}


def test_list_formats_is_paginated_and_complete(client, catalogue):
    body = client.get("/api/v1/formats").json()
    assert body["count"] == LearningFormat.objects.count() >= 30
    assert body["page"] == 1 and body["pages"] == 1
    item = next(i for i in body["items"] if i["slug"] == "case-clinics")
    assert item["name"] == "Case clinics" and item["formality"] == 3
    assert item["formality_label"] == "Semi-structured" and item["source"] == "each_other"
    assert "solve_problems" in item["purposes"] and item["url"] == "/formats/case-clinics/"
    assert item["duration_min"] == 60 and item["group_size_max"] == 12
    assert client.get("/api/v1/formats?page=99").json()["page"] == 1


@pytest.mark.parametrize(("query", "expected", "absent"), [
    ("purpose=influence", {"joint-response", "systematic-scans"}, {"role-play"}),
    ("formality=1", {"exchange-tips", "point-to-resources"}, {"case-clinics"}),
    ("source=both", {"training-and-workshops", "reading-group"}, {"guests"}),
    ("q=bench", {"mutual-benchmarking", "external-benchmarks"}, {"help-desk"}),
    ("purpose=solve_problems&source=each_other&formality=3", {"case-clinics"}, {"help-desk"}),
    ("purpose=&source=&formality=&q=", {"case-clinics", "guests"}, set()),
])
def test_list_formats_filters(client, catalogue, query, expected, absent):
    found = slugs(client.get(f"/api/v1/formats?{query}"))
    assert expected <= found and not (absent & found), found


@pytest.mark.parametrize(("query", "field"), [
    ("purpose=world_peace", "purpose"), ("source=moon", "source"), ("formality=9", "formality"),
    ("formality=x", "formality"), ("page=abc", "page"), ("q=" + "x" * 300, "q"),
])
def test_bad_filter_values_are_refused_with_the_field_named(client, catalogue, query, field):
    response = client.get(f"/api/v1/formats?{query}")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"], error


def test_get_one_format_in_full(client, catalogue):
    body = client.get("/api/v1/formats/peer-assist").json()
    assert body["name"] == "Peer assist" and body["steps"].startswith("1. ")
    assert "<ol>" in body["steps_html"] and body["when_to_use_html"] and body["outputs"]
    assert {"slug": "case-clinics", "name": "Case clinics",
            "url": "/formats/case-clinics/"} in body["related"]
    assert body["adaptations"] == []
    missing = client.get("/api/v1/formats/no-such-format")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_facilitator_adapts_changes_and_removes_through_the_api(client, budget, people,
                                                               token_of):
    auth = token_of(people["fay"])
    url = "/api/v1/communities/budget-practitioners/formats/case-clinics"
    created = put(client, url, {"notes": "Monthly, *one* case.", "duration_max": 75,
                                "duration_min": 45}, auth)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["notes_html"] == "<p>Monthly, <em>one</em> case.</p>\n"
    assert body["format"]["slug"] == "case-clinics" and body["community"] == budget.slug
    assert body["adapted_by"]["username"] == "fay" and body["duration_max"] == 75
    assert body["group_size_min"] is None and body["roles"] == ""
    assert body["url"] == "/c/budget-practitioners/formats/case-clinics/"

    changed = put(client, url, {"notes": "Fortnightly.", "roles": "- **Host**: fay"}, auth)
    assert changed.status_code == 200 and changed.json()["duration_max"] is None
    assert "<strong>Host</strong>" in changed.json()["roles_html"]
    assert CommunityFormat.objects.count() == 1

    listing = client.get("/api/v1/communities/budget-practitioners/formats").json()
    assert listing["count"] == 1 and listing["items"][0]["notes"] == "Fortnightly."
    detail = client.get("/api/v1/formats/case-clinics").json()
    assert [a["community"] for a in detail["adaptations"]] == ["budget-practitioners"]

    removed = client.delete(url, **auth)
    assert removed.status_code == 204 and not CommunityFormat.objects.exists()
    assert client.delete(url, **auth).status_code == 404


def test_plain_members_may_not_adapt(client, budget, people, token_of):
    url = "/api/v1/communities/budget-practitioners/formats/case-clinics"
    refused = put(client, url, {"notes": "Mine now"}, token_of(people["ben"]))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    do_adapt_format(actor=people["ana"], community=budget,
                    format=LearningFormat.objects.get(slug="case-clinics"), notes="Ours")
    assert client.delete(url, **token_of(people["ben"])).status_code == 403
    assert CommunityFormat.objects.get().notes == "Ours"
    anonymous = put(client, url, {"notes": "Anyone"}, {})
    assert anonymous.status_code == 401


def test_a_private_communitys_formats_are_404_for_outsiders(client, hidden, people, token_of):
    do_adapt_format(actor=people["ana"], community=hidden,
                    format=LearningFormat.objects.get(slug="story-circle"), notes="Secret")
    url = "/api/v1/communities/quiet-circle/formats"
    for headers in ({}, token_of(people["olga"])):
        assert client.get(url, **headers).status_code == 404
        assert put(client, url + "/story-circle", {"notes": "x"}, headers).status_code in (
            401, 404)
        assert client.delete(url + "/story-circle", **headers).status_code in (401, 404)
        detail = client.get("/api/v1/formats/story-circle", **headers).json()
        assert detail["adaptations"] == []
    olga = token_of(people["olga"])
    assert put(client, url + "/story-circle", {"notes": "x"}, olga).status_code == 404
    mine = client.get("/api/v1/formats/story-circle", **token_of(people["ana"])).json()
    assert [a["community"] for a in mine["adaptations"]] == ["quiet-circle"]
    assert CommunityFormat.objects.get().notes == "Secret"


def test_bad_adaptations_answer_with_the_fields(client, budget, people, token_of):
    auth = token_of(people["fay"])
    url = "/api/v1/communities/budget-practitioners/formats/role-play"
    cases = [
        ({"notes": "x" * 20_001}, 400, "notes"),
        ({"notes": "   "}, 400, "notes"),
        ({"notes": "ok", "roles": "r" * 10_001}, 400, "roles"),
        ({"notes": "ok", "duration_min": 0}, 400, "duration_min"),
        ({"notes": "ok", "duration_max": 10**6}, 400, "duration_max"),
        ({"notes": "ok", "group_size_min": 9, "group_size_max": 3}, 400, "group_size_max"),
        ({"notes": "ok", "duration_min": "soon"}, 422, "duration_min"),
        ({"notes": 5}, 422, "notes"),
        ({}, 422, "notes"),
        ({"notes": "ok", "note": "typo"}, 422, "note"),
    ]
    for body, status, field in cases:
        response = put(client, url, body, auth)
        assert response.status_code == status, (body, response.content)
        assert field in response.json()["error"]["fields"], (body, response.json())
    assert not CommunityFormat.objects.exists()


def test_unknown_format_or_community_is_404(client, budget, people, token_of):
    auth = token_of(people["fay"])
    missing = put(client, "/api/v1/communities/budget-practitioners/formats/no-such",
                  {"notes": "x"}, auth)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert put(client, "/api/v1/communities/nowhere/formats/case-clinics", {"notes": "x"},
               auth).status_code == 404
    assert client.get("/api/v1/communities/nowhere/formats").status_code == 404


def test_api_catalogue_query_count(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/formats?source=each_other").status_code == 200
