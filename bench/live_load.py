"""Load the live backchannel with N websocket attendees; a bare `websockets` server is the floor.

    .venv/bin/python bench/live_load.py --attendees 1000 5000 --duration 30 --rate 10
        [--servers floor cultivate] [--write docs/benchmarks.md --section live]

For each server and each N: open N attendee sockets gradually over several client processes,
wait until every one has its `hello`, then let a few poster sockets send questions and votes at
a steady rate for `--duration` seconds. Each question carries the poster's clock in its body, so
each attendee measures delivery latency; every update is counted per attendee by its sequence
number. After a drain timeout: lost = expected (update, attendee) pairs - received ones.

Servers, both on 127.0.0.1 only, both with `--workers` processes:
- `floor`: bench/live_floor.py, bare `websockets` broadcast; with 2 workers they share updates
  through Redis pub/sub, the same shape as Cultivate's channel layer.
- `cultivate`: `cultivate run --workers 2 --no-demo` on PostgreSQL and Redis (the production
  tier), with an event, an open live channel that allows guests, and N + posters guest
  participants created directly in the benchmark database.

CPU use of the servers, the client processes, Redis and PostgreSQL is read from /proc and
reported beside the numbers: all of them share the machine.
"""

import argparse
import json
import math
import multiprocessing
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from array import array
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(BENCH))

import live_clients  # noqa: E402
from pages import code_version, free_port, machine, stop_server, write_section  # noqa: E402

HOST = "127.0.0.1"  # load only ever targets loopback
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cultivate_live_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
COMMUNITY_SLUG = "live-bench"
TARGET_P99_MS = 500
TARGET_RATIO = 0.5
NOFILE = 65536
TICKS = os.sysconf("SC_CLK_TCK")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attendees", type=int, nargs="+", default=[1000])
    parser.add_argument("--rate", type=float, nargs="+", default=[10.0],
                        help="updates per second sent by all posters together (questions and "
                             "votes); several values run one after the other on the same "
                             "sockets")
    parser.add_argument("--duration", type=float, default=30, help="seconds of posting per rate")
    parser.add_argument("--question-every", type=int, default=4,
                        help="every Kth update is a question, the others votes")
    parser.add_argument("--posters", type=int, default=0,
                        help="poster sockets (default: enough to stay under half the live "
                             "app's per-participant post and vote limits)")
    parser.add_argument("--servers", nargs="+", default=["floor", "cultivate"],
                        choices=["floor", "cultivate"])
    parser.add_argument("--workers", type=int, default=2, help="server processes, both servers")
    parser.add_argument("--clients", type=int, default=0,
                        help="attendee client processes (default: one per 1,250 attendees, at "
                             "least 2)")
    parser.add_argument("--connect-rate", type=float, default=250,
                        help="new sockets per second, all client processes together")
    parser.add_argument("--drain", type=float, default=15,
                        help="seconds to wait after the last send for late deliveries")
    parser.add_argument("--attendee-client", choices=["lean", "websockets"], default="lean",
                        help="attendee sockets on a minimal reader (a few µs per frame) or on "
                             "the `websockets` library's client (posters always use it)")
    parser.add_argument("--settle", type=float, default=60,
                        help="after the drain, seconds to keep counting late deliveries")
    parser.add_argument("--gap-wait", type=float, default=1.5,
                        help="seconds an attendee waits for a missing update before asking to "
                             "resume (1.5 as live.js; 0: at once)")
    parser.add_argument("--no-compression", action="store_true",
                        help="clients do not offer permessage-deflate (browsers do)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--data-dir", help="CULTIVATE_DATA_DIR of the server (default: a temp dir)")
    parser.add_argument("--server-src", metavar="DIR",
                        help="run Cultivate from this copy of src/ (to measure a change before "
                             "it lands); the label names it in the report")
    parser.add_argument("--json", metavar="PATH", help="also write every result as JSON")
    parser.add_argument("--write", metavar="PATH", help="update this Markdown file's section")
    parser.add_argument("--section", default="live",
                        help="marker name: <!-- bench:SECTION:start -->")
    parser.add_argument("--title", default="Live backchannel under load",
                        help="the section's heading")
    args = parser.parse_args()
    if any(n < 1 or n > 20_000 for n in args.attendees):
        parser.error("--attendees 1..20000")
    if any(r <= 0 or r > 2_000 for r in args.rate):
        parser.error("--rate: more than 0, at most 2000 per second")
    if args.workers > 1 and "floor" in args.servers and not args.redis_url:
        parser.error("a floor with several workers needs --redis-url")
    if not re.fullmatch(r"[a-z0-9-]+", args.section):
        parser.error("--section: lowercase letters, digits and dashes")
    for url in (args.database_url, args.redis_url):
        if url and "@127.0.0.1" not in url and "//127.0.0.1" not in url:
            parser.error(f"{url}: only 127.0.0.1 is allowed")
    return args


# --- CPU accounting from /proc ----------------------------------------------------------------


def _stat(pid: int) -> tuple[int, str, float] | None:
    """(parent pid, command name, CPU seconds) of a process, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), name, (int(fields[11]) + int(fields[12])) / TICKS


def processes() -> dict[int, tuple[int, str, float]]:
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = _stat(int(entry))
            if info is not None:
                table[int(entry)] = info
    return table


def cpu_snapshot() -> dict:
    """CPU seconds of every process so far, the machine's busy seconds and the time."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return {"processes": processes(), "wall": time.monotonic(),
            "busy": (sum(values) - values[3] - values[4]) / TICKS}  # minus idle and iowait


def cpu_delta(before: dict, after: dict, server_pid: int, client_pids: list[int]
              ) -> dict[str, float]:
    """Cores used between two snapshots by the server's process tree, the clients, Redis,
    PostgreSQL and everything else (per process, so that exited ones do not count negative;
    what a process used just before it exited is lost)."""
    table = after["processes"]
    tree, frontier = set(), {server_pid}
    while frontier:
        tree |= frontier
        frontier = {pid for pid, (ppid, _n, _c) in table.items() if ppid in frontier} - tree
    wall = after["wall"] - before["wall"]
    parts = dict.fromkeys(("server", "clients", "redis", "postgres"), 0.0)
    for pid, (_ppid, name, cpu) in table.items():
        old = before["processes"].get(pid)
        used = cpu - (old[2] if old and old[1] == name else 0.0)
        if pid in tree:
            parts["server"] += used
        elif pid in client_pids:
            parts["clients"] += used
        elif name.startswith("redis-server"):
            parts["redis"] += used
        elif name.startswith("postgres"):
            parts["postgres"] += used
    parts = {key: value / wall for key, value in parts.items()}
    parts["busy"] = (after["busy"] - before["busy"]) / wall
    parts["other"] = max(0.0, parts["busy"] - sum(parts[k] for k in (
        "server", "clients", "redis", "postgres")))
    return parts


# --- Servers ----------------------------------------------------------------------------------


def python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv if venv.exists() else sys.executable)


def wait_port(port: int, server: subprocess.Popen, timeout: float = 120) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {HOST}:{port} after {timeout:.0f}s")


def wait_healthy(port: int, server: subprocess.Popen, timeout: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}")
        try:
            if httpx.get(f"http://{HOST}:{port}/healthz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"/healthz did not answer 200 within {timeout:.0f}s")


class FloorServer:
    name = "floor"

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.prefix = f"live-floor-{os.getpid()}"

    def start(self, log) -> None:
        self.port = free_port()
        command = [python(), str(BENCH / "live_floor.py"), "--port", str(self.port),
                   "--workers", str(self.args.workers), "--name", self.prefix]
        if self.args.workers > 1:
            command += ["--redis-url", self.args.redis_url]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        wait_port(self.port, self.process)
        time.sleep(0.5 if self.args.workers > 1 else 0)  # the other workers bind too

    def describe(self) -> str:
        if self.args.workers == 1:
            return "bare `websockets` 17, one process, in-process broadcast"
        return (f"bare `websockets`, {self.args.workers} processes (SO_REUSEPORT); one Redis "
                "script numbers and publishes each update, every worker broadcasts what it hears")

    def audience(self, attendees: int, posters: int) -> tuple[list[str], list[str], str]:
        url = f"ws://{HOST}:{self.port}/ws/live/1/?guest=floor&after=0"
        return [url] * attendees, [url] * posters, f"http://{HOST}:{self.port}"

    def stop(self) -> None:
        stop_server(self.process)
        if self.args.workers > 1:
            import redis

            client = redis.Redis.from_url(self.args.redis_url)
            client.delete(f"{self.prefix}:seq", f"{self.prefix}:votes", f"{self.prefix}:items")


class CultivateServer:
    name = "cultivate"

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.data_dir = Path(args.data_dir).resolve() if args.data_dir else Path(
            tempfile.mkdtemp(prefix="cultivate-live-bench-"))
        self.env = dict(os.environ)
        for name in ("DEBUG", "DJANGO_DEBUG"):
            self.env.pop(name, None)
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "cultivate.settings",
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "CULTIVATE_DATA_DIR": str(self.data_dir),
            "ALLOWED_HOSTS": HOST,
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "CULTIVATE_WRITE_RATE": "100000/m",
        })
        if args.server_src:
            self.env["PYTHONPATH"] = str(Path(args.server_src).resolve())
        self.django_ready = False

    def setup_django(self) -> None:
        if self.django_ready:
            return
        create_database(self.args.database_url)
        os.environ.update(self.env)  # settings read the environment at import time
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        self.post_rate = settings.CULTIVATE_LIVE_POST_RATE
        self.vote_rate = settings.CULTIVATE_LIVE_VOTE_RATE
        self.django_ready = True

    def start(self, log) -> None:
        self.setup_django()
        self.port = free_port()
        cultivate = ROOT / ".venv" / "bin" / "cultivate"
        command = ([str(cultivate)] if cultivate.exists() else
                   [python(), "-m", "cultivate.cli"]) + [
            "run", "--workers", str(self.args.workers), "--no-demo", "--host", HOST,
            "--port", str(self.port)]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        wait_healthy(self.port, self.process)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            self.engine = " ".join(cursor.fetchone()[0].split()[:2])

    def describe(self) -> str:
        return (f"`cultivate run --workers {self.args.workers}` (uvicorn, Channels consumers, "
                f"fan-out by the hub in `cultivate.core.realtime` over Redis pub/sub), "
                f"{self.engine}, Redis"
                + (f"; code from `{self.args.server_src}`" if self.args.server_src else ""))

    def audience(self, attendees: int, posters: int) -> tuple[list[str], list[str], str]:
        """A new event with an open channel that allows guests, and its guest participants."""
        from django.db import transaction
        from django.utils import timezone

        from cultivate.communities.models import Community
        from cultivate.events.models import Event
        from cultivate.live.models import LiveChannel, Participant

        now = timezone.now()
        with transaction.atomic():
            community, _created = Community.objects.get_or_create(
                slug=COMMUNITY_SLUG, defaults={"name": "Live backchannel benchmark"})
            event = Event.objects.create(
                community=community, title=f"Load test {now:%Y-%m-%d %H:%M:%S} ({attendees})",
                starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=3))
            channel = LiveChannel.objects.create(event=event, is_open=True, guests_allowed=True)
            people = [Participant(channel=channel, display_name=f"Attendee {i + 1}",
                                  guest_token=secrets.token_urlsafe(24))
                      for i in range(attendees + posters)]
            Participant.objects.bulk_create(people, batch_size=1000)
        base = f"ws://{HOST}:{self.port}/ws/live/{event.pk}/?after={channel.last_seq}&guest="
        urls = [base + p.guest_token for p in people]
        return urls[:attendees], urls[attendees:], f"http://{HOST}:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:  # the whole session: uvicorn's workers too
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    if not re.fullmatch(r"[a-z0-9_]+", name):
        sys.exit(f"unexpected database name {name!r}")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')  # noqa: S608  (checked name)
            print(f"Created database {name}")


# --- Client processes -------------------------------------------------------------------------


class Clients:
    """Attendee processes and one poster process, each with its own event loop."""

    def __init__(self, args, attendee_urls: list[str], poster_urls: list[str], origin: str):
        ctx = multiprocessing.get_context("spawn")
        count = args.clients or max(2, math.ceil(len(attendee_urls) / 1250))
        count = min(count, len(attendee_urls))
        chunks = [attendee_urls[i::count] for i in range(count)]
        interval = count / args.connect_rate  # each process's share of the connect rate
        compression = not args.no_compression
        self.attendees, self.processes = [], []
        for chunk in chunks:
            mine, theirs = ctx.Pipe()
            process = ctx.Process(target=live_clients.attendees_main, daemon=True,
                                  args=(theirs, chunk, interval, compression, origin, NOFILE,
                                        args.attendee_client == "lean", args.gap_wait))
            process.start()
            self.attendees.append(mine)
            self.processes.append(process)
        mine, theirs = ctx.Pipe()
        self.poster_process = ctx.Process(target=live_clients.posters_main, daemon=True,
                                          args=(theirs, poster_urls, compression, origin, NOFILE))
        self.poster_process.start()
        self.poster = mine
        self.pids = [p.pid for p in self.processes] + [self.poster_process.pid]

    def ask_all(self, command, timeout: float = 600) -> list:
        for conn in self.attendees:
            conn.send(command)
        return [receive(conn, timeout) for conn in self.attendees]

    def close(self) -> None:
        for conn in [*self.attendees, self.poster]:
            try:
                conn.send(("close",))
            except (BrokenPipeError, OSError):
                pass
        for process in [*self.processes, self.poster_process]:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()


def receive(conn, timeout: float):
    if not conn.poll(timeout):
        raise RuntimeError(f"a client process did not answer within {timeout:.0f}s")
    return conn.recv()


# --- One measurement --------------------------------------------------------------------------


@dataclass
class Result:
    server: str
    attendees: int
    rate: float
    posters: int = 0
    connected: int = 0
    connect_p50_ms: float = 0
    connect_p99_ms: float = 0
    connect_seconds: float = 0
    sent: int = 0
    acked: int = 0
    errors: dict = field(default_factory=dict)
    updates_seen: int = 0
    expected: int = 0
    received: int = 0
    lost: int = 0  # not received by the drain deadline
    late: int = 0  # received after the deadline
    never: int = 0  # not received at all (the deadline plus --settle)
    duplicates: int = 0
    stale: int = 0  # updates numbered before the phase, received during it
    resumes: int = 0  # gaps in the order of updates that made an attendee ask to resume
    p50_ms: float = math.nan
    p99_ms: float = math.nan
    max_ms: float = math.nan
    latency_samples: int = 0
    delivered_per_s: float = 0
    window_s: float = 0
    send_lag_max_ms: float = 0
    ack_p50_ms: float = math.nan
    ack_p99_ms: float = math.nan
    open_after: int = 0
    server_us_per_delivery: float = math.nan
    cpu: dict = field(default_factory=dict)
    client_errors: list = field(default_factory=list)


def percentile(ordered, fraction: float) -> float:
    if not len(ordered):
        return math.nan
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def posters_needed(args, post_rate: str | None, vote_rate: str | None, rate: float) -> int:
    if args.posters:
        return args.posters
    if post_rate is None:
        return 4
    from cultivate.live.limits import parse_rate

    per_post = parse_rate(post_rate)
    per_vote = parse_rate(vote_rate)
    questions = rate / args.question_every
    votes = rate - questions
    # Half of each limit, so that a poster never meets it inside one fixed window.
    return max(4, math.ceil(questions / (0.5 * per_post[0] / per_post[1])),
               math.ceil(votes / (0.5 * per_vote[0] / per_vote[1])))


def run_server(args, server, n: int, log) -> list[Result]:
    rates = args.rate
    posters = max(posters_needed(args, getattr(server, "post_rate", None),
                                 getattr(server, "vote_rate", None), rate) for rate in rates)
    attendee_urls, poster_urls, origin = server.audience(n, posters)
    clients = Clients(args, attendee_urls, poster_urls, origin)
    results = []
    try:
        print(f"[{server.name} N={n}] {len(clients.attendees)} attendee processes, "
              f"{posters} posters; connecting at {args.connect_rate:g}/s…", flush=True)
        started = time.monotonic()
        clients.poster.send(("connect",))
        poster_hello = receive(clients.poster, 600)
        if poster_hello["failed"]:
            raise RuntimeError(f"posters could not connect: {poster_hello['errors']}")
        hellos = clients.ask_all(("connect",), timeout=600 + n / args.connect_rate)
        connect_seconds = time.monotonic() - started
        connected = sum(h["connected"] for h in hellos)
        connect_times = sorted(t for h in hellos for t in h["connect_s"])
        errors = [e for h in hellos for e in h["errors"]]
        deflate = sum(h["deflate"] for h in hellos)
        print(f"  {connected}/{n} attendees have their hello after {connect_seconds:.1f}s "
              f"({deflate} with permessage-deflate)"
              + (f"; failures, e.g. {errors[:2]}" if errors else ""), flush=True)
        base = max([s for h in hellos for s in h["hello_seqs"]] or [0])
        for rate in rates:
            result = Result(server=server.name, attendees=n, rate=rate, posters=posters,
                            connected=connected, connect_seconds=connect_seconds,
                            connect_p50_ms=percentile(connect_times, 0.5) * 1000,
                            connect_p99_ms=percentile(connect_times, 0.99) * 1000)
            base = run_phase(args, server, clients, result, base, rate)
            results.append(result)
            print_result(result)
            if server.process.poll() is not None:
                raise RuntimeError("the server exited during the run")
    finally:
        clients.close()
    return results


def run_phase(args, server, clients: Clients, result: Result, base: int, rate: float) -> int:
    opened = clients.ask_all(("phase", base))
    open_count = sum(o["open"] for o in opened)
    before = cpu_snapshot()
    plan = {"rate": rate, "duration": args.duration, "question_every": args.question_every,
            "drain": args.drain}
    clients.poster.send(("post", plan))
    sent = receive(clients.poster, args.duration + args.drain + 120)
    refused = sum(v for k, v in sent["errors"].items() if k != "send failed")
    expected_pairs = (result_sent(sent) - refused) * open_count
    deadline = sent["last_send"] + args.drain
    clients.ask_all(("deadline", deadline))
    while time.time() < deadline:
        if sum(c["received"] for c in clients.ask_all(("count",))) >= expected_pairs:
            break
        time.sleep(0.25)
    after = cpu_snapshot()
    # Late deliveries: keep listening until nothing more arrives for 3 s (at most --settle s),
    # so that "lost" tells late from never, and the next rate starts on a quiet server.
    settle_end, last, quiet_since = time.time() + args.settle, -1, time.time()
    while time.time() < settle_end:
        received = sum(c["received"] for c in clients.ask_all(("count",)))
        if received >= expected_pairs:
            break
        if received != last:
            last, quiet_since = received, time.time()
        elif time.time() - quiet_since > 3:
            break
        time.sleep(0.5)
    ended = clients.ask_all(("end",))
    # Per update: how many attendees got it.
    per_update: list[int] = []
    for part in ended:
        counts = part["counts"]
        if len(counts) > len(per_update):
            per_update.extend([0] * (len(counts) - len(per_update)))
        for i, c in enumerate(counts):
            per_update[i] += c
    seen = sum(1 for c in per_update if c)
    latencies = array("d")
    for part in ended:
        latencies.frombytes(part["latencies"])
    ordered = sorted(latencies)
    last_receipt = max(p["last_receipt"] for p in ended)
    received = sum(p["received"] for p in ended)
    updates = max(result_sent(sent) - refused, seen)
    result.sent = sum(sent["sent"].values())
    result.acked = sum(sent["acked"].values())
    result.errors = sent["errors"] | ({"unanswered": sent["unanswered"]}
                                      if sent["unanswered"] else {})
    if sent["errors"]:
        result.errors["examples"] = sent["error_messages"]
    result.updates_seen = seen
    result.expected = updates * open_count
    result.received = received
    result.late = sum(p["late"] for p in ended)
    result.lost = result.expected - received + result.late
    result.never = result.expected - received
    result.duplicates = sum(p["duplicates"] for p in ended)
    result.p50_ms = percentile(ordered, 0.5) * 1000
    result.p99_ms = percentile(ordered, 0.99) * 1000
    result.max_ms = (ordered[-1] * 1000) if ordered else math.nan
    result.latency_samples = len(ordered)
    result.window_s = max(1e-9, (last_receipt or time.time()) - sent["first_send"])
    result.delivered_per_s = received / result.window_s
    if result.late:  # the rate of what arrived by the deadline, over the window to it
        result.window_s = deadline - sent["first_send"]
        result.delivered_per_s = (received - result.late) / result.window_s
    result.send_lag_max_ms = sent["max_lag"] * 1000
    acks = sorted(sent["ack_latencies"])
    result.ack_p50_ms = percentile(acks, 0.5) * 1000
    result.ack_p99_ms = percentile(acks, 0.99) * 1000
    result.open_after = sum(p["open"] for p in ended)
    result.cpu = cpu_delta(before, after, server.process.pid, clients.pids)
    seconds = after["wall"] - before["wall"]
    on_time = received - result.late
    result.server_us_per_delivery = (result.cpu["server"] * seconds / on_time * 1e6
                                     if on_time else math.nan)
    result.client_errors = [e for p in ended for e in p["errors"]][:3]
    result.stale = sum(p["stale"] for p in ended)
    result.resumes = sum(p["resumes"] for p in ended)
    # The next phase starts after the last update seen (the count lists are padded).
    last_seen = max((i + 1 for i, c in enumerate(per_update) if c), default=0)
    return base + max(last_seen, updates)


def result_sent(sent: dict) -> int:
    return sum(sent["sent"].values())


def print_result(r: Result) -> None:
    cpu = r.cpu
    print(f"  rate {r.rate:g}/s: sent {r.sent}, acked {r.acked}, updates seen {r.updates_seen}; "
          f"received {r.received:,}/{r.expected:,} (lost {r.lost:,}: {r.late:,} late, "
          f"{r.never:,} never; dup {r.duplicates}, earlier {r.stale}; resumes {r.resumes:,}); "
          f"latency p50 {r.p50_ms:.1f} p99 {r.p99_ms:.1f} max {r.max_ms:.1f} ms; "
          f"{r.delivered_per_s:,.0f} deliveries/s; ack p50 {r.ack_p50_ms:.1f} ms; "
          f"open after {r.open_after}/{r.connected}", flush=True)
    print(f"  CPU (cores): server {cpu['server']:.2f}, clients {cpu['clients']:.2f}, "
          f"redis {cpu['redis']:.2f}, postgres {cpu['postgres']:.2f}, machine {cpu['busy']:.2f} "
          f"(of which other processes {cpu['other']:.2f}); server CPU per delivery "
          f"{r.server_us_per_delivery:.1f} µs"
          + (f"; errors {r.errors}" if r.errors else "")
          + (f"; client errors {r.client_errors}" if r.client_errors else ""), flush=True)


# --- Report -----------------------------------------------------------------------------------


def verdicts(results: list[Result]) -> list[dict]:
    floors = {(r.attendees, r.rate): r for r in results if r.server == "floor"}
    rows = []
    for r in results:
        floor = floors.get((r.attendees, r.rate))
        ratio = r.delivered_per_s / floor.delivered_per_s if floor and floor.delivered_per_s \
            else math.nan
        checks = {"connected": r.connected == r.attendees, "p99": r.p99_ms <= TARGET_P99_MS,
                  "lost": r.lost == 0 and r.errors == {}}
        if r.server != "floor":
            checks["ratio"] = ratio >= TARGET_RATIO
        rows.append({"result": r, "ratio": ratio,
                     "verdict": "PASS" if all(checks.values()) else "FAIL",
                     "failed": [k for k, ok in checks.items() if not ok]})
    return rows


def fmt(value: float, digits: int = 0) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:,.{digits}f}"


def table(rows: list[dict]) -> str:
    lines = ["| Server | Attendees | Rate /s | Connected (s) | p50 ms | p99 ms | max ms "
             "| Lost (never) | Resumes | Deliveries/s | × floor | Server CPU µs / delivery "
             "| CPU server | CPU clients | CPU Redis+PG | CPU others | Verdict |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|"]
    for row in rows:
        r = row["result"]
        cpu = r.cpu
        verdict = row["verdict"] + (f" ({', '.join(row['failed'])})" if row["failed"] else "")
        lines.append(
            f"| {r.server} | {r.attendees:,} | {r.rate:g} | {r.connected:,} "
            f"({r.connect_seconds:.0f}) | {fmt(r.p50_ms)} | {fmt(r.p99_ms)} | {fmt(r.max_ms)} "
            f"| {r.lost:,} ({r.never:,}) | {r.resumes:,} | {fmt(r.delivered_per_s)} "
            f"| {fmt(row['ratio'], 2) if r.server != 'floor' else 'floor'} "
            f"| {fmt(r.server_us_per_delivery)} | {cpu['server']:.2f} | {cpu['clients']:.2f} "
            f"| {cpu['redis'] + cpu['postgres']:.2f} | {cpu['other']:.2f} | {verdict} |")
    return "\n".join(lines)


def section(args, servers, rows: list[dict]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = (f"bench/live_load.py --attendees {' '.join(map(str, args.attendees))} "
               f"--rate {' '.join(f'{r:g}' for r in args.rate)} --duration {args.duration:g} "
               f"--workers {args.workers}" + (" --no-compression" if args.no_compression else "")
               + (f" --server-src {args.server_src}" if args.server_src else "")
               + (f" --gap-wait {args.gap_wait:g}" if args.gap_wait != 1.5 else ""))
    posters = sorted({row["result"].posters for row in rows})
    return "\n".join([
        f"## {args.title}", "",
        f"Measured {when} with `{command}`: for each server and N, N attendee websockets "
        "opened gradually over several client processes on the same machine, then posters "
        f"({', '.join(map(str, posters))} sockets) sent questions and votes (every "
        f"{args.question_every}th update a question) at the steady rate for "
        f"{args.duration:g} s; "
        "latency is from the poster's clock in each question to its receipt by each attendee "
        f"(p50/p99/max over all question × attendee pairs); lost counts (update, attendee) "
        f"pairs that had not arrived {args.drain:g} s after the last send. Deliveries/s is the "
        "received pairs over the time from the first send to the last receipt. CPU is in "
        "cores (CPU seconds per second of the phase) from /proc; the clients share the "
        f"machine's {os.cpu_count()} cores with the servers.", "",
        *[f"- {s.name}: {s.describe()}" for s in servers],
        "- Clients: attendees on a minimal websocket reader (`bench/live_clients.py`) on uvloop, "
        + ("no compression" if args.no_compression else "offering permessage-deflate like "
           "browsers") + f", gaps handled as live.js does (resume after {args.gap_wait:g} s); "
        "posters on the `websockets` client",
        "- CPU Redis+PG counts every Redis and PostgreSQL process on the machine; CPU others "
        "is the rest of the machine (other work running at the same time)",
        f"- Code: commit {code_version()}",
        f"- Machine: {machine()}",
        f"- Targets: every attendee connected, p99 ≤ {TARGET_P99_MS} ms, 0 lost, deliveries/s "
        f"≥ {TARGET_RATIO:g}× the floor's at the same N and rate", "",
        table(rows), "",
    ])


def main() -> None:
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    args = parse_args()
    live_clients.raise_open_files(NOFILE)
    servers = [FloorServer(args) if name == "floor" else CultivateServer(args)
               for name in args.servers]
    results: list[Result] = []
    for server in servers:
        with tempfile.TemporaryFile() as log:
            print(f"Starting {server.name} ({args.workers} workers)…", flush=True)
            try:
                server.start(log)
                for n in args.attendees:
                    results.extend(run_server(args, server, n, log))
            except Exception:
                log.seek(0)
                print("--- server log (tail) ---\n"
                      + log.read().decode(errors="replace")[-4000:])
                raise
            finally:
                if getattr(server, "process", None) is not None:
                    server.stop()
            log.seek(0)
            tail = log.read().decode(errors="replace").strip()
            if tail:
                print(f"--- {server.name} log (tail) ---\n{tail[-2000:]}")
    order = {name: i for i, name in enumerate(["floor", "cultivate"])}
    results.sort(key=lambda r: (r.attendees, r.rate, order[r.server]))
    rows = verdicts(results)
    print()
    print(table(rows))
    for row in rows:
        r = row["result"]
        print(f"{row['verdict']}: {r.server} N={r.attendees} rate={r.rate:g}"
              + (f" ({', '.join(row['failed'])})" if row["failed"] else ""))
    if args.json:
        Path(args.json).write_text(json.dumps([row["result"].__dict__ | {
            "ratio": row["ratio"], "verdict": row["verdict"]} for row in rows], indent=1,
            default=str))
    if args.write:
        write_section(Path(args.write), args.section, section(args, servers, rows))
        print(f"Wrote section {args.section!r} of {args.write}")


if __name__ == "__main__":
    main()
