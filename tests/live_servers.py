"""Real ASGI servers (uvicorn, the production entry point) for websocket tests, pointed at the
test database so a test's committed rows are what they serve."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

import httpx
from django.db import connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def current_database_url() -> str:
    """The database this test process uses, as the server's DATABASE_URL."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user, host = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1"
    return f"postgres://{user}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


class Server:
    def __init__(self, process: subprocess.Popen, port: int, log_path: str):
        self.process, self.port, self.log_path = process, port, log_path
        self.http = f"http://127.0.0.1:{port}"
        self.ws = f"ws://127.0.0.1:{port}"


def collect_static(env: dict, static_root) -> dict:
    """Pages need their scripts: collect them (plain storage) for servers started with `env`."""
    env = env | {"STATIC_ROOT": str(static_root),
                 "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    subprocess.run([sys.executable, "-m", "django", "collectstatic", "--noinput", "-v", "0"],
                   env=os.environ | env | {"DJANGO_SETTINGS_MODULE": "cultivate.settings"},
                   check=True, timeout=120)
    return env


@contextmanager
def asgi_servers(count: int = 1, *, redis_url: str | None = None, env: dict | None = None):
    """Start `count` uvicorn processes on the test database; with `redis_url` they share the
    Redis channel layer, without it each has its own in-memory layer."""
    base_env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    base_env |= {"DATABASE_URL": current_database_url(), "DJANGO_SETTINGS_MODULE":
                 "cultivate.settings", "CULTIVATE_WRITE_RATE": "10000/m",
                 "CULTIVATE_LIVE_POST_RATE": "1000/m", "CULTIVATE_LIVE_VOTE_RATE": "1000/m",
                 **(env or {})}
    if redis_url:
        base_env["REDIS_URL"] = redis_url
    servers = []
    try:
        for _ in range(count):
            port = free_port()
            log_path = os.environ.get("LIVE_SERVER_LOG") or tempfile.mkstemp(
                prefix=f"uvicorn-{port}-", suffix=".log")[1]
            with open(log_path, "a") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "uvicorn", "cultivate.asgi:application", "--port",
                     str(port), "--log-level", "warning", "--lifespan", "on"],
                    env=base_env, stdout=log, stderr=subprocess.STDOUT, text=True)
            servers.append(Server(process, port, log_path))
        for server in servers:
            wait_until_up(server)
        yield servers
    finally:
        for server in servers:
            server.process.terminate()
        for server in servers:
            server.process.wait(timeout=20)


def wait_until_up(server: Server, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            with open(server.log_path) as log:
                raise AssertionError(f"{server.http} died at start-up:\n{log.read()}")
        try:
            if httpx.get(server.http + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{server.http} did not answer in {seconds}s")
