"""Value creation on the benchmark landscape (issue 13): the matrix, the indicators and the
sponsor report against the signed-in floor, the PDF, the hourly job, and ten requests in flight
while a writer posts replies.

    .venv/bin/python bench/value.py [--database-url URL] [--data-dir DIR] [--requests 100]
        [--skip-recompute] [--write docs/benchmarks.md] [--section value]

1. The hourly job (`insights.jobs.recompute()`, every community) timed whole and per step, in
   this process: computed indicators read what it stores (insights' weekly figures) and the
   applied records, so they need no step of their own. Target: <= 60 s. A first run fills an
   empty store when needed; the rerun is the hourly case.
2. On one uvicorn worker on loopback (bench/pages.py's machinery), warm caches, round-robin:
   a convener of `bench-large` reads the floor, the matrix, the indicators and the report; a
   sponsor of it reads the floor and the report. Target: each page's median and p95 server
   time <= 3x its floor's (same session).
3. The report's PDF, downloaded five times by the sponsor. Target: <= 5 s each.
4. Ten requests in flight (floor, matrix, report, as the convener) while a writer in this
   process posts a reply about once a second into random communities: requests per second,
   p50 and p99 client time, each as a ratio to the floor under the same load.

Run bench/generate_landscape.py, generate_posts.py, generate_activity.py and
generate_value.py first. Exits 0 whatever the verdicts: this is a measurement, not a test.
"""

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import insights as insights_bench  # noqa: E402 - bench/insights.py: the job and sessions
import pages  # noqa: E402 - bench/pages.py: server, timing and Markdown helpers

SLUG = "bench-large"
PAGES = (  # (name, path, who)
    ("floor (convener)", "/bench/floor", "convener"),
    ("value-creation matrix", f"/c/{SLUG}/value/", "convener"),
    ("indicators", f"/c/{SLUG}/value/indicators/", "convener"),
    ("sponsor report (convener)", f"/c/{SLUG}/value/report/", "convener"),
    ("floor (sponsor)", "/bench/floor", "sponsor"),
    ("sponsor report (sponsor)", f"/c/{SLUG}/value/report/", "sponsor"),
)
LOADED = (("floor", "/bench/floor"), ("matrix", f"/c/{SLUG}/value/"),
          ("report", f"/c/{SLUG}/value/report/"))
PDF_PATH = f"/c/{SLUG}/value/report.pdf"
RATIO_TARGET, PDF_TARGET_S, JOB_TARGET_S = 3.0, 5.0, 60.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in the data dir")
    parser.add_argument("--data-dir", help="CULTIVATE_DATA_DIR")
    parser.add_argument("--requests", type=int, default=100, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured requests per page")
    parser.add_argument("--pdfs", type=int, default=5, help="PDF downloads")
    parser.add_argument("--in-flight", type=int, default=10)
    parser.add_argument("--loaded-seconds", type=float, default=30.0)
    parser.add_argument("--skip-recompute", action="store_true")
    parser.add_argument("--write", metavar="PATH", help="update this Markdown file's section")
    parser.add_argument("--section", default="value")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z0-9-]+", args.section):
        parser.error("--section: lowercase letters, digits and dashes")
    return args


# --- In process --------------------------------------------------------------------------

def value_counts() -> dict:
    from cultivate.evaluation.models import AppliedRecord, FollowUp, IndicatorValue, ValueStory

    return {"applied": AppliedRecord.objects.count(), "follow_ups": FollowUp.objects.count(),
            "stories": ValueStory.objects.count(), "values": IndicatorValue.objects.count()}


def sponsor_session(large) -> str:
    """A sponsor of bench-large (a member made sponsor once)."""
    from cultivate.communities.models import Membership

    sponsor = large.memberships.filter(role="sponsor").select_related("user").first()
    if sponsor is None:
        sponsor = large.memberships.filter(role="member").order_by("pk").first()
        Membership.objects.filter(pk=sponsor.pk).update(role="sponsor")
    return insights_bench.session_for(sponsor.user)


def job(args) -> dict[str, dict]:
    from cultivate.insights.models import WeeklyFigures

    if args.skip_recompute:
        return {}
    runs = {}
    if not WeeklyFigures.objects.exists():
        print("The job's tables are empty: a first run…", flush=True)
        runs["first run"] = insights_bench.recompute(None)
    print("The hourly rerun…", flush=True)
    runs["rerun"] = insights_bench.recompute(None)
    return runs


class Writer(threading.Thread):
    """Posts a reply about once a second into a random topic of a random community."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.written = 0

    def run(self) -> None:
        from django.db import connection

        from cultivate.communities.models import Membership
        from cultivate.conversations.actions import do_reply
        from cultivate.conversations.models import Topic

        rng = random.Random(5)
        topics = list(Topic.objects.order_by("?").values_list("pk", flat=True)[:200])
        try:
            while not self.stop.is_set() and topics:
                topic = Topic.objects.select_related("community").get(pk=rng.choice(topics))
                member = (Membership.objects.filter(community=topic.community)
                          .select_related("user").order_by("?").first())
                if member:
                    do_reply(actor=member.user, topic=topic, body="A reply from the bench.")
                    self.written += 1
                self.stop.wait(1.0)
        finally:
            connection.close()


# --- Over HTTP -----------------------------------------------------------------------------

def serve(env: dict):
    port = pages.free_port()
    log = tempfile.TemporaryFile()
    server = pages.start_server(env, port, log)
    return server, log, f"http://{pages.HOST}:{port}"


def measure_pages(args, clients, pages_=PAGES) -> dict[str, list[float]]:
    samples = {name: [] for name, _path, _who in pages_}
    for round_ in range(args.warmup + args.requests):
        for name, path, who in pages_:
            server_ms, _client_ms = pages.timed_get(clients, path, who)
            if round_ >= args.warmup:
                samples[name].append(server_ms)
    return samples


def measure_pdf(args, client) -> list[float]:
    seconds = []
    for _ in range(args.pdfs):
        started = time.perf_counter()
        response = client.get(PDF_PATH)
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise RuntimeError(f"GET {PDF_PATH} answered {response.status_code}")
        seconds.append(time.perf_counter() - started)
    return seconds


def measure_loaded(args, client) -> tuple[dict[str, list[float]], int, float]:
    """`in_flight` threads, each requesting the pages in turn, for `loaded_seconds`, while the
    writer writes. Returns client ms per page, replies written and the seconds measured."""
    samples = {name: [] for name, _path in LOADED}
    lock = threading.Lock()
    deadline = time.monotonic() + args.loaded_seconds

    def worker(offset: int) -> None:
        turn = offset
        while time.monotonic() < deadline:
            name, path = LOADED[turn % len(LOADED)]
            turn += 1
            started = time.perf_counter()
            response = client.get(path)
            took = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
            with lock:
                samples[name].append(took)

    writer = Writer()
    writer.start()
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=args.in_flight) as pool:
            for future in [pool.submit(worker, i) for i in range(args.in_flight)]:
                future.result()
    finally:
        writer.stop.set()
        writer.join(timeout=10)
    return samples, writer.written, time.monotonic() - started


# --- Results -------------------------------------------------------------------------------

def page_rows(samples, pages_=PAGES, targeted=lambda path: True) -> list[dict]:
    """Each page against its reader's floor; `targeted(path)` False: measured, no target."""
    floors = {who: (statistics.median(samples[name]), insights_bench.percentile(samples[name],
                                                                                0.95))
              for name, path, who in pages_ if path == "/bench/floor"}
    rows = []
    for name, path, who in pages_:
        median, p95 = statistics.median(samples[name]), insights_bench.percentile(samples[name],
                                                                                 0.95)
        floor_median, floor_p95 = floors[who]
        ratio, ratio95 = median / floor_median, p95 / floor_p95
        verdict = "floor" if path == "/bench/floor" else "no target" if not targeted(path) \
            else ("PASS" if max(ratio, ratio95) <= RATIO_TARGET else "FAIL")
        rows.append({"page": name, "path": path, "median": median, "p95": p95,
                     "ratio": ratio, "ratio95": ratio95, "verdict": verdict})
    return rows


def page_table(rows) -> str:
    lines = ["| Page | Path | Server median ms | Server p95 ms | median × floor | p95 × floor "
             f"| ≤ {RATIO_TARGET:g}× floor |", "|---|---|--:|--:|--:|--:|:-:|"]
    lines += [f"| {r['page']} | `{r['path']}` | {r['median']:.2f} | {r['p95']:.2f} "
              f"| {r['ratio']:.2f} | {r['ratio95']:.2f} | {r['verdict']} |" for r in rows]
    return "\n".join(lines)


def pdf_table(seconds: list[float]) -> str:
    worst = max(seconds)
    verdict = "PASS" if worst <= PDF_TARGET_S else "FAIL"
    return (f"| Downloads | Median s | Slowest s | ≤ {PDF_TARGET_S:g} s |\n|--:|--:|--:|:-:|\n"
            f"| {len(seconds)} | {statistics.median(seconds):.2f} | {worst:.2f} | {verdict} |")


def loaded_table(samples, written: int, seconds: float) -> str:
    """Each thread requests the pages in turn, so they are served at the same rate: the
    table gives the rate of the whole mix, and each page's times against the floor's."""
    total = sum(len(values) for values in samples.values()) / seconds
    floor_p50 = statistics.median(samples["floor"])
    lines = ["| Page | p50 ms | p99 ms | p50 × floor |", "|---|--:|--:|--:|"]
    for name, path in LOADED:
        p50, p99 = statistics.median(samples[name]), pages.p99(samples[name])
        lines.append(f"| {name} (`{path}`) | {p50:.0f} | {p99:.0f} | {p50 / floor_p50:.2f} |")
    lines.append("")
    lines.append(f"{total:.1f} requests per second in all (the three pages in turn); the "
                 f"writer posted {written} replies in {seconds:.0f} s "
                 f"({written / seconds:.1f} per second).")
    return "\n".join(lines)


def section(args, facts, counts, runs, rows, pdf, loaded) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = f"bench/value.py --requests {args.requests}" + (
        " --skip-recompute" if args.skip_recompute else "")
    return "\n".join([
        "## Value creation (issue 13)", "",
        f"Measured {when} with `{command}`: the job in the benchmark's own process; pages as "
        "GETs against one uvicorn worker on loopback with warm caches, interleaved "
        "round-robin after a warm-up, server time from `Server-Timing: app;dur`.", "",
        f"- Database: {facts['engine']}",
        f"- Landscape: {facts['communities']:,} communities, {facts['users']:,} users, "
        f"{facts['memberships']:,} memberships, {facts['activity']:,} activity rows; "
        f"`{SLUG}` has {facts['large_members']:,} members",
        f"- Value rows: {counts['applied']:,} applied records, {counts['follow_ups']:,} "
        f"follow-ups, {counts['stories']:,} stories, {counts['values']:,} indicator figures",
        f"- Code: commit {pages.code_version()}",
        f"- Machine: {pages.machine()}, load average {facts['load']:.1f} before the job",
        "", "### The hourly job", "",
        "Computed indicators are read from what the job stores (insights' weekly figures) and "
        "from the applied records and follow-ups at page time: the job has no step of its own "
        "for them. Target ≤ 60 s.", "", insights_bench.job_table(runs), "",
        "### Pages against the signed-in floor", "",
        f"Target (matrix and report): median and p95 ≤ {RATIO_TARGET:g}× the floor's, same "
        "session. The indicators page is measured too, though the issue sets it no target.", "",
        page_table(rows), "", "### The sponsor report as PDF", "", pdf_table(pdf), "",
        f"### {args.in_flight} requests in flight while a writer posts replies", "",
        loaded_table(*loaded), "",
    ])


def main() -> None:
    args = parse_args()
    env = pages.server_env(argparse.Namespace(database_url=args.database_url,
                                              data_dir=args.data_dir))
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    facts = insights_bench.describe(connection) | {"load": os.getloadavg()[0]}
    counts = value_counts()
    print(f"{facts['engine']}: {facts['communities']:,} communities, {facts['users']:,} users; "
          f"{counts}", flush=True)
    runs = job(args)
    if runs:
        print(insights_bench.job_table(runs), flush=True)
    cookies = insights_bench.sessions(facts["large"])
    cookies["sponsor"] = sponsor_session(facts["large"])
    connection.close()
    server, log, base = serve(env)
    limits = httpx.Limits(max_connections=args.in_flight, max_keepalive_connections=args.in_flight)
    clients = {who: httpx.Client(base_url=base, timeout=120, limits=limits,
                                 cookies={"sessionid": value}) for who, value in cookies.items()}
    try:
        pages.wait_healthy(clients["convener"], server)
        rows = page_rows(measure_pages(args, clients))
        print(page_table(rows), flush=True)
        pdf = measure_pdf(args, clients["sponsor"])
        print(pdf_table(pdf), flush=True)
        loaded = measure_loaded(args, clients["convener"])
        print(loaded_table(*loaded), flush=True)
    except Exception:
        log.seek(0)
        print("--- server log (tail) ---\n" + log.read().decode(errors="replace")[-4000:])
        raise
    finally:
        for client in clients.values():
            client.close()
        pages.stop_server(server)
        log.close()
    if args.write:
        pages.write_section(Path(args.write), args.section,
                            section(args, facts, counts, runs, rows, pdf, loaded))
        print(f"Wrote section `{args.section}` of {args.write}")


if __name__ == "__main__":
    main()
