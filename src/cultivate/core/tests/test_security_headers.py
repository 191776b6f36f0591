"""Every page carries a strict Content-Security-Policy with a fresh nonce; Server-Timing only
when asked for."""

import re

import pytest
from django.test import Client

from cultivate.conversations.actions import do_start_topic
from cultivate.insights.tests.dashboard_data import fill, make_world

pytestmark = pytest.mark.django_db

STRICT = ["default-src 'self'", "img-src 'self' data: https:", "object-src 'none'",
          "base-uri 'self'", "frame-ancestors 'none'", "form-action 'self'",
          "style-src 'self' 'nonce-"]


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in policy.split("; ")}


def test_every_page_has_a_strict_policy_with_a_fresh_nonce(make_user, make_community, signed_in):
    world = make_world(make_user, make_community)
    fill(world["private"])
    topic = do_start_topic(actor=world["cleo"], community=world["public"], kind="question",
                           title="Where to start?", body="With the budget circular.")
    fay = signed_in(world["fay"])
    pages = [(Client(), "/"), (Client(), "/c/open-budgets/"), (Client(), "/accounts/login/"),
             (Client(), f"/c/open-budgets/t/{topic.pk}/"), (Client(), "/api/v1/docs"),
             (Client(), "/api/v1/communities"), (Client(), "/no-such-page/"),
             (fay, "/c/treasury-circle/insights/"), (fay, "/c/treasury-circle/")]
    nonces = set()
    for client, path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        policy = response["Content-Security-Policy"]
        for directive in STRICT:
            assert directive in policy, (path, directive)
        script = directives(response)["script-src"]
        nonce = re.fullmatch(r"script-src 'self' 'nonce-([\w+/=]{20,})'", script).group(1)
        assert "unsafe" not in policy
        assert "connect-src 'self' ws://testserver wss://testserver" in policy
        nonces.add(nonce)
    assert len(nonces) == len(pages)


def test_server_timing_only_when_asked_for(settings):
    assert "Server-Timing" not in Client().get("/healthz")
    settings.CULTIVATE_SERVER_TIMING = True
    assert Client().get("/healthz")["Server-Timing"].startswith("app;dur=")
    settings.CULTIVATE_SERVER_TIMING, settings.DEBUG = False, True
    assert Client().get("/healthz")["Server-Timing"].startswith("app;dur=")


def test_sso_sign_in_may_leave_for_the_provider_only(tmp_path):
    import os
    import subprocess
    import sys

    env = os.environ | {"OIDC_SERVER_URL": "https://login.example.org/realms/main",
                        "OIDC_CLIENT_ID": "cultivate", "CULTIVATE_DATA_DIR": str(tmp_path),
                        "DJANGO_SETTINGS_MODULE": "cultivate.settings"}
    show = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])")
    result = subprocess.run([sys.executable, "-c", show], env=env, capture_output=True,  # noqa: S603
                            text=True, timeout=120)
    assert result.stdout.strip() == "[\"'self'\", 'https://login.example.org']", result.stderr
