"""Signing in: limited failures answer 429, cannot lock the owner out from elsewhere, and cost
the same hashing whether the account exists or not."""

import pytest
from django.test import Client

from cultivate.people.tests.hashers import CountingHasher

pytestmark = pytest.mark.django_db

ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


def sign_in(client, login, password, address=OWNER):
    return client.post("/accounts/login/", {"login": login, "password": password},
                       REMOTE_ADDR=address)


def test_a_limited_sign_in_answers_429_with_retry_after(client, make_user):
    make_user("ana")
    statuses = [sign_in(client, "ana@example.org", "wrong").status_code for _ in range(5)]
    assert statuses == [200] * 5
    limited = sign_in(client, "ana@example.org", "a-long-passphrase")
    assert limited.status_code == 429
    assert 250 < int(limited["Retry-After"]) <= 300  # the oldest failure leaves in 5 minutes
    assert "Too many failed login attempts" in limited.content.decode()
    assert client.get("/me/profile/").status_code == 302  # not signed in


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(make_user):
    make_user("ana")
    attacker = Client()
    statuses = [sign_in(attacker, "ana@example.org", f"guess-{i}", ATTACKER).status_code
                for i in range(10)]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    owner = Client()
    assert sign_in(owner, "ana@example.org", "a-long-passphrase").status_code == 302
    assert owner.get("/me/profile/").status_code == 200
    # The attacker's address is limited across accounts too.
    make_user("ben")
    for i in range(10):
        sign_in(attacker, f"user{i}@example.org", "guess", ATTACKER)
    assert sign_in(attacker, "ben@example.org", "a-long-passphrase", ATTACKER).status_code == 429


def hashes_for(client, login: str) -> int:
    CountingHasher.calls = 0
    response = sign_in(client, login, "not-the-password")
    assert response.status_code == 200 and client.get("/me/profile/").status_code == 302
    return CountingHasher.calls


def test_unknown_accounts_cost_the_same_hashing_as_known_ones(client, make_user, settings):
    settings.PASSWORD_HASHERS = ["cultivate.people.tests.hashers.CountingHasher"]
    make_user("ana")
    known_email, unknown_email = (hashes_for(client, "ana@example.org"),
                                  hashes_for(client, "nobody@example.org"))
    known_name, unknown_name = hashes_for(client, "ana"), hashes_for(client, "nobody")
    assert known_email == unknown_email == known_name == unknown_name == 1
    # Signing in still works, by address and by name.
    assert sign_in(Client(), "ana@example.org", "a-long-passphrase").status_code == 302
    assert Client().login(username="ana", password="a-long-passphrase")


def test_staff_sign_in_through_the_limited_sign_in_page(client, make_user):
    make_user("root", superuser=True)
    guessed = client.post("/admin/login/", {"username": "root", "password": "a-long-passphrase"})
    assert guessed.status_code == 302 and guessed["Location"].startswith("/accounts/login/")
    assert client.get("/admin/").status_code == 302  # the admin form took no password
    assert sign_in(client, "root", "a-long-passphrase").status_code == 302
    assert client.get("/admin/").status_code == 200
