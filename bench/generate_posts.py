"""Grow a generated landscape with conversations, in bulk, for the conversation benchmarks.

    .venv/bin/python bench/generate_posts.py --posts 1000000 [--database-url URL] [--data-dir DIR]

Needs a landscape from generate_landscape.py (members of `bench-large`). Adds topics across the
communities, one question in `bench-large` with exactly 100 replies (`Benchmark question`), the
rest of the posts spread over topics, then builds the full-text index. Refuses to run when the
database already holds topics. One transaction per phase; a failed run can be retried after
dropping the topics.
"""

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from benchenv import setup_django  # noqa: E402 - after the path is set

BATCH = 5_000
REPLIES_PER_TOPIC = 20
WORDS = ("budget reform indicator evaluation logistics warehouse convoy ministry audit "
         "procurement pilot rollout training facilitation workshop baseline survey outcome "
         "impact community practice learning peer review case clinic field visit dashboard "
         "medium-term framework costing gender tagging supply chain cold storage fleet").split()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    parser.add_argument("--data-dir")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def generate(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from cultivate.communities.models import Community, Membership
    from cultivate.conversations.models import Post, Topic

    call_command("migrate", verbosity=0)
    if Topic.objects.exists():
        sys.exit("This database already holds topics: use a fresh landscape.")
    rng, started = random.Random(args.seed), time.perf_counter()
    communities = list(Community.objects.values_list("pk", "slug"))
    large = next(pk for pk, slug in communities if slug == "bench-large")
    authors = list(Membership.objects.filter(community_id=large)
                   .values_list("user_id", flat=True)[:5000])
    # A few rendered bodies reused: Markdown rendering per row would dominate the run.
    bodies = [(text, f"<p>{text}</p>\n") for text in (sentence(rng, 30) for _ in range(200))]
    now = datetime.now(UTC)
    topic_count = max(2, args.posts // (REPLIES_PER_TOPIC + 1))
    with transaction.atomic():
        topics = [Topic(community_id=large if i < topic_count // 2 else rng.choice(communities)[0],
                        kind="question" if i % 2 else "discussion",
                        title=sentence(rng, 6)[:-1], author_id=rng.choice(authors),
                        created_at=now - timedelta(days=rng.uniform(0, 365)))
                  for i in range(topic_count)]
        topics[0].title, topics[0].community_id, topics[0].kind = (
            "Benchmark question", large, "question")
        for topic in topics:
            topic.last_posted_at = topic.created_at
        Topic.objects.bulk_create(topics, batch_size=BATCH)
    print(f"{len(topics):,} topics ({time.perf_counter() - started:.0f}s)", flush=True)
    written, plan = 0, _reply_plan(len(topics), args.posts, rng)
    for start in range(0, len(topics), 2_000):
        with transaction.atomic():
            batch = []
            for index in range(start, min(start + 2_000, len(topics))):
                topic = topics[index]
                for n in range(plan[index] + 1):
                    text, html = rng.choice(bodies)
                    batch.append(Post(topic_id=topic.pk, author_id=rng.choice(authors),
                                      body=text, body_html=html, is_opening=n == 0,
                                      created_at=topic.created_at + timedelta(minutes=n)))
            Post.objects.bulk_create(batch, batch_size=BATCH)
            written += len(batch)
        print(f"  {written:,} posts ({time.perf_counter() - started:.0f}s)", flush=True)
    _finish_topics()
    print(f"counters ({time.perf_counter() - started:.0f}s)", flush=True)
    _index_everything()
    print(f"Done: {written:,} posts, full-text index built ({time.perf_counter() - started:.0f}s)")


def _reply_plan(topic_count: int, posts: int, rng: random.Random) -> list[int]:
    """Replies per topic: exactly 100 for the benchmark question, the rest spread."""
    remaining = max(0, posts - topic_count - 100)
    plan = [0] * topic_count
    plan[0] = 100
    for _ in range(remaining):
        plan[rng.randrange(1, topic_count)] += 1
    return plan


def _finish_topics() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE conversations_topic SET reply_count = (SELECT COUNT(*) - 1 FROM "
            "conversations_post p WHERE p.topic_id = conversations_topic.id), last_posted_at = "
            "(SELECT MAX(created_at) FROM conversations_post p WHERE p.topic_id = "
            "conversations_topic.id)")


def _index_everything() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE conversations_post p SET search_vector = setweight(to_tsvector('english',"
                " CASE WHEN p.is_opening THEN t.title ELSE '' END), 'A') || "
                "setweight(to_tsvector('english', p.body), 'B') FROM conversations_topic t "
                "WHERE t.id = p.topic_id")
            cursor.execute("ANALYZE")
        else:
            cursor.execute(
                "INSERT INTO conversations_post_fts(rowid, title, body) SELECT p.id, CASE WHEN "
                "p.is_opening THEN t.title ELSE '' END, p.body FROM conversations_post p JOIN "
                "conversations_topic t ON t.id = p.topic_id")
            cursor.execute("ANALYZE")


def main() -> None:
    args = parse_args()
    setup_django(args.database_url, args.data_dir)
    generate(args)


if __name__ == "__main__":
    main()
