"""Community health on the benchmark landscape (issue 14): the hourly job with its health step,
the health page against the signed-in floor, and a community calendar feed holding ten weekly
series over two years.

    .venv/bin/python bench/health.py [--database-url URL] [--data-dir DIR] [--requests 100]
        [--skip-recompute] [--write docs/benchmarks.md] [--section health]

1. The hourly job (`insights.jobs.recompute()`, every community), per step, the health step
   (signals of all communities) included. Target: the whole job <= 60 s, and the health step's
   share of it, so a slow machine shows where the time goes.
2. On one uvicorn worker on loopback, warm caches, round-robin: a convener of `bench-large`
   reads the floor, the health page, the plan and the maturity page; a sponsor reads the floor
   and the health page. Target (health page): median and p95 <= 3x the floor's.
3. `bench-large` gets ten weekly series over two years (made once, 1,040 occurrences); its
   calendar feed (`/c/bench-large/events.ics`) is fetched `--requests` times by the convener.
   Target: <= 200 ms each (median and p95 of the client time).

Run bench/generate_landscape.py and generate_activity.py first. Exits 0 whatever the verdicts:
this is a measurement, not a test.
"""

import argparse
import os
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import insights as insights_bench  # noqa: E402 - bench/insights.py: the job and sessions
import pages  # noqa: E402 - bench/pages.py: server, timing and Markdown helpers
import value as value_bench  # noqa: E402 - bench/value.py: serving and page tables

SLUG = "bench-large"
PAGES = (  # (name, path, who)
    ("floor (convener)", "/bench/floor", "convener"),
    ("health check", f"/c/{SLUG}/health/", "convener"),
    ("action plan", f"/c/{SLUG}/plan/", "convener"),
    ("maturity", f"/c/{SLUG}/health/maturity/", "convener"),
    ("floor (sponsor)", "/bench/floor", "sponsor"),
    ("health check (sponsor)", f"/c/{SLUG}/health/", "sponsor"),
)
FEED_PATH = f"/c/{SLUG}/events.ics"
SERIES, SERIES_WEEKS = 10, 104
FEED_TARGET_MS, RATIO_TARGET = 200.0, value_bench.RATIO_TARGET


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in the data dir")
    parser.add_argument("--data-dir", help="CULTIVATE_DATA_DIR")
    parser.add_argument("--requests", type=int, default=100, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured requests per page")
    parser.add_argument("--skip-recompute", action="store_true")
    parser.add_argument("--write", metavar="PATH", help="update this Markdown file's section")
    parser.add_argument("--section", default="health")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z0-9-]+", args.section):
        parser.error("--section: lowercase letters, digits and dashes")
    return args


def weekly_series(large) -> int:
    """Ten weekly series over two years in bench-large (made once); returns occurrences."""
    from cultivate.events import recurrence
    from cultivate.events.actions import do_plan_event
    from cultivate.events.models import Event

    convener = large.memberships.filter(role="convener").select_related("user").first().user
    series = list(Event.objects.filter(community=large, title__startswith="Bench series"))
    start = (datetime.now(UTC) - timedelta(weeks=SERIES_WEEKS // 2)).replace(
        hour=9, minute=0, second=0, microsecond=0, tzinfo=None)
    for index in range(len(series), SERIES):
        first = start + timedelta(days=index % 5, hours=index)
        series.append(do_plan_event(
            actor=convener, community=large, title=f"Bench series {index + 1}",
            starts_at=first, ends_at=first + timedelta(hours=1), time_zone="Europe/Brussels",
            repeats="weekly", repeat_until=(first + timedelta(weeks=SERIES_WEEKS - 1)).date()))
    return sum(len(recurrence.occurrences(event)) for event in series)


def plan_and_maturity(large) -> None:
    """A plan and a rated maturity round, so those pages show something (made once)."""
    from cultivate.health import maturity, plans
    from cultivate.health.models import MaturityAssessment, Plan

    convener = large.memberships.filter(role="convener").select_related("user").first().user
    today = datetime.now(UTC).date()
    if not Plan.objects.filter(community=large).exists():
        plan = plans.do_start_plan(actor=convener, community=large, values={
            "title": "Bench plan", "starts_on": today.replace(month=1, day=1),
            "ends_on": today.replace(month=12, day=31), "goal_title": "More peer help",
            "goal_indicator": "questions_answered"})
        for index in range(8):
            plans.do_add_activity(actor=convener, goal=plan.goals.get(), values={
                "title": f"Activity {index + 1}", "learning_format": "case-clinics",
                "cadence": "monthly"})
    if not MaturityAssessment.objects.filter(community=large).exists():
        round_ = maturity.do_open_assessment(actor=convener, community=large, label="Bench")
        maturity.do_rate(actor=convener, assessment=round_,
                         values=dict.fromkeys(maturity.DIMENSION_KEYS, "3"))


def measure_feed(args, client) -> list[float]:
    samples = []
    for round_ in range(args.warmup + args.requests):
        started = time.perf_counter()
        response = client.get(FEED_PATH)
        took = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or b"RRULE" not in response.content:
            raise RuntimeError(f"GET {FEED_PATH} answered {response.status_code}")
        if round_ >= args.warmup:
            samples.append(took)
    return samples


def is_targeted(path: str) -> bool:
    """The health check has the issue's target; the plan and maturity pages are measured."""
    return path.endswith("/health/")


def feed_table(samples: list[float], occurrences: int, size: int) -> str:
    median, p95 = statistics.median(samples), insights_bench.percentile(samples, 0.95)
    verdict = "PASS" if p95 <= FEED_TARGET_MS else "FAIL"
    return (f"| Feed | Series | Occurrences | Bytes | Client median ms | Client p95 ms "
            f"| ≤ {FEED_TARGET_MS:g} ms |\n|---|--:|--:|--:|--:|--:|:-:|\n"
            f"| `{FEED_PATH}` | {SERIES} | {occurrences:,} | {size:,} | {median:.1f} "
            f"| {p95:.1f} | {verdict} |")


def section(args, facts, runs, rows, feed) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = f"bench/health.py --requests {args.requests}" + (
        " --skip-recompute" if args.skip_recompute else "")
    health_share = ""
    if runs:
        rerun = runs.get("rerun") or next(iter(runs.values()))
        health_share = (f"The health step took {rerun.get('health', 0):.1f} s of the rerun's "
                        f"{rerun['total']:.1f} s.")
    return "\n".join([
        "## Community health (issue 14)", "",
        f"Measured {when} with `{command}`: the job in the benchmark's own process; pages as "
        "GETs against one uvicorn worker on loopback with warm caches, interleaved "
        "round-robin after a warm-up, server time from `Server-Timing: app;dur`; the feed's "
        "time is the client's (it has no cache of its own).", "",
        f"- Database: {facts['engine']}",
        f"- Landscape: {facts['communities']:,} communities, {facts['users']:,} users, "
        f"{facts['memberships']:,} memberships, {facts['activity']:,} activity rows; "
        f"`{SLUG}` has {facts['large_members']:,} members",
        f"- Code: commit {pages.code_version()}",
        f"- Machine: {pages.machine()}, load average {facts['load']:.1f} before the job",
        "", "### The hourly job with its health step", "",
        "Target: the whole job ≤ 60 s. " + health_share, "",
        insights_bench.job_table(runs), "",
        "### Pages against the signed-in floor", "",
        f"Target (health check): median and p95 ≤ {RATIO_TARGET:g}× the floor's, same "
        "session; the plan and maturity pages are measured without a target.", "",
        value_bench.page_table(rows), "",
        "### A calendar feed with ten weekly series over two years", "", feed, "",
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
    print(f"{facts['engine']}: {facts['communities']:,} communities, {facts['users']:,} users",
          flush=True)
    occurrences = weekly_series(facts["large"])
    plan_and_maturity(facts["large"])
    runs = value_bench.job(args)
    if runs:
        print(insights_bench.job_table(runs), flush=True)
    cookies = insights_bench.sessions(facts["large"])
    cookies["sponsor"] = value_bench.sponsor_session(facts["large"])
    connection.close()
    server, log, base = value_bench.serve(env)
    clients = {who: httpx.Client(base_url=base, timeout=120, cookies={"sessionid": value})
               for who, value in cookies.items()}
    try:
        pages.wait_healthy(clients["convener"], server)
        rows = value_bench.page_rows(value_bench.measure_pages(args, clients, PAGES), PAGES,
                                     is_targeted)
        print(value_bench.page_table(rows), flush=True)
        size = len(clients["convener"].get(FEED_PATH).content)
        feed = feed_table(measure_feed(args, clients["convener"]), occurrences, size)
        print(feed, flush=True)
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
                            section(args, facts, runs, rows, feed))
        print(f"Wrote section `{args.section}` of {args.write}")


if __name__ == "__main__":
    main()
