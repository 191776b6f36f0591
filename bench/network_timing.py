"""Time the interaction network's recomputation on a synthetic landscape of conversations.

    .venv/bin/python bench/network_timing.py --database-url postgres://.../DB \
        [--communities 100 --members 1000 --interactions 20000 --noise 10000] [--runs 2]

Into an empty database (migrated here), writes users, communities, memberships (people in
several communities, so some span boundaries) and activity rows: replies, answers and accepted
answers between members with a heavy-tailed choice of who talks (a few people do much of the
answering), plus `--noise` rows of other verbs per community. Then runs compute_networks
`--runs` times (the second and later runs replace the same rows) and prints the timings.
A database that already holds communities is only timed, not filled (with `--cold`, its
stored network is deleted first, so the first run writes everything).
"""

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from benchenv import setup_django  # noqa: E402 - after the path is set

BATCH = 5_000
DAYS = 365


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--communities", type=int, default=100)
    parser.add_argument("--members", type=int, default=1000, help="per community")
    parser.add_argument("--interactions", type=int, default=20_000, help="per community")
    parser.add_argument("--noise", type=int, default=10_000,
                        help="other activity rows per community")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--cold", action="store_true",
                        help="delete the stored network first, so the first run writes all")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def generate(args, now) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from cultivate.activity.models import Activity
    from cultivate.communities.models import Community, Membership
    from cultivate.people.models import User

    rng = random.Random(args.seed)
    pool = args.communities * args.members * 2 // 3  # about 1.5 communities per person
    started = time.perf_counter()
    with transaction.atomic():
        password = make_password(None)
        User.objects.bulk_create(
            [User(username=f"net{i:07d}", email=f"net{i:07d}@bench.invalid",
                  password=password, display_name=f"Person {i}") for i in range(pool)],
            batch_size=BATCH)
        users = list(User.objects.filter(username__startswith="net").order_by("pk")
                     .values_list("pk", flat=True))
        Community.objects.bulk_create(
            [Community(name=f"Network bench {i:03d}", slug=f"net-{i:03d}",
                       created_by_id=users[0]) for i in range(args.communities)])
        communities = list(Community.objects.filter(slug__startswith="net-")
                           .order_by("pk").values_list("pk", flat=True))
        print(f"  {pool:,} people, {len(communities)} communities "
              f"({time.perf_counter() - started:.1f}s)", flush=True)
        members = {}
        rows = []
        for community in communities:
            chosen = rng.sample(users, args.members)
            members[community] = chosen
            rows += [Membership(community_id=community, user_id=user,
                                joined_at=now - timedelta(days=rng.uniform(0, 2 * DAYS)))
                     for user in chosen]
        Membership.objects.bulk_create(rows, batch_size=BATCH)
        print(f"  {len(rows):,} memberships ({time.perf_counter() - started:.1f}s)",
              flush=True)
        weights = [1 / (rank + 1) ** 0.9 for rank in range(args.members)]
        total = 0
        for community in communities:
            people = members[community]
            batch = []
            for _ in range(args.interactions):
                actor, other = rng.choices(people, weights=weights, k=2)
                kind = rng.random()
                if kind < 0.45:
                    verb, payload = "answer.posted", {"post": 1, "topic_author": other,
                                                      "reply_to_author": None}
                elif kind < 0.9:
                    verb, payload = "post.replied", {"post": 1, "topic_author": other,
                                                     "reply_to_author": rng.choice(people)}
                else:
                    verb, payload = "answer.accepted", {"topic": 1, "answer_author": other}
                batch.append(Activity(actor_id=actor, verb=verb, community_id=community,
                                      payload=payload,
                                      occurred_at=now - timedelta(days=rng.uniform(0, 500))))
            batch += [Activity(actor_id=rng.choice(people), verb="community.visited",
                               community_id=community,
                               occurred_at=now - timedelta(days=rng.uniform(0, 500)))
                      for _ in range(args.noise)]
            Activity.objects.bulk_create(batch, batch_size=BATCH)
            total += len(batch)
        print(f"  {total:,} activity rows ({time.perf_counter() - started:.1f}s)", flush=True)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main() -> None:
    args = parse_args()
    setup_django(args.database_url, None)
    from django.core.management import call_command
    from django.utils import timezone

    from cultivate.communities.models import Community
    from cultivate.insights.models import InteractionEdge, NetworkMember
    from cultivate.insights.network import compute_networks

    call_command("migrate", verbosity=0)
    now = timezone.now()
    if not Community.objects.exists():
        generate(args, now)
    elif args.cold:
        InteractionEdge.objects.all().delete()
        NetworkMember.objects.all().delete()
    for run in range(1, args.runs + 1):
        started = time.perf_counter()
        result = compute_networks(now=now)
        print(f"run {run}: {time.perf_counter() - started:.1f}s {result}", flush=True)


if __name__ == "__main__":
    main()
