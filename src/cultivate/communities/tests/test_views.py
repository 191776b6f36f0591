import pytest
from django.test import Client

from cultivate.communities.models import Community, JoinRequest, Membership

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Humanitarian Logistics", "slug": "", "tagline": "Moving aid well", "kind": "community",
    "stage": "coalescing", "visibility": "private", "join_policy": "request",
    "tags": "logistics, supply chain", "charter_domain": "Getting relief to people.",
    "charter_community": "Logisticians of NGOs and UN agencies.",
    "charter_practice": "After-action reviews of deployments.", "case_why": "", "case_what": "",
    "case_how": "",
}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_start_a_community_through_the_form(make_user):
    client = signed_in(make_user("ana"))
    response = client.post("/c/new/", FORM)
    assert response.status_code == 302
    assert response["Location"] == "/c/humanitarian-logistics/start/"  # the start-up guide
    home = client.get("/c/humanitarian-logistics/").content.decode()
    assert "After-action reviews of deployments." in home
    assert "supply chain" in home


def test_a_refused_form_keeps_the_draft_and_explains(make_user, make_community):
    ana = make_user("ana")
    make_community(ana, name="Humanitarian Logistics")
    client = signed_in(ana)
    response = client.post("/c/new/", FORM | {"tagline": "Kept text"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "A community with this name already exists." in page
    assert "Kept text" in page and "After-action reviews of deployments." in page
    empty = client.post("/c/new/", FORM | {"name": "Other", "charter_community": ""})
    assert "This field is required." in empty.content.decode()
    assert "Getting relief to people." in empty.content.decode()
    assert Community.objects.count() == 1


def test_visitors_are_sent_to_sign_in_before_starting_one(client):
    response = client.get("/c/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_private_community_is_404_and_listed_hides_its_charter(client, make_user, make_community):
    ana = make_user("ana")
    make_community(ana, name="Secret", visibility="private")
    make_community(ana, name="Listed One", visibility="listed", join_policy="request",
                   case_why="Because peers help.", charter_practice="Hidden practice text")
    assert client.get("/c/secret/").status_code == 404
    assert client.get("/c/secret/members/").status_code == 404
    listed = client.get("/c/listed-one/").content.decode()
    assert "Because peers help." in listed
    assert "Hidden practice text" not in listed
    assert client.get("/c/listed-one/members/").status_code == 403
    assert "Secret" not in client.get("/").content.decode()


def test_request_and_approval_through_the_pages(make_user, make_community, mailoutbox,
                                                django_capture_on_commit_callbacks):
    ana, ben = make_user("ana"), make_user("ben", display_name="Ben Okafor")
    make_community(ana, name="Listed One", visibility="listed", join_policy="request")
    ben_client, ana_client = signed_in(ben), signed_in(ana)
    ben_client.post("/c/listed-one/join/", {"message": "I run budget clinics."})
    assert "waiting for a convener" in ben_client.get("/c/listed-one/").content.decode()
    assert ben_client.get("/c/listed-one/requests/").status_code == 403
    queue = ana_client.get("/c/listed-one/requests/").content.decode()
    assert "Ben Okafor" in queue and "I run budget clinics." in queue
    join_request = JoinRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        ana_client.post("/c/listed-one/requests/", {"request_id": join_request.pk,
                                                    "decision": "approve", "response": "Hi"})
    assert Membership.objects.filter(user=ben).exists()
    assert mailoutbox[-1].to == ["ben@example.org"]
    assert "Domain" in ben_client.get("/c/listed-one/").content.decode()


def test_roles_and_removal_through_the_members_page(make_user, make_community):
    ana, ben = make_user("ana"), make_user("ben")
    community = make_community(ana, name="Open")
    Membership.objects.create(community=community, user=ben)
    ana_client, ben_client = signed_in(ana), signed_in(ben)
    assert "Change role" not in ben_client.get("/c/open/members/").content.decode()
    assert ben_client.post(f"/c/open/members/{ana.pk}/remove/").status_code == 403
    ana_client.post(f"/c/open/members/{ben.pk}/role/", {"role": "facilitator"})
    assert Membership.objects.get(user=ben).role == "facilitator"
    refused = ana_client.post(f"/c/open/members/{ana.pk}/role/", {"role": "member"}, follow=True)
    assert "at least one convener" in refused.content.decode()
    assert Membership.objects.get(user=ana).role == "convener"
    ana_client.post(f"/c/open/members/{ben.pk}/remove/")
    assert not Membership.objects.filter(user=ben).exists()


def test_invitation_page_flow(make_user, make_community, mailoutbox,
                              django_capture_on_commit_callbacks):
    ana = make_user("ana")
    make_community(ana, name="Circle", visibility="private", join_policy="invitation")
    ana_client = signed_in(ana)
    bad = ana_client.post("/c/circle/invitations/", {"email": "nope", "role": "member"})
    assert "Enter a valid email address." in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ana_client.post("/c/circle/invitations/", {"email": "cleo@example.org", "role": "member",
                                                   "message": "Join us"})
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/invitations/" in line)
    path = link[link.index("/invitations/"):]
    anonymous = Client().get(path).content.decode()
    assert "You are invited to Circle" in anonymous and "Sign in" in anonymous
    cleo_client = signed_in(make_user("cleo"))
    joined = cleo_client.post(path)
    assert joined.status_code == 302 and joined["Location"] == "/c/circle/"
    again = cleo_client.get(path).content.decode()
    assert "already been used" in again
    assert Client().get("/invitations/forged-token/").status_code == 404


def test_times_are_shown_in_the_viewers_time_zone(make_user, make_community):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from cultivate.activity.models import Activity

    ana = make_user("ana", time_zone="Asia/Tokyo")
    make_community(ana, name="Open")
    Activity.objects.update(occurred_at=datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC")))
    page = signed_in(ana).get("/c/open/").content.decode()
    assert "2 Mar 2026, 08:30" in page
    assert "1 Mar 2026, 23:30" in Client().get("/c/open/").content.decode()


def test_withdraw_buttons_on_the_pages(make_user, make_community):
    ana, ben = make_user("ana"), make_user("ben")
    make_community(ana, name="Asks", join_policy="request")
    ben_client, ana_client = signed_in(ben), signed_in(ana)
    ben_client.post("/c/asks/join/", {"message": ""})
    assert "Withdraw my request" in ben_client.get("/c/asks/").content.decode()
    ben_client.post("/c/asks/join/withdraw/")
    assert "Ask to join" in ben_client.get("/c/asks/").content.decode()
    ana_client.post("/c/asks/invitations/", {"email": "cleo@example.org", "role": "member"})
    page = ana_client.get("/c/asks/invitations/").content.decode()
    assert "Withdraw the invitation to cleo@example.org" in page
    from cultivate.communities.models import Invitation

    invitation = Invitation.objects.get()
    assert ben_client.post(f"/c/asks/invitations/{invitation.pk}/revoke/").status_code == 403
    ana_client.post(f"/c/asks/invitations/{invitation.pk}/revoke/")
    assert "Withdrawn" in ana_client.get("/c/asks/invitations/").content.decode()
