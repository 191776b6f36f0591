"""Invitation mail is not a relay for spam or phishing (issue 12, finding 10): established
senders only, a daily cap across communities, a short plain message framed as the sender's, and
communities started by verified accounts."""

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from cultivate.communities import actions
from cultivate.communities.models import Community, Invitation
from cultivate.core.errors import ActionError
from cultivate.people.actions import do_create_access_token

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, secret = do_create_access_token(actor=user, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def age(user, hours: float) -> None:
    type(user).objects.filter(pk=user.pk).update(
        date_joined=timezone.now() - timedelta(hours=hours))
    user.refresh_from_db()


def test_a_new_account_sends_invitations_only_after_the_waiting_time(
        settings, client, make_user, make_community, signed_in):
    settings.CULTIVATE_INVITE_MIN_ACCOUNT_AGE_HOURS = 24
    ana = make_user("ana", date_joined=timezone.now())
    community = make_community(ana, name="Circle")
    with pytest.raises(ActionError) as too_new:
        actions.do_invite_member(actor=ana, community=community, email="c@example.org")
    assert too_new.value.code == "account_too_new" and too_new.value.status == 403
    page = signed_in(ana).post("/c/circle/invitations/", {"email": "c@example.org",
                                                          "role": "member"})
    assert "24 hours after signing up" in page.content.decode()
    api = post(client, "/api/v1/communities/circle/invitations", {"email": "c@example.org"},
               **bearer(ana))
    assert api.status_code == 403 and api.json()["error"]["code"] == "account_too_new"
    assert not Invitation.objects.exists()

    age(ana, 25)
    actions.do_invite_member(actor=ana, community=community, email="c@example.org")
    root = make_user("root", superuser=True)  # platform admins need not wait
    actions.do_invite_member(actor=root, community=community, email="d@example.org")
    assert Invitation.objects.count() == 2


def test_an_unverified_account_sends_no_invitations(make_user, make_community):
    ana = make_user("ana")
    community = make_community(ana)
    EmailAddress.objects.filter(user=ana).update(verified=False)
    with pytest.raises(ActionError) as unverified:
        actions.do_invite_member(actor=ana, community=community, email="c@example.org")
    assert unverified.value.code == "email_not_verified"


def test_each_sender_has_a_daily_cap_across_communities(settings, client, make_user,
                                                        make_community, signed_in):
    settings.CULTIVATE_INVITATIONS_PER_DAY = 2
    ana = make_user("ana")
    first, second = make_community(ana, name="First"), make_community(ana, name="Second")
    actions.do_invite_member(actor=ana, community=first, email="a@example.org")
    actions.do_invite_member(actor=ana, community=second, email="b@example.org")
    with pytest.raises(ActionError) as capped:
        actions.do_invite_member(actor=ana, community=first, email="c@example.org")
    assert capped.value.code == "invitation_limit" and capped.value.status == 429
    api = post(client, "/api/v1/communities/second/invitations", {"email": "c@example.org"},
               **bearer(ana))
    assert api.status_code == 429 and api.json()["error"]["code"] == "invitation_limit"
    page = signed_in(ana).post("/c/first/invitations/", {"email": "c@example.org",
                                                         "role": "member"})
    assert "Try again tomorrow" in page.content.decode()
    Invitation.objects.update(created_at=timezone.now() - timedelta(hours=25))
    actions.do_invite_member(actor=ana, community=first, email="c@example.org")
    assert Invitation.objects.count() == 3


def test_the_personal_message_is_short_has_no_links_and_is_framed_as_the_senders(
        make_user, make_community, client, smtp_server, django_capture_on_commit_callbacks):
    ana = make_user("ana", display_name="Ana Ruiz")
    community = make_community(ana, name="Circle")
    for message, problem in [("x" * 501, "under 500 characters"),
                             ("Log in at https://evil.example/login", "Leave links out"),
                             ("see www.evil.example", "Leave links out")]:
        with pytest.raises(ActionError) as refused:
            actions.do_invite_member(actor=ana, community=community, email="c@example.org",
                                     message=message)
        assert problem in refused.value.fields["message"][0]
    with django_capture_on_commit_callbacks(execute=True):
        invitation = actions.do_invite_member(
            actor=ana, community=community, email="c@example.org",
            message="Join us!\n<b>Bring</b> your budget cases.")
    body = smtp_server.messages[-1].get_content().replace("\r\n", "\n")
    assert "Ana Ruiz added this message (written by them, not by Cultivate):" in body
    assert "> Join us!\n> <b>Bring</b> your budget cases." in body
    page = client.get(f"/invitations/{invitation.token}/").content.decode()
    assert "A message from Ana Ruiz (written by them, not by Cultivate):" in page
    assert "&lt;b&gt;Bring&lt;/b&gt;" in page


def test_communities_are_started_by_verified_accounts_by_default(settings, client, make_user,
                                                                 signed_in):
    ana = make_user("ana")
    EmailAddress.objects.filter(user=ana).update(verified=False)
    fields = {"charter_domain": "D", "charter_community": "C", "charter_practice": "P"}
    with pytest.raises(ActionError) as unverified:
        actions.do_create_community(actor=ana, name="Spam", **fields)
    assert unverified.value.code == "email_not_verified"
    page = signed_in(ana).post("/c/new/", {
        "name": "Spam", "kind": "community", "stage": "potential", "visibility": "public",
        "join_policy": "open", "charter_domain": "D", "charter_community": "C",
        "charter_practice": "P"})
    assert "Verify your email address before you start a community." in page.content.decode()
    api = post(client, "/api/v1/communities", {"name": "Spam", "charter": {
        "domain": "D", "community": "C", "practice": "P"}}, **bearer(ana))
    assert api.status_code == 403 and api.json()["error"]["code"] == "email_not_verified"
    assert not Community.objects.exists()

    settings.CULTIVATE_COMMUNITY_CREATION = "anyone"
    actions.do_create_community(actor=ana, name="Allowed", **fields)
    settings.CULTIVATE_COMMUNITY_CREATION = "admins"
    with pytest.raises(ActionError) as admins_only:
        actions.do_create_community(actor=make_user("ben"), name="Not yours", **fields)
    assert admins_only.value.code == "admins_only"
    actions.do_create_community(actor=make_user("root", superuser=True), name="Root's", **fields)
    assert Community.objects.count() == 2
