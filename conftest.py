"""Shared fixtures: named people (convener, facilitator, member, outsider...) and communities."""

import pytest
from allauth.account.models import EmailAddress


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CULTIVATE_WRITE_RATE = "10000/m"
    # Fixture accounts are seconds old; the tests of this rule set their own age.
    settings.CULTIVATE_INVITE_MIN_ACCOUNT_AGE_HOURS = 0
    # Inside a test's transaction on_commit never fires, so cached pages would not expire:
    # caching is off except in the tests that switch it on (transactional ones).
    settings.PAGE_CACHE_SECONDS = 0
    from django.core.cache import cache, caches

    cache.clear()  # rate-limit counters must not leak between tests (or runs, on Redis)
    caches["local"].clear()


@pytest.fixture
def make_user(db):
    from cultivate.people.models import User

    def make(username: str, *, superuser: bool = False, **fields) -> User:
        user = User.objects.create_user(
            username=username, email=f"{username}@example.org", password="a-long-passphrase",
            is_superuser=superuser, is_staff=superuser, **fields,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    return make


@pytest.fixture
def signed_in(db):
    """A test client signed in as the given user."""
    from django.test import Client

    def client_for(user):
        client = Client()
        client.force_login(user)
        return client

    return client_for


@pytest.fixture
def token_of(db):
    """API headers carrying a fresh personal access token of the given user."""
    from cultivate.people.actions import do_create_access_token

    def headers(user) -> dict:
        _token, secret = do_create_access_token(actor=user, name="tests")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return headers


@pytest.fixture
def make_community(db):
    from cultivate.communities.actions import do_create_community

    def make(convener, name: str = "Budget Practitioners", **values):
        defaults = {
            "charter_domain": "Budget *reform* in ministries of finance.",
            "charter_community": "Budget officers from 20 countries.",
            "charter_practice": "Case clinics and peer reviews of budget circulars.",
            "visibility": "public", "join_policy": "open",
        }
        return do_create_community(actor=convener, name=name, **(defaults | values))

    return make


class SmtpInbox:
    """What a real SMTP server on loopback received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free loopback port, with Django pointed at it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()
