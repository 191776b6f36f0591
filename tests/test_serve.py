"""The first README command's server: a fresh data dir, `cultivate run`, real uvicorn."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

CULTIVATE = Path(sys.executable).with_name("cultivate")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds}s")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("served")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"CULTIVATE_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "cultivate.settings"}
    process = subprocess.Popen(
        [str(CULTIVATE), "run", "--port", str(port)], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_run_serves_the_demo_landscape_with_static_files(served):
    home = httpx.get(served + "/")
    assert home.status_code == 200
    assert "Budget Reform Practitioners" in home.text
    assert home.headers["server"] == "uvicorn"
    stylesheet = re.search(r'href="(/static/cultivate/site\.[0-9a-f]+\.css)"', home.text).group(1)
    css = httpx.get(served + stylesheet)
    assert css.status_code == 200 and "max-age" in css.headers["cache-control"]
    assert httpx.get(served + "/api/v1/communities").json()["count"] >= 5


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    env = os.environ | {
        "SECRET_KEY": secrets.token_urlsafe(50), "SITE_URL": "https://cop.example.org",
        "ALLOWED_HOSTS": "cop.example.org", "CULTIVATE_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run([str(CULTIVATE), "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_healthz_says_so_when_the_database_does_not_answer(tmp_path):
    probe = ("import django, os; django.setup(); from django.test import Client; "
             "r = Client().get('/healthz'); print(r.status_code, r.json()['database'])")
    env = os.environ | {"DATABASE_URL": "postgres://nobody@127.0.0.1:9/nowhere",
                        "CULTIVATE_DATA_DIR": str(tmp_path),
                        "DJANGO_SETTINGS_MODULE": "cultivate.settings",
                        "STATICFILES_BACKEND":
                            "django.contrib.staticfiles.storage.StaticFilesStorage"}
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.split() == ["503", "down"], result.stderr[-1500:]


def test_links_in_feeds_and_files_point_at_the_port_it_serves_on(served):
    """Started on a random port without SITE_URL, absolute links must lead back to it."""
    events = httpx.get(served + "/api/v1/communities/budget-reform/events").json()["items"]
    assert events, "the demo plans events"
    assert events[0]["feed_url"].startswith(served + "/c/budget-reform/events.ics")
    ics = httpx.get(served + events[0]["ics_url"].removeprefix(served))
    assert ics.status_code == 200
    assert f"URL:{served}/events/" in ics.text.replace("\r\n ", "")
    assert "127.0.0.1:8000" not in ics.text
    sign_up = httpx.get(served + "/accounts/signup/")
    assert sign_up.status_code == 200
