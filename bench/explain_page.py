"""Where one page's time goes: its SQL queries (count, time, EXPLAIN) and a profile.

    .venv/bin/python bench/explain_page.py /c/bench-large/ [--data-dir DIR] \
        [--database-url URL] [--explain] [--profile 25]

Renders the page in-process with Django's test client (anonymous, like bench/pages.py), so the
numbers exclude the HTTP server but include every middleware.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from benchenv import setup_django  # noqa: E402 - after the path is set


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="e.g. /c/bench-large/members/")
    parser.add_argument("--database-url")
    parser.add_argument("--data-dir")
    parser.add_argument("--repeat", type=int, default=20, help="timed renders after a warm-up")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN every query")
    parser.add_argument("--as-member", metavar="SLUG",
                        help="sign in as a plain member of this community first")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N most expensive functions (cumulative)")
    return parser.parse_args()


def get(client, path: str):
    response = client.get(path)
    if response.status_code != 200:
        sys.exit(f"GET {path} answered {response.status_code}")
    return response


def show_queries(client, path: str, explain: bool) -> None:
    from django.db import connection

    captured = []

    def timed(execute, sql, params, many, context):
        # Our own clock: connection.queries rounds to whole milliseconds.
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append((sql, params, (time.perf_counter() - started) * 1000))

    with connection.execute_wrapper(timed):
        get(client, path)
    total = sum(ms for _sql, _params, ms in captured)
    print(f"{len(captured)} queries, {total:.2f} ms in the database")
    for n, (sql, params, ms) in enumerate(captured, start=1):
        print(f"\n[{n}] {ms:.2f} ms  {sql[:600]}  {tuple(params or ())[:10]}")
        if explain and sql.lstrip().upper().startswith("SELECT"):
            print(explain_plan(connection, sql, params))


def explain_plan(connection, sql: str, params) -> str:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join("    " + " | ".join(str(c) for c in row) for row in cursor.fetchall())


def time_renders(client, path: str, repeat: int) -> None:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        get(client, path)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(f"\nin-process render: median {timings[len(timings) // 2]:.2f} ms, "
          f"min {timings[0]:.2f} ms over {repeat}")


SORT = os.environ.get("PROFILE_SORT", "cumulative")  # or tottime


def profile(client, path: str, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        get(client, path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(SORT).print_stats(top)
    print(out.getvalue())


def main() -> None:
    args = parse_args()
    setup_django(args.database_url, args.data_dir, for_pages=True)
    from django.test import Client

    client = Client()
    if args.as_member:
        from cultivate.communities.models import Membership

        member = Membership.objects.filter(community__slug=args.as_member, role="member").first()
        client.force_login(member.user)
    get(client, args.path)  # warm caches (templates, URL resolver, content types)
    show_queries(client, args.path, args.explain)
    time_renders(client, args.path, args.repeat)
    if args.profile:
        profile(client, args.path, args.profile)


if __name__ == "__main__":
    main()
