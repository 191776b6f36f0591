"""Personal access tokens end with the password they were made under, and cannot mint more."""

import json
import re

import pytest
from django.test import Client

from cultivate.people.actions import do_create_access_token
from cultivate.people.models import PersonalAccessToken

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase"


def with_tokens(user, *names) -> list[dict]:
    return [{"HTTP_AUTHORIZATION": f"Bearer {do_create_access_token(actor=user, name=n)[1]}"}
            for n in names]


def works(auth) -> bool:
    return Client().get("/api/v1/me", **auth).status_code == 200


def test_changing_the_password_revokes_every_token_and_says_so(client, make_user):
    ana = make_user("ana")
    tokens = with_tokens(ana, "reporting script", "backup script")
    assert all(works(auth) for auth in tokens)
    client.force_login(ana)
    changed = client.post("/accounts/password/change/", {
        "oldpassword": "a-long-passphrase", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert changed.status_code == 302
    assert not any(works(auth) for auth in tokens)
    page = client.get("/me/tokens/").content.decode()
    assert "Your password changed, so your 2 tokens were revoked" in page
    assert "reporting script" in page and "backup script" in page
    # New tokens work again, and the notice names only the revoked ones.
    assert works(with_tokens(ana, "new script")[0])


def link_in(mail_message) -> str:
    return re.search(r"http://testserver(/\S+)", mail_message.body).group(1)


def test_resetting_the_password_revokes_every_token(client, make_user, mailoutbox):
    ana = make_user("ana")
    [auth] = with_tokens(ana, "reporting script")
    client.post("/accounts/password/reset/", {"email": "ana@example.org"})
    form_page = client.get(link_in(mailoutbox[-1]), follow=True)
    client.post(form_page.redirect_chain[-1][0],
                {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert Client().login(username="ana", password=NEW_PASSWORD)
    assert not works(auth)


def test_an_admin_setting_the_password_revokes_every_token(make_user, signed_in):
    ana, admin = make_user("ana"), make_user("root", superuser=True)
    [auth] = with_tokens(ana, "reporting script")
    set_by_admin = signed_in(admin).post(f"/admin/people/user/{ana.pk}/password/", {
        "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert set_by_admin.status_code == 302
    assert not works(auth)
    assert ana.access_tokens.get().revoked_reason == "password_changed"


def test_a_token_cannot_list_create_or_revoke_tokens(make_user):
    ana = make_user("ana")
    [auth] = with_tokens(ana, "reporting script")
    token_id = PersonalAccessToken.objects.get().pk
    api = Client()
    answers = [
        api.get("/api/v1/me/tokens", **auth),
        api.post("/api/v1/me/tokens", json.dumps({"name": "minted"}),
                 content_type="application/json", **auth),
        api.delete(f"/api/v1/me/tokens/{token_id}", **auth),
    ]
    for answer in answers:
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "session_required"
        assert "Sign in" in answer.json()["error"]["message"]
    assert PersonalAccessToken.objects.filter(revoked_at__isnull=True).count() == 1
    # A signed-in session still manages them.
    session = Client()
    session.force_login(ana)
    created = session.post("/api/v1/me/tokens", json.dumps({"name": "minted"}),
                           content_type="application/json")
    assert created.status_code == 201
    assert len(session.get("/api/v1/me/tokens").json()) == 2
    assert session.delete(f"/api/v1/me/tokens/{token_id}").status_code == 204
    assert not works(auth)
