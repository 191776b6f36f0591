"""Write limits: one bucket per person whatever the token's spelling, counted after CSRF, and
account forms (sign-in, sign-up, password reset) in buckets of their own."""

import json

import pytest
from django.test import Client

from cultivate.people.actions import do_create_access_token

pytestmark = pytest.mark.django_db


def patch_me(client, name, **headers):
    return client.patch("/api/v1/me", json.dumps({"display_name": name}),
                        content_type="application/json", **headers)


def test_bearer_in_any_case_shares_one_budget(client, make_user, settings):
    settings.CULTIVATE_WRITE_RATE = "3/m"
    ana = make_user("ana")
    _token, secret = do_create_access_token(actor=ana, name="script")
    _other, second_secret = do_create_access_token(actor=ana, name="another script")
    spellings = [f"Bearer {secret}", f"bearer {secret}", f"BEARER  {secret} ",
                 f"bEaReR {second_secret}", f"Bearer {second_secret}"]
    statuses = [patch_me(client, f"Ana {i}", HTTP_AUTHORIZATION=auth).status_code
                for i, auth in enumerate(spellings)]
    assert statuses == [200, 200, 200, 429, 429]


def test_made_up_tokens_do_not_buy_fresh_buckets(client, settings):
    settings.CULTIVATE_WRITE_RATE = "2/m"
    statuses = [patch_me(client, "x", HTTP_AUTHORIZATION=f"Bearer cul_made-up-{i}").status_code
                for i in range(4)]
    assert statuses == [401, 401, 429, 429]


def csrf_client_signed_in_as(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/me/profile/")
    return client, client.cookies["csrftoken"].value


def test_requests_refused_by_csrf_cost_nothing(make_user, settings):
    settings.CULTIVATE_WRITE_RATE = "2/m"
    client, csrf = csrf_client_signed_in_as(make_user("ana"))
    profile = {"display_name": "Ana", "time_zone": "UTC"}
    for _ in range(5):
        assert client.post("/me/profile/", profile).status_code == 403  # forged page form
        assert patch_me(client, "Ana").status_code == 403  # API with the cookie, no token
    assert patch_me(client, "Ana", HTTP_X_CSRFTOKEN=csrf).status_code == 200
    saved = client.post("/me/profile/", profile | {"csrfmiddlewaretoken": csrf})
    assert saved.status_code == 302
    limited = client.post("/me/profile/", profile | {"csrfmiddlewaretoken": csrf})
    assert limited.status_code == 429 and limited["Retry-After"] == "60"


def test_account_forms_and_anonymous_writes_have_separate_buckets(client, make_user, settings):
    settings.CULTIVATE_WRITE_RATE = "2/m"
    settings.ACCOUNT_RATE_LIMITS = settings.ACCOUNT_RATE_LIMITS | {"login": "3/m/ip"}
    make_user("ana")
    # Anonymous writes exhaust their bucket...
    writes = [client.post("/api/v1/communities", "{}", content_type="application/json")
              for _ in range(3)]
    assert [w.status_code for w in writes] == [401, 401, 429]
    # ...sign-in, sign-up and password reset still answer from the same address,
    wrong = {"login": "ana@example.org", "password": "wrong"}
    assert [client.post("/accounts/login/", wrong).status_code for _ in range(3)] == [200] * 3
    # and exhausting sign-ins blocks neither sign-ups nor password resets.
    assert client.post("/accounts/login/", wrong).status_code == 429
    signup = client.post("/accounts/signup/", {
        "email": "nadia@example.org", "username": "nadia",
        "password1": "pfm-reform-2026!", "password2": "pfm-reform-2026!"})
    assert signup.status_code == 302
    reset = client.post("/accounts/password/reset/", {"email": "ana@example.org"})
    assert reset.status_code == 302


@pytest.mark.parametrize(("action", "url", "data"), [
    ("signup", "/accounts/signup/", {"email": "n@example.org", "username": "n",
                                     "password1": "pfm-reform-2026!",
                                     "password2": "pfm-reform-2026!"}),
    ("reset_password", "/accounts/password/reset/", {"email": "ana@example.org"}),
    ("login", "/accounts/login/", {"login": "ana", "password": "a-long-passphrase"}),
])
def test_account_form_429s_say_when_to_come_back(client, make_user, settings,
                                                 action, url, data):
    settings.ACCOUNT_RATE_LIMITS = settings.ACCOUNT_RATE_LIMITS | {action: "1/m/ip"}
    make_user("ana")
    client.post(url, data)
    Client().post("/accounts/logout/")
    limited = client.post(url, data)
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60
    page = limited.content.decode()
    assert "<main" in page and "Too many attempts" in page


def test_behind_a_trusted_proxy_each_visitor_counts_apart(client, settings):
    settings.CULTIVATE_WRITE_RATE = "1/m"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    def write_from(address):
        return client.post("/api/v1/communities", "{}", content_type="application/json",
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=address).status_code

    assert [write_from("198.51.100.7"), write_from("198.51.100.7")] == [401, 429]
    assert write_from("203.0.113.9") == 401  # another visitor behind the same proxy
