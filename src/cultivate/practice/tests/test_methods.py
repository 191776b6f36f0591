import pytest
from django.test import Client

from cultivate.communities.models import Membership
from cultivate.core.errors import ActionError, Conflict, NotAllowed
from cultivate.practice import actions
from cultivate.practice.models import Method, Practitioner

pytestmark = pytest.mark.django_db

SECTIONS = {"brief": "Peers advise before work starts.",
            "applications": "- Before a new programme", "description": "1. Invite peers",
            "references": ""}


@pytest.fixture
def circle(make_user, make_community):
    """A private community (convener ana, facilitator fay, member ben), olga outside it, and a
    second private community of olga's."""
    ana, fay, ben, olga = (make_user(name) for name in ("ana", "fay", "ben", "olga"))
    community = make_community(ana, name="Peer Circle", visibility="private",
                               join_policy="invitation")
    Membership.objects.create(community=community, user=fay, role="facilitator")
    Membership.objects.create(community=community, user=ben)
    other = make_community(olga, name="Olga Circle", visibility="private",
                           join_policy="invitation")
    method = actions.do_create_method(actor=ben, community=community, title="Peer assist",
                                      tags=["Learning"], **SECTIONS)
    return community, other, method, {"ana": ana, "fay": fay, "ben": ben, "olga": olga}


def test_writing_editing_and_history(circle, signed_in):
    community, _other, method, p = circle
    assert method.slug == "peer-assist" and method.version == 1
    assert list(method.revisions.values_list("version", flat=True)) == [1]
    ben = signed_in(p["ben"])
    page = ben.get("/methods/peer-assist/").content.decode()
    assert "Peers advise before work starts." in page and "Learning" in page
    answer = ben.post("/methods/peer-assist/edit/", {
        "title": "Peer assist", **SECTIONS, "brief": "Peers who did it advise first.",
        "summary": "Sharper brief", "base_version": 1, "tags": "Learning"})
    assert answer.status_code == 302
    method.refresh_from_db()
    assert method.version == 2 and method.brief == "Peers who did it advise first."
    history = ben.get("/methods/peer-assist/history/").content.decode()
    assert "Sharper brief" in history
    diff = ben.get("/methods/peer-assist/history/2/").content.decode()
    assert "<del>Peers advise before work starts.</del>" in diff
    assert "<ins>Peers who did it advise first.</ins>" in diff
    assert ben.post("/methods/peer-assist/history/1/restore/").status_code == 302
    method.refresh_from_db()
    assert method.version == 3 and method.brief == "Peers advise before work starts."


def test_two_people_editing_at_once_lose_nothing(circle, signed_in):
    community, _other, method, p = circle
    ben, fay = signed_in(p["ben"]), signed_in(p["fay"])
    started = {"title": "Peer assist", **SECTIONS, "base_version": 1}
    assert ben.post("/methods/peer-assist/edit/", {**started, "brief": "Ben's brief"}
                    ).status_code == 302
    clash = fay.post("/methods/peer-assist/edit/", {**started, "brief": "Fay's brief"})
    assert clash.status_code == 409
    html = clash.content.decode()
    assert "Fay&#x27;s brief" in html or "Fay's brief" in html  # her draft is still in the form
    assert "Edit conflict" in html and "Ben&#x27;s brief" in html  # and she sees what changed
    assert 'name="base_version" value="2"' in html
    method.refresh_from_db()
    assert method.brief == "Ben's brief" and method.version == 2
    assert fay.post("/methods/peer-assist/edit/", {**started, "base_version": 2,
                                                  "brief": "Fay's brief, after reading Ben's"}
                    ).status_code == 302
    method.refresh_from_db()
    assert method.version == 3 and method.revisions.count() == 3
    with pytest.raises(Conflict):
        actions.do_edit_method(actor=p["ben"], method=method, base_version=1,
                               title="Peer assist", **SECTIONS)


def test_private_pages_stay_private(circle, signed_in):
    community, other, method, p = circle
    olga = signed_in(p["olga"])
    for url in ("/methods/peer-assist/", "/methods/peer-assist/history/",
                "/methods/peer-assist/history/1/", "/methods/peer-assist/edit/",
                "/c/peer-circle/methods/", "/c/peer-circle/people-to-ask/"):
        assert olga.get(url).status_code == 404, url
        assert Client().get(url).status_code in (302, 404), url
    assert "Peer assist" not in olga.get("/methods/").content.decode()
    theirs = actions.do_create_method(actor=p["olga"], community=other, title="Olga's own",
                                      **SECTIONS)
    assert signed_in(p["ben"]).get(theirs.get_absolute_url()).status_code == 404
    # Shared with the landscape by a steward: now everyone reads it, nobody outside edits it.
    actions.do_set_method_settings(actor=p["ana"], method=method, sharing="landscape")
    assert Client().get("/methods/peer-assist/").status_code == 200
    assert olga.get("/methods/peer-assist/edit/").status_code == 403


def test_restricted_pages_are_for_stewards(circle, signed_in):
    community, _other, method, p = circle
    with pytest.raises(NotAllowed):
        actions.do_set_method_settings(actor=p["ben"], method=method, is_restricted=True)
    actions.do_set_method_settings(actor=p["fay"], method=method, is_restricted=True)
    assert signed_in(p["ben"]).get("/methods/peer-assist/edit/").status_code == 403
    assert signed_in(p["fay"]).get("/methods/peer-assist/edit/").status_code == 200


def test_related_methods_link_both_ways(circle):
    community, _other, method, p = circle
    clinic = actions.do_create_method(actor=p["ben"], community=community, title="Case clinic",
                                      **SECTIONS)
    actions.do_set_method_settings(actor=p["ben"], method=method, related=[clinic])
    assert list(clinic.related.all()) == [method]


def test_stories_failures_included_and_comments(circle, signed_in):
    community, _other, method, p = circle
    ben = signed_in(p["ben"])
    refused = ben.post("/methods/peer-assist/stories/new/", {
        "title": "In Kenya", "outcome": "failure", "context": "A district budget",
        "what_we_did": "", "what_happened": "Nobody came"})
    assert refused.status_code == 200 and b"A district budget" in refused.content
    answer = ben.post("/methods/peer-assist/stories/new/", {
        "title": "In Kenya", "outcome": "failure", "context": "A district budget",
        "what_we_did": "Invited peers late", "what_happened": "Nobody came",
        "differently": "Invite a month ahead <script>alert(1)</script>"})
    assert answer.status_code == 302
    story = method.stories.get()
    assert "<script>" not in story.differently_html
    page = ben.get("/methods/peer-assist/").content.decode()
    assert "In Kenya" in page and "It did not work" in page
    fay = signed_in(p["fay"])
    assert fay.post(story.get_absolute_url(), {"body": "Same here."}).status_code == 302
    assert "Same here." in fay.get(story.get_absolute_url()).content.decode()
    assert signed_in(p["olga"]).get(story.get_absolute_url()).status_code == 404
    with pytest.raises(ActionError) as error:
        actions.do_tell_story(actor=p["ben"], method=method, title="x", outcome="great",
                              context="", what_we_did="", what_happened="")
    assert {"title", "outcome", "context"} <= set(error.value.fields)


def test_who_uses_it_and_people_to_ask(circle, signed_in):
    community, _other, method, p = circle
    fay = signed_in(p["fay"])
    fay.post("/methods/peer-assist/practitioners/", {"note": "Ran six", "willing_to_share": "on"})
    assert Practitioner.objects.get(user=p["fay"]).willing_to_share
    page = signed_in(p["ben"]).get("/methods/peer-assist/").content.decode()
    assert "Ran six" in page and "glad to share tips" in page
    found = signed_in(p["ben"]).get("/c/peer-circle/people-to-ask/?method=peer-assist")
    assert "fay" in found.content.decode()
    nobody = signed_in(p["ben"]).get("/c/peer-circle/people-to-ask/?method=other")
    assert "fay" not in nobody.content.decode()
    fay.post("/methods/peer-assist/practitioners/", {"uses": "off"})
    assert not Practitioner.objects.filter(user=p["fay"]).exists()
    with pytest.raises(NotAllowed):
        actions.do_set_practitioner(actor=p["olga"], method=method, uses=True)


def test_bad_input_is_refused_with_reasons(circle, signed_in):
    community, _other, method, p = circle
    ben = signed_in(p["ben"])
    answer = ben.post("/c/peer-circle/methods/new/", {"title": "x", "brief": "",
                                                      "description": "kept draft"})
    assert answer.status_code == 200 and b"kept draft" in answer.content
    assert Method.objects.count() == 1
    long = ben.post("/methods/peer-assist/edit/", {"title": "Peer assist", **SECTIONS,
                                                   "description": "x" * 40_000,
                                                   "base_version": 1})
    assert long.status_code == 200 and Method.objects.get().version == 1


def test_method_pages_and_lists_do_not_grow_in_queries(circle, signed_in,
                                                       django_assert_max_num_queries):
    community, _other, method, p = circle
    for n in range(6):
        other = actions.do_create_method(actor=p["ben"], community=community,
                                         title=f"Method {n}", tags=[f"t{n}"], **SECTIONS)
        actions.do_tell_story(actor=p["fay"], method=method, title=f"Story {n}",
                              outcome="mixed", context="c", what_we_did="w", what_happened="h")
        actions.do_set_method_settings(actor=p["ben"], method=other, related=[method])
    ben = signed_in(p["ben"])
    with django_assert_max_num_queries(12):
        assert ben.get("/methods/peer-assist/").status_code == 200
    with django_assert_max_num_queries(7):
        assert ben.get("/c/peer-circle/methods/").status_code == 200
    with django_assert_max_num_queries(6):
        assert ben.get("/c/peer-circle/people-to-ask/").status_code == 200
    assert "Find someone to ask" in ben.get("/c/peer-circle/members/").content.decode()
