"""Shared fixtures: named people (convener, facilitator, member, outsider...) and communities."""

import os
from contextlib import contextmanager
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CULTIVATE_WRITE_RATE = "10000/m"
    # Inside a test's transaction on_commit never fires, so cached pages would not expire:
    # caching is off except in the tests that switch it on (transactional ones).
    settings.PAGE_CACHE_SECONDS = 0
    from django.core.cache import cache, caches

    cache.clear()  # rate-limit counters must not leak between tests (or runs, on Redis)
    caches["local"].clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request made by an earlier test leaves its
    language active in the thread (LocaleMiddleware activates, nothing deactivates)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def make_user(db):
    from cultivate.people.models import User

    def make(username: str, *, superuser: bool = False, **fields) -> User:
        # Established accounts unless a test says otherwise (new ones may not invite yet).
        fields.setdefault("date_joined", timezone.now() - timedelta(days=30))
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


@contextmanager
def running_smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port: yields (inbox, port)."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, with Django pointed at it."""
    with running_smtp_server() as (inbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield inbox


# --- The end of a run: no database left behind, no skip CI did not expect ------------------

# Reasons a test may skip in CI: it proves something for one database only. Any other skip
# (a missing service, data not found) would let CI pass without testing, so CI fails on it.
EXPECTED_SKIP_REASONS = ("only on PostgreSQL", "only on SQLite", "runs once, on SQLite")
_skips: list[tuple[str, str]] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _skips.append((report.nodeid, reason))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    _drop_leftover_test_databases()
    unexpected = [(node, reason) for node, reason in _skips
                  if not any(ok in reason for ok in EXPECTED_SKIP_REASONS)]
    if unexpected and os.environ.get("CI"):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.ensure_newline()
        reporter.write_line(f"CI fails: {len(unexpected)} tests skipped for a reason CI does "
                            "not expect (a missing service or data set):", red=True)
        for node, reason in unexpected:
            reporter.write_line(f"  {node}: {reason}", red=True)
        session.exitstatus = 1


def _drop_leftover_test_databases() -> None:
    """Drop this run's PostgreSQL test database if a connection held it open at teardown, and
    those of earlier runs whose process is gone (a killed run leaves its database)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        return
    import psycopg

    # settings.py names it test_<name>_<pid>; NAME itself may still hold the test name here.
    this_run = db["TEST"]["NAME"]
    prefix = this_run.removesuffix(str(os.getpid()))
    params = {"host": db.get("HOST") or "127.0.0.1", "port": db.get("PORT") or 5432,
              "user": db.get("USER") or "postgres", "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**params) as connection:
        names = [row[0] for row in connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"])]
        for name in names:
            pid = name.removeprefix(prefix)
            if name == this_run or (pid.isdigit() and not _process_alive(int(pid))):
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
