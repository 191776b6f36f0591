"""Measure the main pages against the floor on a real uvicorn server, anonymously.

    .venv/bin/python bench/pages.py [--database-url URL] [--data-dir DIR] [--requests 300]
        [--concurrency 4] [--write docs/benchmarks.md] [--section pages]

Starts the server as a subprocess on a free loopback port, warms it up, then requests every
page in one interleaved round-robin run so that all pages share the same noise. Each response
carries `Server-Timing: app;dur=<ms>` (time inside Django); the client wall time is recorded
too. Exits 0 even when a page misses the target: this is a measurement, not a test.
"""

import argparse
import math
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

HOST = "127.0.0.1"  # loopback only, never a public interface
# (name, path, signed in?): anonymous reads may come from the page cache, a member's never do.
PAGES = (
    ("floor", "/bench/floor", False),
    ("directory", "/", False),
    ("community home", "/c/bench-large/", False),
    ("member list", "/c/bench-large/members/", False),
    ("API: communities", "/api/v1/communities", False),
    ("floor (member)", "/bench/floor", True),
    ("directory (member)", "/", True),
    ("community home (member)", "/c/bench-large/", True),
    ("member list (member)", "/c/bench-large/members/", True),
    ("API: communities (member)", "/api/v1/communities", True),
)
TARGET = 3.0  # each page's median server time <= TARGET x the floor's
MAX_REQUESTS = 5_000
MAX_CONCURRENCY = 32
TIMING = re.compile(r"\bapp;dur=([0-9.]+)")
GIL_NOTE = (
    " With concurrent requests in one worker process, a page's server time includes waiting"
    " for the GIL while other requests run; the floor fits in one GIL time slice and barely"
    " waits, so the ratios are higher than with `--concurrency 1`.")
SECTION_TITLES = {
    "pages": "Pages on SQLite",
    "pages-pg": "Pages on PostgreSQL",
    "pages-nocache": "Pages on SQLite, caches off (PAGE_CACHE_SECONDS=0): every request renders",
    "pages-pg-nocache": "Pages on PostgreSQL, caches off (PAGE_CACHE_SECONDS=0)",
}


@dataclass
class Samples:
    server_ms: list[float] = field(default_factory=list)
    client_ms: list[float] = field(default_factory=list)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in the data dir")
    parser.add_argument("--data-dir", help="CULTIVATE_DATA_DIR")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests per page")
    parser.add_argument("--concurrency", type=int, default=1,
                        help="requests in flight; 1 measures latency without GIL queueing")
    parser.add_argument("--write", metavar="PATH", help="update this Markdown file's section")
    parser.add_argument("--section", default="pages",
                        help="marker name: <!-- bench:SECTION:start --> (pages, pages-pg)")
    args = parser.parse_args()
    if not 1 <= args.requests <= MAX_REQUESTS or not 1 <= args.concurrency <= MAX_CONCURRENCY:
        parser.error(f"--requests 1..{MAX_REQUESTS}, --concurrency 1..{MAX_CONCURRENCY}")
    if not re.fullmatch(r"[a-z0-9-]+", args.section):
        parser.error("--section: lowercase letters, digits and dashes")
    return args


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.data_dir:
        env["CULTIVATE_DATA_DIR"] = str(Path(args.data_dir).resolve())
    env.pop("DEBUG", None)  # DEBUG keeps every query in memory and slows every page
    env["ALLOWED_HOSTS"] = HOST
    # Plain storage: the manifest storage needs collectstatic, which a benchmark should not run.
    env["STATICFILES_BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    env["DJANGO_SETTINGS_MODULE"] = "cultivate.settings"
    env["CULTIVATE_SERVER_TIMING"] = "1"  # the server time read from each response
    return env


# --- The landscape, read from the database the server will use ------------------------------


def describe_landscape(env: dict[str, str]) -> dict:
    os.environ.update(env)  # settings read the environment at import time
    import django

    django.setup()
    from django.db import connection

    from cultivate.activity.models import Activity
    from cultivate.communities.models import Community, Membership
    from cultivate.people.models import User

    large = Community.objects.filter(slug="bench-large").first()
    if large is None or large.visibility != "public":
        sys.exit("No public community `bench-large`: run bench/generate_landscape.py first.")
    facts = {
        "session": member_session(large),
        "question": benchmark_question(),
        "engine": database_version(connection),
        "communities": Community.objects.count(), "users": User.objects.count(),
        "memberships": Membership.objects.count(), "activity": Activity.objects.count(),
        "posts": _post_count(),
        "large_members": large.member_count,
        "large_leaders": Membership.objects.filter(community=large).exclude(role="member").count(),
    }
    connection.close()
    return facts


def _post_count() -> int:
    from cultivate.conversations.models import Post

    return Post.objects.count()


def benchmark_question() -> int | None:
    """The topic with 100 replies that bench/generate_posts.py made, if it ran."""
    from cultivate.conversations.models import Topic

    topic = Topic.objects.filter(title="Benchmark question").values_list("pk", flat=True)
    return topic.first()


def conversation_pages(question: int | None) -> tuple:
    if question is None:
        return ()
    topic = f"/c/bench-large/t/{question}/"
    questions = "/c/bench-large/topics/?kind=question"
    return (("topic, 100 replies", topic, False), ("question list", questions, False),
            ("topic, 100 replies (member)", topic, True),
            ("question list (member)", questions, True))


def member_session(community) -> str:
    """A session cookie value for one plain member of the community (signed-in requests)."""
    member = community.memberships.filter(role="member").select_related("user").first().user
    return session_of(member)


def session_of(user) -> str:
    """A session cookie value signed in as this user, in the configured session store."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    session = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def database_version(connection) -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        return " ".join(cursor.fetchone()[0].split()[:2])


# --- The server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(env: dict[str, str], port: int, log) -> subprocess.Popen:
    python = ROOT / ".venv" / "bin" / "python"
    command = [str(python if python.exists() else sys.executable), "-m", "uvicorn",
               "cultivate.asgi:application", "--host", HOST, "--port", str(port),
               "--workers", "1", "--log-level", "warning"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_healthy(client: httpx.Client, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}")
        try:
            if client.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"/healthz did not answer 200 within {timeout:.0f}s")


# --- Requests ------------------------------------------------------------------------------


def timed_get(clients: dict[bool, httpx.Client], path: str, signed_in: bool
              ) -> tuple[float, float]:
    started = time.perf_counter()
    response = clients[signed_in].get(path)
    client_ms = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    match = TIMING.search(response.headers.get("server-timing", ""))
    if match is None:
        raise RuntimeError(f"GET {path} has no Server-Timing app;dur header")
    return float(match.group(1)), client_ms


def run_round_robin(clients: dict[bool, httpx.Client], rounds: int, concurrency: int,
                    progress: bool = False) -> dict[str, Samples]:
    """Every page once per round, rounds in order; `concurrency` threads draw from one queue."""
    jobs = iter([page for _round in range(rounds) for page in PAGES])
    total = rounds * len(PAGES)
    step = max(1, total // 10)
    lock = threading.Lock()
    samples = {name: Samples() for name, _path, _signed_in in PAGES}
    failed = threading.Event()  # one error stops every worker, not just its own

    def worker() -> None:
        while not failed.is_set():
            with lock:
                job = next(jobs, None)
            if job is None:
                return
            try:
                server_ms, client_ms = timed_get(clients, job[1], job[2])
            except Exception:
                failed.set()
                raise
            with lock:
                samples[job[0]].server_ms.append(server_ms)
                samples[job[0]].client_ms.append(client_ms)
                done = sum(len(s.server_ms) for s in samples.values())
                if progress and done % step == 0:  # a long run shows it is alive
                    print(f"  {done}/{total} requests", flush=True)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(worker) for _ in range(concurrency)]:
            future.result()  # re-raises a worker's error
    return samples


def measure(args: argparse.Namespace, env: dict[str, str], session: str
            ) -> dict[str, Samples]:
    port = free_port()
    limits = httpx.Limits(max_connections=args.concurrency,
                          max_keepalive_connections=args.concurrency)
    with tempfile.TemporaryFile() as log:
        server = start_server(env, port, log)
        try:
            base = f"http://{HOST}:{port}"
            with httpx.Client(base_url=base, limits=limits, timeout=60) as visitor, \
                    httpx.Client(base_url=base, limits=limits, timeout=60,
                                 cookies={"sessionid": session}) as member:
                clients = {False: visitor, True: member}
                wait_healthy(visitor, server)
                print(f"Server up on {HOST}:{port}; warming up ({args.warmup} per page)…")
                run_round_robin(clients, args.warmup, args.concurrency)
                print(f"Measuring {args.requests} per page × {len(PAGES)} pages, "
                      f"concurrency {args.concurrency}…", flush=True)
                return run_round_robin(clients, args.requests, args.concurrency, progress=True)
        except Exception:
            log.seek(0)
            print("--- server log (tail) ---\n" + log.read().decode(errors="replace")[-4000:])
            raise
        finally:
            stop_server(server)


# --- Results -------------------------------------------------------------------------------


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def summarise(samples: dict[str, Samples]) -> list[dict]:
    """Each page against the floor requested the same way (anonymous, or with the session)."""
    floors = {signed_in: statistics.median(samples[name].server_ms)
              for name, path, signed_in in PAGES if path == "/bench/floor"}
    rows = []
    for name, path, signed_in in PAGES:
        server = samples[name].server_ms
        median = statistics.median(server)
        floor = floors[signed_in]
        ratio = median / floor if floor > 0 else math.inf
        is_floor = path == "/bench/floor"
        verdict = "floor" if is_floor else ("PASS" if ratio <= TARGET else "FAIL")
        rows.append({"page": name, "path": path, "median": median, "p99": p99(server),
                     "client": statistics.median(samples[name].client_ms), "ratio": ratio,
                     "verdict": verdict, "n": len(server)})
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| Page | Path | Server median ms | Server p99 ms | Client median ms "
             f"| × floor | ≤ {TARGET:g}× floor |",
             "|---|---|--:|--:|--:|--:|:-:|"]
    for r in rows:
        lines.append(f"| {r['page']} | `{r['path']}` | {r['median']:.2f} | {r['p99']:.2f} "
                     f"| {r['client']:.2f} | {r['ratio']:.1f} | {r['verdict']} |")
    return "\n".join(lines)


def code_version() -> str:
    """The commit measured, marked when the app code differs from it."""
    def git(*command: str) -> str:
        result = subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" + uncommitted changes in src/" if git("status", "--porcelain", "src")
                     else "")


def machine() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cpus} CPUs (nproc), Python {platform.python_version()}, {platform.system()}"


def section(args: argparse.Namespace, facts: dict, rows: list[dict]) -> str:
    title = SECTION_TITLES.get(args.section, f"Pages ({args.section})")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join([
        f"## {title}", "",
        f"Measured {when} with `bench/pages.py --requests {args.requests} "
        f"--concurrency {args.concurrency}`: GETs against one uvicorn worker on loopback, "
        "anonymous and as a plain member of `bench-large` (whose pages are never served from "
        "the anonymous page cache), all interleaved round-robin in one run after a warm-up. "
        "Server time "
        "is the `Server-Timing: app;dur` header (time inside Django); client time is the wall "
        "time seen by the benchmark." + (GIL_NOTE if args.concurrency > 1 else ""), "",
        f"- Database: {facts['engine']}",
        f"- Landscape: {facts['communities']:,} communities, {facts['users']:,} users, "
        f"{facts['memberships']:,} memberships, {facts['activity']:,} activity rows, "
        f"{facts['posts']:,} posts; "
        f"`bench-large` has {facts['large_members']:,} members "
        f"({facts['large_leaders']:,} of them conveners, facilitators, sponsors or core)",
        f"- Code: commit {code_version()}",
        f"- Machine: {machine()}",
        f"- Target: each page's median server time ≤ {TARGET:g}× the median server time of the "
        "floor requested the same way (anonymous, or signed in: the session and user lookups "
        "are part of a signed-in floor)",
        "", table(rows), "",
    ])


def write_section(path: Path, name: str, body: str) -> None:
    """Replace the text between this section's markers, or append the section."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{body}\n{end}"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def main() -> None:
    # SIGTERM as an exception, so the `finally` that stops the server runs.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    args = parse_args()
    env = server_env(args)
    facts = describe_landscape(env)
    print(f"{facts['engine']}: {facts['communities']:,} communities, {facts['users']:,} users, "
          f"{facts['memberships']:,} memberships, {facts['activity']:,} activity rows")
    global PAGES  # the conversation pages exist only once generate_posts.py has run
    PAGES = PAGES + conversation_pages(facts["question"])
    rows = summarise(measure(args, env, facts["session"]))
    print(table(rows))
    for r in (r for r in rows if r["verdict"] != "floor"):
        print(f"{r['verdict']}: {r['page']} median {r['median']:.2f} ms = {r['ratio']:.1f}× floor "
              f"(target ≤ {TARGET:g}×)")
    if args.write:
        write_section(Path(args.write), args.section, section(args, facts, rows))
        print(f"Wrote section `{args.section}` of {args.write}")


if __name__ == "__main__":
    main()
