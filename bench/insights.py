"""Time the insights job on the whole landscape, then the insights pages against the floor.

    .venv/bin/python bench/insights.py [--database-url URL] [--data-dir DIR] [--requests 100]
        [--skip-recompute] [--slow-queries SECONDS] [--write docs/benchmarks.md]
        [--section insights]

1. `jobs.recompute()` on every community, in this process, twice: first from an empty store
   (the job's tables emptied, as after an install or an import: everything is written), then
   again (the hourly rerun: everything is recomputed from the log, only what changed is
   written). Total and per-step seconds (levels, figures, network), and each total over the
   floor measured just before it: one aggregate over every row of the activity log. Target
   (issue 6): <= 60 s with 100,000 members and 5,000,000 activity rows, for both runs.
   `--keep-stored` skips the first run.
2. The pages from the stored aggregates on a real uvicorn server (bench/pages.py's machinery:
   one worker on loopback, `Server-Timing: app;dur`, round-robin after a warm-up): a convener
   of `bench-large` reads its dashboard, its network, their own level and the landscape; a
   platform admin reads the dashboard and the landscape of all communities. Each is compared
   with the floor requested with the same session. Target: median and p95 server time
   <= 100 ms per page.

Run bench/generate_landscape.py and bench/generate_activity.py first. Exits 0 whatever the
verdicts: this is a measurement, not a test.
"""

import argparse
import math
import re
import signal
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import pages  # noqa: E402 - bench/pages.py: server, timing and Markdown helpers

SLUG = "bench-large"
PAGES = (  # (name, path, who)
    ("floor (convener)", "/bench/floor", "convener"),
    ("community dashboard", f"/c/{SLUG}/insights/", "convener"),
    ("network", f"/c/{SLUG}/insights/network/", "convener"),
    ("own level", f"/c/{SLUG}/my-level/", "convener"),
    ("landscape", "/insights/", "convener"),
    ("floor (admin)", "/bench/floor", "admin"),
    ("community dashboard (admin)", f"/c/{SLUG}/insights/", "admin"),
    ("landscape, all communities (admin)", "/insights/", "admin"),
)
RECOMPUTE_TARGET_S = 60.0
PAGE_TARGET_MS = 100.0
SECTION_TITLES = {"insights": "Insights on PostgreSQL (issue 6)",
                  "insights-sqlite": "Insights on SQLite (issue 6)"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in the data dir")
    parser.add_argument("--data-dir", help="CULTIVATE_DATA_DIR")
    parser.add_argument("--requests", type=int, default=100, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured requests per page")
    parser.add_argument("--skip-recompute", action="store_true",
                        help="measure the pages only (the job must have run before)")
    parser.add_argument("--keep-stored", action="store_true",
                        help="do not empty the job's tables first: time a rerun only")
    parser.add_argument("--slow-queries", type=float, metavar="SECONDS",
                        help="print the job's queries that take at least this long")
    parser.add_argument("--write", metavar="PATH", help="update this Markdown file's section")
    parser.add_argument("--section", default="insights", help="marker name (insights, "
                                                              "insights-sqlite)")
    args = parser.parse_args()
    if not 1 <= args.requests <= pages.MAX_REQUESTS:
        parser.error(f"--requests 1..{pages.MAX_REQUESTS}")
    if not re.fullmatch(r"[a-z0-9-]+", args.section):
        parser.error("--section: lowercase letters, digits and dashes")
    return args


# --- In process: the landscape, the job, the sessions ---------------------------------------

def describe(connection) -> dict:
    from cultivate.activity.models import Activity
    from cultivate.communities.models import Community, Membership
    from cultivate.people.models import User

    large = Community.objects.filter(slug=SLUG).first()
    if large is None:
        sys.exit(f"No community `{SLUG}`: run bench/generate_landscape.py first.")
    return {"engine": pages.database_version(connection),
            "communities": Community.objects.count(), "users": User.objects.count(),
            "memberships": Membership.objects.count(), "activity": Activity.objects.count(),
            "large_members": large.member_count, "large": large}


def empty_store() -> None:
    """Empty the job's tables, as before a first run."""
    from django.core.management.color import no_style
    from django.db import connection

    from cultivate.insights import models

    tables = [m._meta.db_table for m in (
        models.MemberLevel, models.LevelChange, models.LevelSnapshot, models.WeeklyFigures,
        models.CommunityFigures, models.NetworkMember, models.InteractionEdge)]
    with connection.cursor() as cursor:
        for statement in connection.ops.sql_flush(no_style(), tables):
            cursor.execute(statement)


def floor_seconds() -> float:
    """One aggregate over every row of the activity log: what any full pass costs right now."""
    from django.db import connection

    from cultivate.activity.models import Activity

    table = connection.ops.quote_name(Activity._meta.db_table)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), SUM(LENGTH(verb)) FROM {table}")  # noqa: S608
        cursor.fetchone()
    return round(time.perf_counter() - started, 3)


def recompute(slow: float | None) -> dict:
    from django.db import connection

    from cultivate.insights import jobs

    def report_slow(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            if took >= slow:
                print(f"  slow query {took:.1f}s: {sql[:600]}", flush=True)

    floor = floor_seconds()
    started = time.perf_counter()
    if slow is None:
        seconds = jobs.recompute()
    else:
        with connection.execute_wrapper(report_slow):
            seconds = jobs.recompute()
    seconds["total"] = round(time.perf_counter() - started, 3)
    seconds["floor"] = floor
    return seconds


def stored() -> dict:
    from cultivate.insights.models import (
        CommunityFigures,
        InteractionEdge,
        MemberLevel,
        NetworkMember,
        WeeklyFigures,
    )

    return {"levels": MemberLevel.objects.count(), "weeks": WeeklyFigures.objects.count(),
            "figures": CommunityFigures.objects.count(), "ties": InteractionEdge.objects.count(),
            "network": NetworkMember.objects.count()}


def session_for(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def sessions(large) -> dict[str, str]:
    """A convener of bench-large, and a platform admin (made once, unable to sign in)."""
    from cultivate.people.models import User

    convener = (large.memberships.filter(role="convener").select_related("user")
                .order_by("pk").first().user)
    admin = User.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = User.objects.create_user(username="bench-admin", email="admin@bench.invalid",
                                         is_superuser=True, is_staff=True)
        admin.set_unusable_password()
        admin.save(update_fields=["password"])
    return {"convener": session_for(convener), "admin": session_for(admin)}


# --- Over HTTP ------------------------------------------------------------------------------

def measure(args, env: dict, cookies: dict[str, str]) -> dict[str, list[float]]:
    port = pages.free_port()
    samples = {name: [] for name, _path, _who in PAGES}
    with tempfile.TemporaryFile() as log:
        server = pages.start_server(env, port, log)
        try:
            base = f"http://{pages.HOST}:{port}"
            clients = {who: httpx.Client(base_url=base, timeout=60,
                                         cookies={"sessionid": value})
                       for who, value in cookies.items()}
            try:
                pages.wait_healthy(clients["admin"], server)
                print(f"Server up on {pages.HOST}:{port}; warming up ({args.warmup} per page)…",
                      flush=True)
                for round_ in range(args.warmup + args.requests):
                    for name, path, who in PAGES:
                        server_ms, _client_ms = pages.timed_get(clients, path, who)
                        if round_ >= args.warmup:
                            samples[name].append(server_ms)
                    if round_ >= args.warmup and (round_ - args.warmup + 1) % 20 == 0:
                        print(f"  {round_ - args.warmup + 1}/{args.requests} rounds", flush=True)
            finally:
                for client in clients.values():
                    client.close()
        except Exception:
            log.seek(0)
            print("--- server log (tail) ---\n" + log.read().decode(errors="replace")[-4000:])
            raise
        finally:
            pages.stop_server(server)
    return samples


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarise(samples: dict[str, list[float]]) -> list[dict]:
    floors = {who: statistics.median(samples[name]) for name, path, who in PAGES
              if path == "/bench/floor"}
    rows = []
    for name, path, who in PAGES:
        median, p95 = statistics.median(samples[name]), percentile(samples[name], 0.95)
        is_floor = path == "/bench/floor"
        verdict = "floor" if is_floor else ("PASS" if p95 <= PAGE_TARGET_MS else "FAIL")
        rows.append({"page": name, "path": path, "median": median, "p95": p95,
                     "ratio": median / floors[who] if floors[who] else math.inf,
                     "verdict": verdict})
    return rows


def page_table(rows: list[dict]) -> str:
    lines = ["| Page | Path | Server median ms | Server p95 ms | × floor "
             f"| p95 ≤ {PAGE_TARGET_MS:g} ms |", "|---|---|--:|--:|--:|:-:|"]
    lines += [f"| {r['page']} | `{r['path']}` | {r['median']:.2f} | {r['p95']:.2f} "
              f"| {r['ratio']:.1f} | {r['verdict']} |" for r in rows]
    return "\n".join(lines)


def job_table(runs: dict[str, dict]) -> str:
    """runs: name (first run, rerun) -> seconds per step, total and floor."""
    if not runs:
        return "(not run: `--skip-recompute`)"
    names = list(runs)
    lines = ["| Step | " + " | ".join(f"{name} (s)" for name in names) + " |",
             "|---|" + "--:|" * len(names)]
    steps = [step for step in next(iter(runs.values())) if step not in ("total", "floor")]
    lines += [f"| {step} | " + " | ".join(f"{runs[n][step]:.1f}" for n in names) + " |"
              for step in steps]
    lines.append(f"| **total** (target ≤ {RECOMPUTE_TARGET_S:g} s) | " + " | ".join(
        f"**{runs[n]['total']:.1f}** {_verdict(runs[n]['total'])}" for n in names) + " |")
    lines.append("| floor: one aggregate over the whole log | " + " | ".join(
        f"{runs[n]['floor']:.2f}" for n in names) + " |")
    lines.append("| total × floor | " + " | ".join(
        f"{runs[n]['total'] / runs[n]['floor']:.0f}" if runs[n]["floor"] else "–"
        for n in names) + " |")
    return "\n".join(lines)


def _verdict(total: float) -> str:
    return "PASS" if total <= RECOMPUTE_TARGET_S else "FAIL"


def section(args, facts: dict, counts: dict, runs: dict[str, dict], rows: list[dict]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = SECTION_TITLES.get(args.section, f"Insights ({args.section})")
    command = (f"bench/insights.py --requests {args.requests}"
               + (" --skip-recompute" if args.skip_recompute else "")
               + (" --keep-stored" if args.keep_stored else ""))
    return "\n".join([
        f"## {title}", "",
        f"Measured {when} with `{command}`. The job (`jobs.recompute()`, every community) "
        "runs in the benchmark's own process; the pages are GETs against one uvicorn worker "
        "on loopback, interleaved round-robin after a warm-up, server time from the "
        "`Server-Timing: app;dur` header.", "",
        f"- Database: {facts['engine']}",
        f"- Landscape: {facts['communities']:,} communities, {facts['users']:,} users, "
        f"{facts['memberships']:,} memberships, {facts['activity']:,} activity rows; "
        f"`{SLUG}` has {facts['large_members']:,} members",
        f"- Stored by the job: {counts['levels']:,} levels, {counts['weeks']:,} community "
        f"weeks, {counts['ties']:,} ties, {counts['network']:,} people in networks",
        f"- Code: commit {pages.code_version()}",
        f"- Machine: {pages.machine()}, load average {facts['load']:.1f} over the minute "
        "before the job (above 2, other work shared the two cores)",
        "", "### Recomputation", "",
        "First run: the job's tables emptied before it, so every level, week, tie and network "
        "row is written. Rerun: straight after, every figure recomputed from the log again, "
        "only the rows that changed written (the hourly case). The floor is measured just "
        "before each run.", "", job_table(runs), "",
        "### Pages (from the stored aggregates)", "",
        f"Target: each page's p95 (and so its median) server time ≤ {PAGE_TARGET_MS:g} ms. "
        "× floor: the page's median over the floor's, same session.", "",
        page_table(rows), "",
    ])


def main() -> None:
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    args = parse_args()
    args_for_env = argparse.Namespace(database_url=args.database_url, data_dir=args.data_dir)
    env = pages.server_env(args_for_env)
    import os

    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    facts = describe(connection) | {"load": os.getloadavg()[0]}
    print(f"{facts['engine']}: {facts['communities']:,} communities, {facts['users']:,} users, "
          f"{facts['memberships']:,} memberships, {facts['activity']:,} activity rows",
          flush=True)
    runs = {}
    if not args.skip_recompute:
        if not args.keep_stored:
            empty_store()
            print("First run, from an empty store…", flush=True)
            runs["first run"] = recompute(args.slow_queries)
            print(job_table(runs), flush=True)
        print("Rerun…", flush=True)
        runs["rerun"] = recompute(args.slow_queries)
        print(job_table(runs), flush=True)
    counts = stored()
    cookies = sessions(facts["large"])
    connection.close()
    rows = summarise(measure(args, env, cookies))
    print(page_table(rows))
    for r in (r for r in rows if r["verdict"] != "floor"):
        print(f"{r['verdict']}: {r['page']} median {r['median']:.2f} ms, p95 {r['p95']:.2f} ms "
              f"(target ≤ {PAGE_TARGET_MS:g} ms)")
    if args.write:
        pages.write_section(Path(args.write), args.section,
                            section(args, facts, counts, runs, rows))
        print(f"Wrote section `{args.section}` of {args.write}")


if __name__ == "__main__":
    main()
