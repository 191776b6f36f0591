"""Settings read at start-up, in a fresh process as an operator starts one: the secret key and
the mail URL."""

import json
import os
import stat
import subprocess
import sys

import pytest

from conftest import running_smtp_server
from cultivate.core.secret_key import OLD_DEFAULT_KEY

STRONG_KEY = "k3y-" + "x1y2z3w4" * 8
PRODUCTION = {"SITE_URL": "https://cop.example.org", "ALLOWED_HOSTS": "cop.example.org"}


def start(tmp_path, code: str, **env) -> subprocess.CompletedProcess:
    """Run `code` after django.setup() in a new process with only `env` set by the operator."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("SECRET_KEY", "SITE_URL", "CULTIVATE_ENV", "EMAIL_URL", "DATABASE_URL")}
    base |= {"CULTIVATE_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "cultivate.settings"}
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env=base | env, capture_output=True, text=True, timeout=120)


def check_deploy(tmp_path, **env) -> subprocess.CompletedProcess:
    return start(tmp_path, "from django.core.management import call_command\n"
                           "call_command('check', deploy=True)", **env)


@pytest.mark.parametrize("production", [{"CULTIVATE_ENV": "production"}, PRODUCTION,
                                        PRODUCTION | {"SECRET_KEY": OLD_DEFAULT_KEY}])
def test_production_without_its_own_secret_key_refuses_to_start(tmp_path, production):
    result = start(tmp_path, "print('started')", **production)
    assert result.returncode != 0 and "started" not in result.stdout
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_embedded_start_generates_a_private_key_once_and_keeps_it(tmp_path):
    show_key = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = start(tmp_path, show_key)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = first.stdout.strip()
    assert len(key) >= 50 and key != OLD_DEFAULT_KEY and key_file.read_text().strip() == key
    assert start(tmp_path, show_key).stdout.strip() == key
    assert start(tmp_path / "elsewhere", show_key).stdout.strip() != key


def test_check_deploy_fails_on_the_old_default_key(tmp_path):
    result = check_deploy(tmp_path, SECRET_KEY=OLD_DEFAULT_KEY, CULTIVATE_ENV="embedded")
    assert result.returncode != 0 and "core.E001" in result.stderr


def test_check_deploy_fails_on_a_short_key_and_on_the_generated_one(tmp_path):
    short = check_deploy(tmp_path, SECRET_KEY="a-short-but-random-Q7x9", **PRODUCTION)
    assert short.returncode != 0 and "core.E002" in short.stderr
    generated = check_deploy(tmp_path)
    assert generated.returncode != 0 and "core.E003" in generated.stderr


def test_check_deploy_passes_with_a_strong_key(tmp_path):
    result = check_deploy(tmp_path, SECRET_KEY=STRONG_KEY, **PRODUCTION)
    assert result.returncode == 0, result.stderr


SHOW_MAIL = ("from django.conf import settings as s; import json; print(json.dumps([s.EMAIL_BACKEND"
             ".rsplit('.', 2)[1], s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
             "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL]))")


@pytest.mark.parametrize("url, expected", [
    ("smtp+tls://user:pass@host:587", ["smtp", "host", 587, "user", "pass", True, False]),
    ("smtp://mail.example.org", ["smtp", "mail.example.org", 25, "", "", False, False]),
    ("smtps://a%40b.org:p%2Fw@host", ["smtp", "host", 465, "a@b.org", "p/w", False, True]),
    ("smtp+ssl://u:p@host:2465", ["smtp", "host", 2465, "u", "p", False, True]),
    ("console://", ["console", "localhost", 25, "", "", False, False]),
    ("dummy://", ["dummy", "localhost", 25, "", "", False, False]),
])
def test_every_documented_email_url_configures_mail(tmp_path, url, expected):
    result = start(tmp_path, SHOW_MAIL, EMAIL_URL=url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


def test_an_unknown_email_scheme_says_which_ones_work(tmp_path):
    result = start(tmp_path, "print('started')", EMAIL_URL="smpt://host:25")
    assert result.returncode != 0
    assert "ImproperlyConfigured: EMAIL_URL has the scheme 'smpt'; use one of smtp" in result.stderr


def test_mail_reaches_a_real_smtp_server_named_by_email_url(tmp_path):
    with running_smtp_server() as (inbox, port):
        result = start(tmp_path, "from django.core.mail import send_mail\n"
                       "send_mail('Welcome', 'Hello from Cultivate', None, ['ana@example.org'])",
                       EMAIL_URL=f"smtp://127.0.0.1:{port}")
    assert result.returncode == 0, result.stderr
    [message] = inbox.messages
    assert message["Subject"] == "Welcome" and message["To"] == "ana@example.org"
    assert "Hello from Cultivate" in message.get_content()
