import re

import pytest
from django.test import Client

from cultivate.people.models import PersonalAccessToken, User

pytestmark = pytest.mark.django_db


def link_in(mail_message) -> str:
    return re.search(r"http://testserver(/\S+)", mail_message.body).group(1)


def test_sign_up_confirm_email_sign_out_and_in(client, mailoutbox):
    response = client.post("/accounts/signup/", {
        "email": "nadia@example.org", "username": "nadia",
        "password1": "pfm-reform-2026!", "password2": "pfm-reform-2026!"})
    assert response.status_code == 302
    assert "confirm" in mailoutbox[-1].subject.lower()
    # Not in until the address is confirmed.
    assert client.get("/me/profile/").status_code == 302
    confirm = link_in(mailoutbox[-1])
    client.post(confirm)
    assert client.get("/me/profile/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/me/profile/").status_code == 302
    client.post("/accounts/login/", {"login": "nadia@example.org", "password": "pfm-reform-2026!"})
    assert client.get("/me/profile/").status_code == 200


def test_password_reset_by_email(client, make_user, mailoutbox):
    make_user("ana")
    client.post("/accounts/password/reset/", {"email": "ana@example.org"})
    reset_link = link_in(mailoutbox[-1])
    form_page = client.get(reset_link, follow=True)
    client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_link,
                {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"})
    assert Client().login(username="ana", password="a-brand-new-passphrase")


def test_edit_profile_and_see_it(client, make_user):
    ana = make_user("ana")
    client.force_login(ana)
    response = client.post("/me/profile/", {
        "display_name": "Ana Lima", "bio": "Budget **reform** <script>x</script>",
        "organisation": "Ministry of Finance, Peru", "location": "Lima",
        "time_zone": "America/Lima", "languages": "Spanish, English",
        "expertise": "program budgeting, gender budgeting"})
    assert response.status_code == 302
    page = Client().get("/people/ana/").content.decode()
    assert "Ana Lima" in page and "<strong>reform</strong>" in page
    assert "<script>x" not in page
    assert "gender budgeting" in page and "Spanish, English" in page
    ana.refresh_from_db()
    assert ana.time_zone == "America/Lima"


def test_bad_profile_input_keeps_the_draft(client, make_user):
    client.force_login(make_user("ana"))
    response = client.post("/me/profile/", {"display_name": "Ana", "time_zone": "Nowhere/City",
                                            "bio": "My draft bio", "expertise": "x"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page and "My draft bio" in page
    assert User.objects.get(username="ana").display_name == ""


def test_tokens_are_shown_once_and_revocable(client, make_user):
    client.force_login(make_user("ana"))
    page = client.post("/me/tokens/", {"name": "report script"}).content.decode()
    secret = re.search(r'value="(cul_[^"]+)"', page).group(1)
    assert secret not in client.get("/me/tokens/").content.decode()
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    token = PersonalAccessToken.objects.get()
    client.post(f"/me/tokens/{token.pk}/revoke/")
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    other = make_user("ben")
    client.force_login(other)
    assert client.post(f"/me/tokens/{token.pk}/revoke/").status_code == 404


def test_single_sign_on_appears_when_configured(client, settings):
    assert "Single sign-on" not in client.get("/accounts/login/").content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [{
        "provider_id": "sso", "name": "Single sign-on", "client_id": "cultivate",
        "secret": "s3cret", "settings": {"server_url": "https://login.example.org/realms/x"}}]}}
    page = client.get("/accounts/login/").content.decode()
    assert "Single sign-on" in page
    assert "/accounts/oidc/sso/login/" in page


def test_profile_lists_only_communities_the_viewer_may_know(client, make_user, make_community):
    ana = make_user("ana")
    make_community(ana, name="Open Door")
    make_community(ana, name="Secret Circle", visibility="private")
    visitor_view = client.get("/people/ana/").content.decode()
    assert "Open Door" in visitor_view and "Secret Circle" not in visitor_view
    client.force_login(ana)
    assert "Secret Circle" in client.get("/people/ana/").content.decode()
