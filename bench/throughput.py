"""Throughput with many requests in flight and a writer running, as a real deployment is loaded.

    .venv/bin/python bench/throughput.py --database-url URL --data-dir DIR [--redis-url URL]
        [--workers 4] [--threads 8] [--clients 10 50] [--writes 0 1 10] [--duration 6]
        [--write docs/benchmarks.md] [--section throughput] [--title "..."]

Starts the production serving set-up (`cultivate run --no-demo --workers N`, PostgreSQL and
Redis) on a loopback port, then, for each number of clients in flight and each writer rate,
keeps that many keep-alive connections busy on one page at a time for `--duration` seconds:
anonymous visitors, signed-in members (one session each) and API callers (one token each).
A writer posts replies through the API into random communities at the given rate meanwhile
(never into the quiet community, whose page shows what scoped invalidation keeps warm). Every
page is reported as requests/s, p50 and p99, and as a ratio to `/bench/floor` requested the
same way in the same cell; each cell records the load average and the CPU the server, this
load generator, PostgreSQL and Redis used. Exits 0 even when a target is missed.
"""

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(BENCH))

from live_load import cpu_delta, cpu_snapshot, python, wait_healthy  # noqa: E402
from pages import (  # noqa: E402
    code_version,
    database_version,
    free_port,
    machine,
    session_of,
    stop_server,
    write_section,  # noqa: E402
)

HOST = "127.0.0.1"  # load only ever targets loopback
QUIET_SLUG = "bench-quiet"
WRITER_NAME = "bench-writer"
# (audience, page, path); {topic} is the 100-reply question, {quiet} the quiet community.
PAGES = (
    ("anonymous", "floor", "/bench/floor"),
    ("anonymous", "community home", "/c/bench-large/"),
    ("anonymous", "topic, 100 replies", "/c/bench-large/t/{topic}/"),
    ("anonymous", "question list", "/c/bench-large/topics/?kind=question"),
    ("anonymous", "quiet community home", "/c/{quiet}/"),
    ("member", "floor", "/bench/floor"),
    ("member", "community home", "/c/bench-large/"),
    ("member", "topic, 100 replies", "/c/bench-large/t/{topic}/"),
    ("member", "question list", "/c/bench-large/topics/?kind=question"),
    ("member", "notifications", "/me/notifications/"),
    ("token", "floor", "/api/v1/bench/floor"),
    ("token", "API topic list", "/api/v1/communities/bench-large/topics"),
    ("token", "API notifications", "/api/v1/me/notifications"),
)
# (audience, page, clients, writes/s, minimum ratio to the floor): the targets.
TARGETS = (
    [(a, p, 10, 0, 0.3) for a, p in (("member", "topic, 100 replies"),
                                     ("member", "question list"),
                                     ("token", "API topic list"),
                                     ("token", "API notifications"))]
    + [("anonymous", "community home", 10, 10, 0.5)]
    + [("member", p, 10, 10, 0.25) for p in ("community home", "topic, 100 replies",
                                            "question list", "notifications")]
)
P99_OVER_P50 = 10.0  # with 10 in flight and no writer


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in the data dir (a try-out)")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11",
                        help='"" for the in-process cache (one worker)')
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8, help="WEB_THREADS per worker")
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--writes", type=float, nargs="+", default=[0, 1, 10],
                        help="background writes per second")
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per page")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds per page")
    parser.add_argument("--per-connection", type=int, default=25,
                        help="requests before a client opens a new connection (0: never)")
    parser.add_argument("--only", nargs="*", help="pages to run (audience:page), floors always")
    parser.add_argument("--server-src", help="serve this copy of src/ (to measure a change)")
    parser.add_argument("--write", metavar="PATH")
    parser.add_argument("--section", default="throughput")
    parser.add_argument("--title", default="Throughput: requests in flight and a writer")
    args = parser.parse_args()
    for url in (args.database_url, args.redis_url):
        if url and url.startswith(("postgres", "redis")) and "127.0.0.1" not in url \
                and "localhost" not in url:
            parser.error("load only ever targets 127.0.0.1")
    if not all(1 <= n <= 200 for n in args.clients) or not 1 <= args.workers <= 16:
        parser.error("--clients 1..200, --workers 1..16")
    return args


def server_env(args) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DEBUG", "DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    env.update({name: value for name, value in (("DATABASE_URL", args.database_url),
                                                ("REDIS_URL", args.redis_url)) if value})
    env.update({
        "CULTIVATE_DATA_DIR": str(Path(args.data_dir).resolve()),
        "ALLOWED_HOSTS": HOST, "DJANGO_SETTINGS_MODULE": "cultivate.settings",
        "WEB_THREADS": str(args.threads),
        "CULTIVATE_DIGEST_CLOCK_MINUTES": "0",  # no hourly recomputation inside the run
        "CULTIVATE_WRITE_RATE": "1000000/m",  # the writer must not be rate limited
    })
    if args.server_src:
        env["PYTHONPATH"] = str(Path(args.server_src).resolve())
    return env


# --- Who asks: sessions, tokens, the writer and its topics, from the landscape --------------


@dataclass
class Cast:
    sessions: list[str]
    tokens: list[str]
    writer_token: str
    writer_topics: list[tuple[str, int]]
    topic: int
    facts: dict


def prepare(args, env: dict[str, str], clients: int) -> Cast:
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from cultivate.communities.models import Community, Membership
    from cultivate.conversations.models import Post, Topic

    large = Community.objects.filter(slug="bench-large").first()
    topic = Topic.objects.filter(title="Benchmark question").values_list("pk", flat=True).first()
    if large is None or topic is None:
        sys.exit("Run bench/generate_landscape.py and bench/generate_posts.py first.")
    members = [m.user for m in Membership.objects.filter(community=large, role="member")
               .select_related("user").order_by("pk")[:clients]]
    writer, writer_topics = _writer(Community, Membership, Topic)
    cast = Cast(sessions=[session_of(u) for u in members], tokens=[_token(u) for u in members],
                writer_token=_token(writer), writer_topics=writer_topics, topic=topic,
                facts={"engine": database_version(connection),
                       "communities": Community.objects.count(),
                       "members": Membership.objects.count(),
                       "posts": Post.objects.count(), "large": large.member_count})
    connection.close()
    return cast


def _writer(Community, Membership, Topic):
    """A member of every community but the quiet one, and one topic of each to reply to."""
    from cultivate.people.models import User

    quiet = Community.objects.filter(visibility="public").exclude(slug="bench-large") \
        .order_by("pk").first()
    if quiet.slug != QUIET_SLUG:
        Community.objects.filter(pk=quiet.pk).update(slug=QUIET_SLUG)
    writer, _ = User.objects.get_or_create(username=WRITER_NAME,
                                           defaults={"email": "writer@bench.invalid"})
    topics = []
    for community in Community.objects.exclude(slug=QUIET_SLUG).order_by("pk"):
        Membership.objects.get_or_create(community=community, user=writer,
                                         defaults={"role": "member"})
        found = (Topic.objects.filter(community=community, is_locked=False, is_closed=False)
                 .exclude(title="Benchmark question").order_by("-pk").values_list("pk", flat=True)
                 .first())
        if found is not None:
            topics.append((community.slug, found))
    return writer, topics


def _token(user) -> str:
    from cultivate.people.actions import do_create_access_token

    return do_create_access_token(actor=user, name="throughput bench")[1]


# --- A small HTTP/1.1 keep-alive client (cheap per request: the server is what we measure) ---


def request_bytes(path: str, headers: dict[str, str], method: str = "GET",
                  body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bool]:
    """(status, keep-alive, built rather than served from the anonymous page cache) after
    reading the whole body."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    fields = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        fields[name.strip().lower()] = value.strip().lower()
    if b"content-length" in fields:
        await reader.readexactly(int(fields[b"content-length"]))
    elif fields.get(b"transfer-encoding") == b"chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status, fields.get(b"connection") != b"close", fields.get(b"x-cache") == b"miss"


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    misses: int = 0


async def client_loop(port: int, request: bytes, measure_from: float, stop_at: float,
                      tally: Tally, per_connection: int = 0) -> None:
    """Requests one after another on a keep-alive connection, opened again after
    `per_connection` requests: the kernel hands each connection to one worker, and ten
    connections that stayed for a whole cell could sit on two workers of four."""
    reader = writer = None
    sent = 0
    while time.monotonic() < stop_at:
        if writer is not None and per_connection and sent >= per_connection:
            writer.close()
            writer = None
        if writer is None:
            reader, writer = await asyncio.open_connection(HOST, port)
            sent = 0
        sent += 1
        started = time.monotonic()
        try:
            writer.write(request)
            status, keep, missed = await read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            tally.failures += 1
            writer.close()
            writer = None
            continue
        if started >= measure_from:
            tally.latencies.append(time.monotonic() - started)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
            tally.misses += missed
        if not keep:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


@dataclass
class WriterStats:
    sent: int = 0
    ok: int = 0
    latencies: list[float] = field(default_factory=list)


async def background_writer(port: int, cast: Cast, rate: float, stop: asyncio.Event,
                            stats: WriterStats) -> None:
    """Replies through the API at `rate` per second, on a fixed schedule (open loop)."""
    if rate <= 0:
        return
    rng, pending = random.Random(11), set()
    headers = {"Authorization": f"Bearer {cast.writer_token}",
               "Content-Type": "application/json"}

    async def one(slug: str, topic: int) -> None:
        body = json.dumps({"body": f"A reply written at {time.time():.3f} by the bench."}).encode()
        started = time.monotonic()
        try:
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(request_bytes(f"/api/v1/communities/{slug}/topics/{topic}/replies",
                                       {**headers, "Connection": "close"}, "POST", body))
            status, _keep, _missed = await read_response(reader)
            writer.close()
        except (OSError, asyncio.IncompleteReadError, ValueError):
            return
        if status == 201:
            stats.ok += 1
            stats.latencies.append(time.monotonic() - started)

    next_at = time.monotonic()
    while not stop.is_set():
        slug, topic = rng.choice(cast.writer_topics)
        task = asyncio.create_task(one(slug, topic))
        pending.add(task)
        task.add_done_callback(pending.discard)
        stats.sent += 1
        next_at += 1 / rate
        try:
            await asyncio.wait_for(stop.wait(), max(0.0, next_at - time.monotonic()))
        except TimeoutError:
            pass
    if pending:
        await asyncio.wait(pending, timeout=30)


# --- One cell: a page, a number of clients, a writer rate ------------------------------------


def headers_for(audience: str, cast: Cast, index: int) -> dict[str, str]:
    if audience == "member":
        return {"Cookie": f"sessionid={cast.sessions[index % len(cast.sessions)]}"}
    if audience == "token":
        return {"Authorization": f"Bearer {cast.tokens[index % len(cast.tokens)]}"}
    return {}


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run_page(args, port: int, cast: Cast, audience: str, path: str, clients: int) -> dict:
    tally = Tally()
    begin = time.monotonic()
    measure_from, stop_at = begin + args.warmup, begin + args.warmup + args.duration
    requests = [request_bytes(path, headers_for(audience, cast, i)) for i in range(clients)]
    before = cpu_snapshot()
    await asyncio.gather(*(client_loop(port, requests[i], measure_from, stop_at, tally,
                                       args.per_connection) for i in range(clients)))
    cpu = cpu_delta(before, cpu_snapshot(), SERVER_PID[0], [os.getpid()])
    ordered = sorted(tally.latencies)
    ok = sum(n for status, n in tally.statuses.items() if status == 200)
    return {"rps": ok / args.duration, "p50": percentile(ordered, 0.5) * 1000,
            "p99": percentile(ordered, 0.99) * 1000, "errors": len(ordered) - ok + tally.failures,
            "statuses": dict(tally.statuses), "misses": tally.misses, "cpu": cpu,
            "load": os.getloadavg()[0]}


SERVER_PID = [0]


async def run_rate(args, port: int, cast: Cast, clients: int, rate: float,
                   pages: list[tuple[str, str, str]]) -> list[dict]:
    stop, stats = asyncio.Event(), WriterStats()
    writer = asyncio.create_task(background_writer(port, cast, rate, stop, stats))
    started, rows = time.monotonic(), []
    floors: dict[str, dict] = {}
    for audience, page, path in pages:
        path = path.format(topic=cast.topic, quiet=QUIET_SLUG)
        result = await run_page(args, port, cast, audience, path, clients)
        if page == "floor":
            floors[audience] = result
        floor = floors[audience]
        row = {"audience": audience, "page": page, "path": path, "clients": clients,
               "writes": rate, **result, "ratio": result["rps"] / floor["rps"]}
        rows.append(row)
        print(f"  {clients:>3} in flight, {rate:g} w/s, {audience:9} {page:22} "
              f"{row['rps']:7.0f}/s p50 {row['p50']:6.1f} p99 {row['p99']:7.1f} ms "
              f"x{row['ratio']:.2f} errors {row['errors']} built {row['misses']} "
              f"load {row['load']:.1f} "
              f"server {row['cpu']['server']:.2f} cores", flush=True)
    stop.set()
    await writer
    elapsed = time.monotonic() - started
    for row in rows:
        row["writes_done"] = stats.ok / elapsed if rate else 0.0
        row["write_p50"] = percentile(sorted(stats.latencies), 0.5) * 1000
    return rows


def start(args, env: dict[str, str], port: int, log) -> tuple[subprocess.Popen, float]:
    command = [python(), "-m", "cultivate.cli", "run", "--no-demo", "--host", HOST,
               "--port", str(port), "--workers", str(args.workers)]
    started = time.monotonic()
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    wait_healthy(port, server, timeout=300)
    return server, time.monotonic() - started


def stop(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    stop_server(server)


def rss_of_tree(pid: int) -> float:
    """Resident megabytes of the server and its workers."""
    from live_load import processes

    table, tree, frontier = processes(), set(), {pid}
    while frontier:
        tree |= frontier
        frontier = {p for p, (ppid, _n, _c) in table.items() if ppid in frontier} - tree
    total = 0
    for p in tree:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


async def first_requests(port: int, cast: Cast, n: int) -> float:
    """The slowest of n member topic pages asked at once right after start, in ms."""
    path = f"/c/bench-large/t/{cast.topic}/"

    async def one(i: int) -> float:
        reader, writer = await asyncio.open_connection(HOST, port)
        started = time.monotonic()
        writer.write(request_bytes(path, headers_for("member", cast, i)))
        await read_response(reader)
        writer.close()
        return time.monotonic() - started

    return max(await asyncio.gather(*(one(i) for i in range(n)))) * 1000


async def warm_up(args, port: int, cast: Cast, pages) -> None:
    """Every page for a while before the first measured cell, so no cell pays for a cold
    worker (the ratios would flatter the pages measured after a cold floor)."""
    for audience, _page, path in pages:
        path = path.format(topic=cast.topic, quiet=QUIET_SLUG)
        requests = [request_bytes(path, headers_for(audience, cast, i)) for i in range(10)]
        stop_at = time.monotonic() + args.warmup * 2
        await asyncio.gather(*(client_loop(port, r, stop_at, stop_at, Tally())
                               for r in requests))


# --- Report -----------------------------------------------------------------------------------


def verdicts(rows: list[dict]) -> list[str]:
    found = {(r["audience"], r["page"], r["clients"], r["writes"]): r for r in rows}
    lines = []
    for audience, page, clients, rate, minimum in TARGETS:
        row = found.get((audience, page, clients, rate))
        if row is None:
            continue
        ok = row["ratio"] >= minimum
        lines.append(f"- {'pass' if ok else 'FAIL'}: {audience} {page}, {clients} in flight, "
                     f"{rate:g} writes/s: {row['ratio']:.2f}x the floor (target >= {minimum}x)")
    for row in rows:
        if row["clients"] == 10 and row["writes"] == 0 and row["page"] != "floor":
            spread = row["p99"] / row["p50"] if row["p50"] else float("inf")
            if spread > P99_OVER_P50:
                lines.append(f"- FAIL: {row['audience']} {row['page']}: p99 {row['p99']:.0f} ms "
                             f"is {spread:.0f}x p50 (target <= {P99_OVER_P50:g}x)")
    for row in rows:  # scoped invalidation: a write elsewhere never rebuilds the quiet home
        if row["page"] == "quiet community home" and row["writes"]:
            rebuilt = row["misses"]
            lines.append(f"- {'pass' if rebuilt == 0 else 'FAIL'}: the quiet community's home "
                         f"was rebuilt {rebuilt} times with {row['writes']:g} writes/s elsewhere "
                         f"({row['clients']} in flight; {row['ratio']:.2f}x the floor)")
    return lines


def table(rows: list[dict]) -> str:
    lines = ["| In flight | Writes/s (done) | Who | Page | Requests/s | × floor | p50 ms "
             "| p99 ms | Errors | Rebuilt | Load | CPU server / bench / PG / Redis |",
             "|--:|--:|---|---|--:|--:|--:|--:|--:|--:|--:|---|"]
    for r in rows:
        cpu = r["cpu"]
        done = f"{r['writes']:g} ({r['writes_done']:.1f})" if r["writes"] else "0"
        lines.append(
            f"| {r['clients']} | {done} | {r['audience']} | {r['page']} | {r['rps']:,.0f} "
            f"| {r['ratio']:.2f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} "
            f"| {r['misses'] if r['audience'] == 'anonymous' else ''} | {r['load']:.1f} "
            f"| {cpu['server']:.2f} / {cpu['clients']:.2f} / "
            f"{cpu['postgres']:.2f} / {cpu['redis']:.2f} |")
    return "\n".join(lines)


def section(args, cast: Cast, rows: list[dict], extra: dict) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    f = cast.facts
    return "\n".join([
        f"## {args.title}", "",
        f"Measured {when} with `bench/throughput.py --workers {args.workers} --threads "
        f"{args.threads} --clients {' '.join(map(str, args.clients))} --writes "
        f"{' '.join(f'{w:g}' for w in args.writes)} --duration {args.duration:g}`: "
        f"`cultivate run --workers {args.workers}` (uvicorn, {args.threads} threads per worker) "
        "on PostgreSQL and Redis, on loopback; the load generator (one asyncio process, "
        f"keep-alive connections, each opened again after {args.per_connection} requests so "
        "that they spread over the workers) runs on the same two cores. Each row is one page "
        "requested by that many clients at once for the duration; the ratio is to `/bench/floor` "
        "requested the same way in the same cell (anonymous, with a session, or with a "
        "token at `/api/v1/bench/floor`). The writer posts replies through the API into "
        "random communities, never into the quiet one. *Rebuilt*: anonymous responses built "
        "rather than served from the page cache during the cell. CPU is in cores, from /proc.",
        "",
        f"- Database: {f['engine']}; landscape: {f['communities']:,} communities, "
        f"{f['members']:,} memberships, {f['posts']:,} posts; `bench-large` has "
        f"{f['large']:,} members",
        f"- Code: commit {code_version()}; machine: {machine()}",
        f"- Server start to first answer: {extra['start']:.1f} s; resident memory of the "
        f"server's processes after the run: {extra['rss']:.0f} MB; the slowest of "
        f"{args.workers * 2} member topic pages asked at once right after start: "
        f"{extra['first']:.0f} ms",
        "", table(rows), "", "Against the targets:", "", *verdicts(rows), "",
    ])


def main() -> None:
    signal.signal(signal.SIGTERM, lambda _s, _f: sys.exit(143))
    args = parse_args()
    env = server_env(args)
    cast = prepare(args, env, max(args.clients))
    pages = [p for p in PAGES if p[1] == "floor" or not args.only
             or f"{p[0]}:{p[1]}" in args.only]
    port = free_port()
    log_path = Path(args.data_dir) / "throughput-server.log"
    with open(log_path, "w") as log:
        server, started_in = start(args, env, port, log)
        SERVER_PID[0] = server.pid
        rows = []
        try:
            first = asyncio.run(first_requests(port, cast, args.workers * 2))
            print(f"first requests after start: slowest {first:.0f} ms", flush=True)
            asyncio.run(warm_up(args, port, cast, pages))
            for clients in args.clients:
                for rate in args.writes:
                    print(f"{clients} clients, writer at {rate:g}/s", flush=True)
                    rows += asyncio.run(run_rate(args, port, cast, clients, rate, pages))
            rss = rss_of_tree(server.pid)
        finally:
            stop(server)
    print(table(rows))
    print("\n".join(verdicts(rows)))
    print(f"start {started_in:.1f} s, resident {rss:.0f} MB")
    if args.write:
        write_section(Path(args.write), args.section, section(
            args, cast, rows, {"start": started_in, "rss": rss, "first": first}))
        print(f"Wrote section `{args.section}` of {args.write}")


if __name__ == "__main__":
    main()
