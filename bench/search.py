"""Search latency on the generated landscape: p50 and p95 of full-text queries, in process.

    .venv/bin/python bench/search.py [--database-url URL] [--data-dir DIR] [--queries 300]
        [--write docs/benchmarks.md --section search]

Queries are one to three words drawn from the generated vocabulary (plus a miss), run through
`conversations.search.search` as a visitor and as a member of `bench-large`, the way the page
and the API call it. Targets from the conversations issue: p95 <= 30 ms on PostgreSQL and
<= 50 ms on SQLite.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from benchenv import setup_django  # noqa: E402 - after the path is set
from generate_posts import WORDS  # noqa: E402
from pages import database_version, machine, write_section  # noqa: E402

TARGETS_MS = {"postgresql": 30.0, "sqlite": 50.0}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--data-dir")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--write")
    parser.add_argument("--section", default="search")
    return parser.parse_args()


def queries(count: int, rng: random.Random) -> list[str]:
    texts = [" ".join(rng.sample(WORDS, rng.randint(1, 3))) for _ in range(count - 1)]
    return [*texts, "xylophone"]


def measure(user, texts: list[str], filters=None) -> list[float]:
    from cultivate.conversations import search

    timings = []
    for n, text in enumerate(texts):
        chosen = filters[n % len(filters)] if filters else search.NO_FILTERS
        started = time.perf_counter()
        search.search(user, text, limit=20, filters=chosen)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def filter_mix(community) -> list:
    """Kind, answered (the generator accepts no answers: "answered" matches nothing, the worst
    case, every match is looked at) and author filters, in turn."""
    from cultivate.conversations.models import Post
    from cultivate.conversations.search import Filters

    authors = list(Post.objects.filter(topic__community=community)
                   .values_list("author_id", flat=True)[:4000:400])
    return [Filters(kind="question"), Filters(answered=False), Filters(answered=True),
            *(Filters(author_id=author) for author in authors)]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(0.95 * len(ordered)) - 1)]


def main() -> None:
    args = parse_args()
    setup_django(args.database_url, args.data_dir, for_pages=True)
    from django.db import connection

    from cultivate.communities.models import Membership
    from cultivate.conversations.models import Post

    member = (Membership.objects.filter(community__slug="bench-large", role="member")
              .select_related("user").first().user)
    texts = queries(args.queries, random.Random(11))
    measure(None, texts[:20])  # warm the caches the way a running server has them
    mix = filter_mix(Membership.objects.get(user=member, community__slug="bench-large")
                     .community)
    rows = [("visitor", measure(None, texts)), ("member of bench-large", measure(member, texts)),
            ("member, with a filter (kind, answered or author)",
             measure(member, texts, filters=mix))]
    target = TARGETS_MS[connection.vendor]
    lines = ["| Who | Queries | p50 ms | p95 ms | Target p95 | Verdict |",
             "|---|--:|--:|--:|--:|:-:|"]
    for who, timings in rows:
        verdict = "PASS" if p95(timings) <= target else "FAIL"
        lines.append(f"| {who} | {len(timings)} | {statistics.median(timings):.1f} | "
                     f"{p95(timings):.1f} | {target:.0f} | {verdict} |")
        print(f"{verdict}: {who}: p50 {statistics.median(timings):.1f} ms, "
              f"p95 {p95(timings):.1f} ms (target {target:.0f})")
    table = "\n".join(lines)
    print(table)
    if args.write:
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        body = "\n".join([
            f"## Search ({database_version(connection)})", "",
            f"Measured {when} with `bench/search.py --queries {args.queries}` on "
            f"{Post.objects.count():,} posts: one to three words per query, in process "
            "(the time the page and the API spend searching).", "",
            f"- Machine: {machine()}", "", table, ""])
        write_section(Path(args.write), args.section, body)
        print(f"Wrote section `{args.section}` of {args.write}")


if __name__ == "__main__":
    main()
