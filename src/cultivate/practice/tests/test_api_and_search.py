import json

import pytest
from django.test import Client

from cultivate.communities.models import Membership
from cultivate.conversations import search
from cultivate.practice import actions

pytestmark = pytest.mark.django_db

BRIEF = {"brief": "Peers who did similar work advise before it starts."}


@pytest.fixture
def two_circles(make_user, make_community):
    ana, ben, olga = make_user("ana"), make_user("ben"), make_user("olga")
    circle = make_community(ana, name="Peer Circle", visibility="private",
                            join_policy="invitation")
    Membership.objects.create(community=circle, user=ben)
    other = make_community(olga, name="Olga Circle", visibility="private",
                           join_policy="invitation")
    return circle, other, {"ana": ana, "ben": ben, "olga": olga}


def post_json(client, url, data, method="post"):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def test_methods_through_the_api(two_circles, signed_in):
    circle, _other, p = two_circles
    ben = signed_in(p["ben"])
    created = post_json(ben, "/api/v1/communities/peer-circle/methods",
                        {"title": "Peer assist", **BRIEF, "tags": ["learning"]})
    assert created.status_code == 201 and created.json()["version"] == 1
    edited = post_json(ben, "/api/v1/methods/peer-assist",
                       {"title": "Peer assist", "brief": "Sharper.", "base_version": 1},
                       method="patch")
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = post_json(ben, "/api/v1/methods/peer-assist",
                      {"title": "Peer assist", "brief": "Stale.", "base_version": 1},
                      method="patch")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "edit_conflict"
    versions = ben.get("/api/v1/methods/peer-assist/revisions").json()
    assert [v["version"] for v in versions] == [2, 1]
    restored = post_json(ben, "/api/v1/methods/peer-assist/revisions/1/restore", {})
    assert restored.json()["version"] == 3 and restored.json()["brief"] == BRIEF["brief"]
    story = post_json(ben, "/api/v1/methods/peer-assist/stories", {
        "title": "It flopped", "outcome": "failure", "context": "A ministry",
        "what_we_did": "Invited late", "what_happened": "Nobody came"})
    assert story.status_code == 201
    bad = post_json(ben, "/api/v1/methods/peer-assist/stories", {
        "title": "x", "outcome": "great", "context": "", "what_we_did": "",
        "what_happened": ""})
    assert bad.status_code == 400 and "outcome" in bad.json()["error"]["fields"]
    used = post_json(ben, "/api/v1/methods/peer-assist/practitioner",
                     {"note": "Twice", "willing_to_share": True}, method="put")
    assert used.status_code == 200
    detail = ben.get("/api/v1/methods/peer-assist").json()
    assert detail["stories"][0]["outcome"] == "failure"
    assert detail["practitioners"][0]["note"] == "Twice"
    assert signed_in(p["olga"]).get("/api/v1/methods/peer-assist").status_code == 404
    assert Client().get("/api/v1/methods/peer-assist").status_code == 404
    assert [m["slug"] for m in ben.get("/api/v1/communities/peer-circle/methods").json()[
        "items"]] == ["peer-assist"]
    refused = post_json(signed_in(p["olga"]), "/api/v1/communities/peer-circle/methods",
                        {"title": "Intrusion", **BRIEF})
    assert refused.status_code == 404


def test_library_search_finds_only_what_you_may_read(two_circles, signed_in):
    circle, other, p = two_circles
    method = actions.do_create_method(actor=p["ben"], community=circle, title="Peer assist",
                                      **BRIEF, description="Bring a **ministry** challenge.")
    actions.do_tell_story(actor=p["ben"], method=method, title="Ministry pilot",
                          outcome="mixed", context="A ministry", what_we_did="Met twice",
                          what_happened="Half the advice used")
    actions.do_create_method(actor=p["olga"], community=other, title="Ministry mapping",
                             brief="Olga's private ministry method.")
    def found(user, text="ministry"):  # the built-in format catalogue mentions ministries too
        return {(h.kind, h.title) for h in search.search_documents(user, text)
                if h.kind in ("method", "story")}

    assert found(p["ben"]) == {("method", "Peer assist"), ("story", "Ministry pilot")}
    assert found(p["olga"]) == {("method", "Ministry mapping")}
    assert found(None) == set()
    # Shared with the landscape: everyone finds it, story included.
    actions.do_set_method_settings(actor=p["ana"], method=method, sharing="landscape")
    assert {kind for kind, _title in found(None)} == {"method", "story"}
    page = signed_in(p["ben"]).get("/search/?q=ministry").content.decode()
    assert "In the practice library" in page and "Ministry pilot" in page
    api = signed_in(p["olga"]).get("/api/v1/search/library?q=ministry&kind=method").json()
    assert {h["title"] for h in api} == {"Peer assist", "Ministry mapping"}
    assert signed_in(p["olga"]).get("/api/v1/search/library?q=x&kind=poem").status_code == 400
    # Editing re-indexes: the old words no longer find it.
    actions.do_edit_method(actor=p["ben"], method=method, base_version=method.version,
                           title="Peer assist", brief="Advice from peers.")
    assert "Peer assist" not in {h.title for h in search.search_documents(p["ben"], "ministry")
                                 if h.kind == "method"}


def test_resources_are_found_by_the_same_search(two_circles, signed_in, settings, tmp_path):
    from cultivate.resources.actions import do_add_resource, do_delete_resource

    settings.MEDIA_ROOT = tmp_path
    circle, _other, p = two_circles
    guide = do_add_resource(actor=p["ben"], community=circle, form="guide",
                            title="Ministry review guide", summary="How to run it",
                            resource_type="guide", language="en", tags=[],
                            body="Steps for a **ministry** spending review.")
    hits = search.search_documents(p["ben"], "ministry", kind="resource")
    assert [(h.kind, h.title) for h in hits] == [("resource", "Ministry review guide")]
    assert search.search_documents(p["olga"], "ministry", kind="resource") == []
    do_delete_resource(actor=p["ben"], resource=guide)
    assert search.search_documents(p["ben"], "ministry", kind="resource") == []


def test_formats_and_adaptations_are_found_by_the_same_search(two_circles):
    from cultivate.formats.actions import do_adapt_format, do_remove_adaptation
    from cultivate.formats.models import LearningFormat

    circle, _other, p = two_circles
    hits = search.search_documents(None, "clinic", kind="format")
    assert "Case clinics" in {h.title for h in hits}  # the built-in catalogue, for everyone
    clinics = LearningFormat.objects.get(slug="case-clinics")
    do_adapt_format(actor=p["ana"], community=circle, format=clinics,
                    notes="Monthly, on Zoom, with a **ministry** presenting.")
    mine = search.search_documents(p["ben"], "ministry", kind="adaptation")
    assert [h.title for h in mine] == ["Case clinics in Peer Circle"]
    assert search.search_documents(p["olga"], "ministry", kind="adaptation") == []
    do_remove_adaptation(actor=p["ana"], community=circle, format=clinics)
    assert search.search_documents(p["ben"], "ministry", kind="adaptation") == []


def test_deleting_a_community_takes_its_things_out_of_the_search(two_circles):
    circle, _other, p = two_circles
    method = actions.do_create_method(actor=p["ben"], community=circle, title="Peer assist",
                                      **BRIEF)
    actions.do_set_method_settings(actor=p["ana"], method=method, sharing="landscape")
    assert [h.title for h in search.search_documents(None, "peers", kind="method")] == [
        "Peer assist"]
    circle.delete()  # the cascade deletes the method: no search row may point to it
    assert search.search_documents(None, "peers", kind="method") == []


def test_null_settings_change_nothing_instead_of_failing(two_circles, signed_in):
    circle, _other, p = two_circles
    method = actions.do_create_method(actor=p["ana"], community=circle, title="Peer assist",
                                      **BRIEF)
    actions.do_set_method_settings(actor=p["ana"], method=method, is_restricted=True)
    answer = post_json(signed_in(p["ana"]), "/api/v1/methods/peer-assist/settings",
                       {"is_restricted": None, "sharing": None, "shared_with": None,
                        "related": None}, method="patch")
    assert answer.status_code == 200, answer.content
    method.refresh_from_db()
    assert method.is_restricted
