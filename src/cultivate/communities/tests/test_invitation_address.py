"""An invitation works only for the address it was sent to (issue 12, finding 10): whoever else
holds the link is told where it went and how to proceed, and the invitation stays open."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from cultivate.communities import actions
from cultivate.communities.models import Invitation, Membership
from cultivate.core.errors import ActionError
from cultivate.people.actions import do_create_access_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(make_user, make_community):
    ana = make_user("ana")
    community = make_community(ana, name="Circle", visibility="private",
                               join_policy="invitation")
    invitation = actions.do_invite_member(actor=ana, community=community,
                                          email="Cleo@Example.org")
    return community, invitation


def test_someone_else_holding_the_link_cannot_join(make_user, invited):
    community, invitation = invited
    dan = make_user("dan")
    with pytest.raises(ActionError) as refused:
        actions.do_accept_invitation(actor=dan, token=invitation.token)
    assert refused.value.code == "wrong_address" and refused.value.status == 403
    assert "c***@example.org" in refused.value.message
    assert "cleo@example.org" not in refused.value.message.lower()
    assert not Membership.objects.filter(community=community, user=dan).exists()
    invitation.refresh_from_db()
    assert invitation.is_open


def test_the_invited_address_must_be_verified_and_matches_in_any_case(make_user, invited):
    community, invitation = invited
    cleo = make_user("cleo")
    EmailAddress.objects.filter(user=cleo).update(verified=False)
    with pytest.raises(ActionError) as unverified:
        actions.do_accept_invitation(actor=cleo, token=invitation.token)
    assert unverified.value.code == "wrong_address"
    EmailAddress.objects.filter(user=cleo).update(email="CLEO@example.ORG", verified=True)
    membership = actions.do_accept_invitation(actor=cleo, token=invitation.token)
    assert membership.community == community


def test_the_page_tells_a_signed_in_stranger_where_it_went(make_user, signed_in, invited):
    community, invitation = invited
    dan = signed_in(make_user("dan"))
    url = f"/invitations/{invitation.token}/"
    page = dan.get(url).content.decode()
    assert "This invitation is for another address" in page
    assert "c***@example.org" in page and "cleo@example.org" not in page.lower()
    assert "Accept and join" not in page and "/accounts/email/" in page
    refused = dan.post(url)
    assert refused.status_code == 403
    assert "Sign in with that address" in refused.content.decode()
    assert community.memberships.count() == 1

    cleo = signed_in(make_user("cleo"))
    assert "Accept and join" in cleo.get(url).content.decode()
    assert cleo.post(url).status_code == 302
    assert Membership.objects.filter(community=community, user__username="cleo").exists()


def test_sign_up_from_the_invitation_fills_in_the_invited_address(invited):
    _community, invitation = invited
    anonymous = Client()
    page = anonymous.get(f"/invitations/{invitation.token}/").content.decode()
    assert "c***@example.org" in page
    signup = anonymous.get(f"/invitations/{invitation.token}/sign-up/", follow=True)
    assert signup.redirect_chain[0][0].startswith("/accounts/signup/?email=")
    form = signup.content.decode()
    assert 'value="cleo@example.org"' in form
    assert f"/invitations/{invitation.token}/" in form  # back to the invitation after


def test_the_api_refuses_another_account_and_accepts_the_invited_one(client, make_user,
                                                                       invited):
    community, invitation = invited
    url = f"/api/v1/invitations/{invitation.token}/accept"

    def accept(user):
        _token, secret = do_create_access_token(actor=user, name="script")
        return client.post(url, json.dumps({}), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {secret}")

    refused = accept(make_user("dan"))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "wrong_address"
    assert Invitation.objects.get(pk=invitation.pk).is_open
    assert accept(make_user("cleo")).status_code == 201
    assert community.memberships.count() == 2
