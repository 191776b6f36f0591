import json

import pytest

from cultivate.communities.models import Community, JoinRequest, Membership

pytestmark = pytest.mark.django_db

CHARTER = {"domain": "Budget reform", "community": "Budget officers", "practice": "Case clinics"}


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def patch(client, url, body, **headers):
    return client.patch(url, json.dumps(body), content_type="application/json", **headers)


def test_create_read_and_edit_a_community_with_a_token(client, make_user, token_of):
    ana = make_user("ana")
    auth = token_of(ana)
    created = post(client, "/api/v1/communities", {
        "name": "Budget Practitioners", "visibility": "listed", "join_policy": "request",
        "tags": ["PFM"], "charter": CHARTER, "case_for_membership": {"why": "Peers **help**"},
    }, **auth)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["slug"] == "budget-practitioners"
    assert body["your_standing"] == "convener"
    assert "manage_members" in body["your_permissions"]
    assert body["charter"]["domain"] == "Budget reform"

    edited = patch(client, "/api/v1/communities/budget-practitioners",
                   {"stage": "maturing", "charter": {"practice": "Peer assists"}}, **auth)
    assert edited.status_code == 200, edited.content
    assert edited.json()["stage"] == "maturing"
    assert edited.json()["charter"]["practice"] == "Peer assists"
    assert edited.json()["charter"]["domain"] == "Budget reform"

    anonymous = client.get("/api/v1/communities/budget-practitioners").json()
    assert anonymous["charter"] is None  # listed: outsiders see it exists, not the charter
    assert anonymous["case_for_membership"]["why"] == "Peers **help**"


def test_directory_filters_and_hides_private(client, make_user, make_community):
    ana = make_user("ana")
    make_community(ana, name="Humanitarian Logistics", tags=["logistics"], stage="maturing")
    make_community(ana, name="Facilitators Network", kind="network", tags=["facilitation"])
    make_community(ana, name="Secret Circle", visibility="private")
    names = lambda r: [c["name"] for c in r.json()["items"]]  # noqa: E731
    assert names(client.get("/api/v1/communities")) == ["Facilitators Network",
                                                        "Humanitarian Logistics"]
    assert names(client.get("/api/v1/communities?kind=network")) == ["Facilitators Network"]
    assert names(client.get("/api/v1/communities?stage=maturing")) == ["Humanitarian Logistics"]
    assert names(client.get("/api/v1/communities?tag=logistics")) == ["Humanitarian Logistics"]
    assert names(client.get("/api/v1/communities?q=circle")) == []
    client.force_login(ana)
    assert names(client.get("/api/v1/communities?q=circle")) == ["Secret Circle"]
    assert client.get("/api/v1/communities/secret-circle").status_code == 200
    client.logout()
    hidden = client.get("/api/v1/communities/secret-circle")
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "not_found"


def test_request_approve_and_roles_through_the_api(client, make_user, make_community, token_of):
    ana, ben = make_user("ana"), make_user("ben")
    make_community(ana, name="M and E", join_policy="request")
    ben_auth, ana_auth = token_of(ben), token_of(ana)
    asked = post(client, "/api/v1/communities/m-and-e/join", {"message": "Hello"}, **ben_auth)
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    again = post(client, "/api/v1/communities/m-and-e/join", {}, **ben_auth)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_requested"
    assert client.get("/api/v1/communities/m-and-e/requests", **ben_auth).status_code == 403
    pending = client.get("/api/v1/communities/m-and-e/requests", **ana_auth).json()
    assert [r["user"]["username"] for r in pending] == ["ben"]
    approved = post(client, f"/api/v1/communities/m-and-e/requests/{pending[0]['id']}/approve",
                    {"response": "Welcome"}, **ana_auth)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    members = client.get("/api/v1/communities/m-and-e/members", **ben_auth).json()["items"]
    assert [(m["user"]["username"], m["role"]) for m in members] == [("ana", "convener"),
                                                                     ("ben", "member")]
    ben_id = members[1]["user"]["id"]
    assert patch(client, f"/api/v1/communities/m-and-e/members/{ben_id}", {"role": "core"},
                 **ben_auth).status_code == 403
    promoted = patch(client, f"/api/v1/communities/m-and-e/members/{ben_id}",
                     {"role": "convener"}, **ana_auth)
    assert promoted.json()["role"] == "convener"
    ana_id = members[0]["user"]["id"]
    assert client.delete(f"/api/v1/communities/m-and-e/members/{ana_id}",
                         **ben_auth).status_code == 204
    left = post(client, "/api/v1/communities/m-and-e/leave", {}, **ben_auth)
    assert left.status_code == 409
    assert left.json()["error"]["code"] == "last_convener"
    activity = client.get("/api/v1/communities/m-and-e/activity", **ben_auth).json()
    verbs = [entry["verb"] for entry in activity]
    # News only: removals, roles and join requests are stewards' business, not the stream's.
    assert verbs[0] == "member.joined" and "community.created" in verbs
    assert not {"member.removed", "member.role_changed", "join.requested"} & set(verbs)


def test_invitations_through_the_api(client, make_user, make_community, mailoutbox,
                                    django_capture_on_commit_callbacks, token_of):
    ana, cleo = make_user("ana"), make_user("cleo")
    make_community(ana, name="Circle", visibility="private", join_policy="invitation")
    with django_capture_on_commit_callbacks(execute=True):
        sent = post(client, "/api/v1/communities/circle/invitations",
                    {"email": "cleo@example.org", "role": "core"}, **token_of(ana))
    assert sent.status_code == 201 and sent.json()["status"] == "open"
    token = mailoutbox[-1].body.split("/invitations/")[1].split("/")[0]
    cleo_auth = token_of(cleo)
    accepted = post(client, f"/api/v1/invitations/{token}/accept", {}, **cleo_auth)
    assert accepted.status_code == 201 and accepted.json()["role"] == "core"
    reused = post(client, f"/api/v1/invitations/{token}/accept", {}, **cleo_auth)
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "invitation_used"


def test_authentication_rules(client, make_user, make_community):
    ana = make_user("ana")
    make_community(ana, name="Open Door")
    body = {"name": "X", "charter": CHARTER}
    anonymous = post(client, "/api/v1/communities", body)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    bad = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer cul_not-a-real-token")
    assert bad.status_code == 401
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(ana)
    no_csrf = post(csrf_client, "/api/v1/communities", body)
    assert no_csrf.status_code == 403
    assert Community.objects.count() == 1


def test_revoked_token_stops_working(client, make_user, token_of, signed_in):
    ana = make_user("ana")
    auth = token_of(ana)
    assert client.get("/api/v1/me", **auth).json()["username"] == "ana"
    session = signed_in(ana)  # tokens are managed from a session, never with a token
    token_id = session.get("/api/v1/me/tokens").json()[0]["id"]
    assert session.delete(f"/api/v1/me/tokens/{token_id}").status_code == 204
    assert client.get("/api/v1/me", **auth).status_code == 401


def test_profile_through_the_api(client, make_user, token_of):
    ana = make_user("ana")
    auth = token_of(ana)
    edited = patch(client, "/api/v1/me", {"display_name": "Ana Lima", "time_zone": "America/Lima",
                                          "expertise": ["budgeting", "gender budgeting"],
                                          "languages": ["Spanish", "English"]}, **auth)
    assert edited.status_code == 200
    assert edited.json()["expertise"] == ["budgeting", "gender budgeting"]
    bad = patch(client, "/api/v1/me", {"time_zone": "Mars/Olympus", "bio": "x" * 3000}, **auth)
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"time_zone", "bio"}
    assert client.get("/api/v1/people/ana").json()["display_name"] == "Ana Lima"


def test_rate_limited_writes_answer_429_with_retry_after(client, make_user, settings, token_of):
    settings.CULTIVATE_WRITE_RATE = "3/m"
    auth = token_of(make_user("ana"))
    statuses = [patch(client, "/api/v1/me", {"display_name": f"Ana {i}"}, **auth).status_code
                for i in range(5)]
    assert statuses[:3] == [200, 200, 200]
    limited = patch(client, "/api/v1/me", {"display_name": "again"}, **auth)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert limited.json()["error"]["code"] == "rate_limited"


def test_no_half_written_rows_when_a_request_fails(client, make_user, make_community, token_of):
    ana = make_user("ana")
    make_community(ana, name="Budget Practitioners")
    auth = token_of(ana)
    before = (Community.objects.count(), Membership.objects.count(), JoinRequest.objects.count())
    clash = post(client, "/api/v1/communities",
                 {"name": "BUDGET practitioners", "tags": ["a"], "charter": CHARTER}, **auth)
    assert clash.status_code == 400
    assert clash.json()["error"]["fields"]["name"]
    assert (Community.objects.count(), Membership.objects.count(),
            JoinRequest.objects.count()) == before


def test_withdraw_request_and_invitation_through_the_api(client, make_user, make_community,
                                                        token_of):
    ana, ben = make_user("ana"), make_user("ben")
    make_community(ana, name="Asks", join_policy="request")
    ben_auth, ana_auth = token_of(ben), token_of(ana)
    post(client, "/api/v1/communities/asks/join", {}, **ben_auth)
    assert client.delete("/api/v1/communities/asks/join", **ben_auth).status_code == 204
    again = client.delete("/api/v1/communities/asks/join", **ben_auth)
    assert again.status_code == 400 and again.json()["error"]["code"] == "no_request"
    sent = post(client, "/api/v1/communities/asks/invitations", {"email": "c@example.org"},
                **ana_auth).json()
    url = f"/api/v1/communities/asks/invitations/{sent['id']}"
    assert client.delete(url, **ben_auth).status_code == 403
    revoked = client.delete(url, **ana_auth)
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
