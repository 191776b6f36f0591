"""Grow the synthetic landscape's activity log to a total number of rows, for the insights job.

    .venv/bin/python bench/generate_activity.py --total 5000000 [--days 730] [--seed 7] \
        [--database-url URL] [--data-dir DIR]

Run it after generate_landscape.py (and, optionally, generate_posts.py). It adds rows until the
activity table holds `--total` rows, from the landscape's own memberships (every actor is a
member of the community the row is in), over the last `--days` days before the landscape's
newest row, so the same landscape and seed give the same rows. The verb mix is what a lively
community of practice logs (see VERB_MIX): visits, replies, questions and answers that name
their topic and the people they answer, acceptances by the asker, helpful marks, stories,
events, live attendance and joins. How much each member does follows a heavy tail (most people
are at the edge; conveners, facilitators and the core group do more), so levels spread out.

Questions and answers do not create topics or posts: their ids are synthetic (above every real
id), which is all the insights job reads. PostgreSQL gets the rows through COPY, SQLite through
executemany batches; both in one transaction, then ANALYZE.
"""

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from benchenv import setup_django  # noqa: E402 - after the path is set

# (verb, weight): shares of the added rows. answer.accepted is derived from answers.
VERB_MIX = (
    ("community.visited", 30), ("post.replied", 18), ("answer.posted", 10),
    ("post.marked_helpful", 9), ("live.joined", 8), ("question.asked", 6),
    ("answer.accepted", 3), ("story.told", 2), ("event.planned", 1), ("member.joined", 1),
)
SYNTHETIC_ID = 1_000_000_000  # topic and post ids of generated rows start here
CHUNK = 200_000
NULL = "\\N"  # COPY's text format
ROLE_BOOST = {"convener": 8.0, "facilitator": 6.0, "core": 4.0, "sponsor": 1.0, "member": 1.0}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--total", type=int, default=5_000_000,
                        help="activity rows wanted in the table when done")
    parser.add_argument("--days", type=int, default=730, help="spread over this many days")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="default: SQLite in the data dir")
    parser.add_argument("--data-dir", help="CULTIVATE_DATA_DIR")
    args = parser.parse_args()
    if args.total < 1 or args.days < 7:
        parser.error("--total >= 1, --days >= 7")
    return args


def step(started: float, message: str) -> None:
    print(f"  {message} ({time.perf_counter() - started:.1f}s)", flush=True)


# --- What the landscape holds -----------------------------------------------------------------

def load_landscape():
    from django.db.models import Max

    from cultivate.activity.models import Activity
    from cultivate.communities.models import Membership

    rows = list(Membership.objects.order_by("pk").values_list(
        "community_id", "user_id", "role", "user__date_joined"))
    if not rows:
        sys.exit("No memberships: run bench/generate_landscape.py first.")
    community = np.array([r[0] for r in rows], dtype=np.int64)
    user = np.array([r[1] for r in rows], dtype=np.int64)
    boost = np.array([ROLE_BOOST.get(r[2], 1.0) for r in rows])
    user_joined = np.array([r[3].timestamp() for r in rows])
    newest = Activity.objects.aggregate(at=Max("occurred_at"))["at"]
    return community, user, boost, user_joined, newest


# --- Planning the rows, as arrays -------------------------------------------------------------

class Plan:
    """Column arrays of the rows to add (actor, verb, community, time, target, payload)."""

    def __init__(self):
        self.columns: list[tuple] = []

    def add(self, verb, actor, community, at, target=None, target_type=None, payload=None):
        self.columns.append((verb, actor, community, at, target, target_type, payload))

    @property
    def count(self) -> int:
        return sum(len(c[1]) for c in self.columns)


def pick_earlier(rng, times_by_community: dict, community, at):
    """For each (community, moment) an index into that community's questions asked before,
    favouring recent ones; -1 where the community has none yet."""
    chosen = np.full(len(at), -1, dtype=np.int64)
    for c in np.unique(community):
        rows = np.nonzero(community == c)[0]
        times, offset = times_by_community.get(int(c), (None, 0))
        if times is None:
            continue
        before = np.searchsorted(times, at[rows])  # questions asked earlier
        back = np.minimum(rng.geometric(1 / 40, len(rows)), np.maximum(before, 1)) - 1
        picked = before - 1 - back
        chosen[rows] = np.where(before > 0, offset + picked, -1)
    return chosen


def plan_rows(rng, wanted: int, days: int, landscape) -> Plan:
    community, user, boost, user_joined, newest = landscape
    end = newest.timestamp()
    # How busy each membership is: a heavy tail, more for those who hold the community together.
    weight = rng.lognormal(0.0, 1.6, len(community)) * boost
    weight /= weight.sum()
    verbs = [v for v, _w in VERB_MIX]
    shares = np.array([w for _v, w in VERB_MIX], dtype=float)
    counts = dict(zip(verbs, rng.multinomial(wanted, shares / shares.sum()), strict=True))

    def draw(n):
        who = rng.choice(len(community), size=n, p=weight)
        start = np.maximum(end - days * 86400, user_joined[who])
        at = start + rng.random(n) * (end - start)
        return who, at

    plan = Plan()
    # Questions first: answers, replies and acceptances point back to them.
    who, at = draw(counts["question.asked"])
    order = np.lexsort((at, community[who]))
    who, at = who[order], at[order]
    q_comm, q_author, q_at = community[who], user[who], at
    q_id = SYNTHETIC_ID + np.arange(len(who), dtype=np.int64)
    plan.add("question.asked", q_author, q_comm, q_at, target=q_id, target_type="topic")
    times_by_community = {}
    for c in np.unique(q_comm):
        rows = np.nonzero(q_comm == c)[0]
        times_by_community[int(c)] = (q_at[rows], rows[0])
    next_post = [int(SYNTHETIC_ID + len(who))]

    def post_ids(n):
        first = next_post[0]
        next_post[0] += n
        return np.arange(first, first + n, dtype=np.int64)

    # Answers and replies: to a question asked earlier in the same community.
    answers = None
    for verb in ("answer.posted", "post.replied"):
        who, at = draw(counts[verb])
        topic = pick_earlier(rng, times_by_community, community[who], at)
        keep = topic >= 0  # nothing asked there yet: those rows become visits below
        who, at, topic = who[keep], at[keep], topic[keep]
        counts["community.visited"] += int((~keep).sum())
        ids = post_ids(len(who))
        topic_author = q_author[topic]
        if verb == "answer.posted":
            payload = [{"post": int(p), "topic": int(t), "topic_author": int(a)}
                       for p, t, a in zip(ids, q_id[topic], topic_author, strict=True)]
            answers = (community[who], user[who], at, ids, topic)
        else:  # a reply to the asker, or to someone else in that community
            other = rng.choice(len(community), size=len(who), p=weight)
            same = community[other] == community[who]
            to = np.where(same & (rng.random(len(who)) < 0.5), user[other], topic_author)
            payload = [{"post": int(p), "topic": int(t), "reply_to_author": int(a)}
                       for p, t, a in zip(ids, q_id[topic], to, strict=True)]
        plan.add(verb, user[who], community[who], at, target=ids, target_type="post",
                 payload=payload)

    # Acceptances: the asker accepts an answer, a little after it came.
    a_comm, a_author, a_at, a_ids, a_topic = answers
    n = min(counts["answer.accepted"], len(a_ids))
    chosen = rng.choice(len(a_ids), size=n, replace=False)
    at = np.minimum(a_at[chosen] + rng.exponential(86400, n), end)
    payload = [{"topic": int(q_id[t]), "answer_author": int(a)}
               for t, a in zip(a_topic[chosen], a_author[chosen], strict=True)]
    plan.add("answer.accepted", q_author[a_topic[chosen]], a_comm[chosen], at,
             target=a_ids[chosen], target_type="post", payload=payload)
    counts["community.visited"] += counts["answer.accepted"] - n

    # Helpful marks on answers given earlier in the same community.
    who, at = draw(counts["post.marked_helpful"])
    order = np.lexsort((a_at, a_comm))  # pick_earlier wants each community's rows in time order
    sorted_ids, a_at_sorted, a_comm_sorted = a_ids[order], a_at[order], a_comm[order]
    answer_times = {}
    for c in np.unique(a_comm_sorted):
        rows = np.nonzero(a_comm_sorted == c)[0]
        answer_times[int(c)] = (a_at_sorted[rows], rows[0])
    marked = pick_earlier(rng, answer_times, community[who], at)
    keep = marked >= 0
    counts["community.visited"] += int((~keep).sum())
    plan.add("post.marked_helpful", user[who][keep], community[who][keep], at[keep],
             target=sorted_ids[marked[keep]], target_type="post")

    # The rest name no other row.
    for verb in ("story.told", "event.planned", "live.joined", "member.joined",
                 "community.visited"):
        who, at = draw(counts[verb])
        plan.add(verb, user[who], community[who], at)
    return plan


# --- Writing ----------------------------------------------------------------------------------

def content_types() -> dict:
    from django.contrib.contenttypes.models import ContentType

    from cultivate.conversations.models import Post, Topic

    return {"topic": ContentType.objects.get_for_model(Topic).pk,
            "post": ContentType.objects.get_for_model(Post).pk}


def rows_of(plan: Plan, types: dict):
    for verb, actor, community, at, target, target_type, payload in plan.columns:
        kind = types.get(target_type)
        for i in range(len(actor)):
            yield (datetime.fromtimestamp(float(at[i]), UTC), int(actor[i]), verb,
                   int(community[i]), kind, None if target is None else int(target[i]),
                   "{}" if payload is None else json.dumps(payload[i], separators=(",", ":")))


def copy_postgres(rows, table: str, started: float, total: int) -> None:
    from django.db import connection

    columns = "occurred_at, actor_id, verb, community_id, target_type_id, target_id, payload"
    done = 0
    with connection.cursor() as cursor, cursor.copy(
            f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608 - our own table name
        buffer = []
        for at, actor, verb, community, kind, target, payload in rows:
            buffer.append(f"{at.isoformat()}\t{actor}\t{verb}\t{community}\t"
                          f"{kind or NULL}\t{target or NULL}\t{payload}\n")
            if len(buffer) >= CHUNK:
                copy.write("".join(buffer))
                done += len(buffer)
                buffer = []
                step(started, f"copied {done:,}/{total:,}")
        copy.write("".join(buffer))


def insert_batches(rows, table: str, started: float, total: int) -> None:
    from django.db import connection

    sql = (f"INSERT INTO {table} (occurred_at, actor_id, verb, community_id, "  # noqa: S608
           "target_type_id, target_id, payload) VALUES (%s, %s, %s, %s, %s, %s, %s)")
    done, batch = 0, []
    with connection.cursor() as cursor:
        for row in rows:
            # Django keeps SQLite times as naive UTC text.
            at = row[0].replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
            batch.append((at, *row[1:]))
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                done += len(batch)
                batch = []
                step(started, f"inserted {done:,}/{total:,}")
        if batch:
            cursor.executemany(sql, batch)


def main() -> None:
    args = parse_args()
    setup_django(args.database_url, args.data_dir)
    from django.db import connection, transaction
    from django.db.models import Count

    from cultivate.activity.models import Activity

    started = time.perf_counter()
    existing = Activity.objects.count()
    wanted = args.total - existing
    print(f"{connection.vendor} {connection.settings_dict['NAME']}: {existing:,} activity rows; "
          f"adding {max(wanted, 0):,}", flush=True)
    if wanted <= 0:
        print("Done: nothing to add.")
        return
    rng = np.random.default_rng(args.seed)
    landscape = load_landscape()
    step(started, f"landscape: {len(landscape[0]):,} memberships, newest row "
                  f"{landscape[4]:%Y-%m-%d %H:%M}")
    plan = plan_rows(rng, wanted, args.days, landscape)
    step(started, f"planned {plan.count:,} rows")
    rows = rows_of(plan, content_types())
    table = Activity._meta.db_table
    with transaction.atomic():
        if connection.vendor == "postgresql":
            copy_postgres(rows, table, started, plan.count)
        else:
            insert_batches(rows, table, started, plan.count)
    step(started, "committed")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")  # noqa: S608 - fresh statistics, as autovacuum would
    by_verb = dict(Activity.objects.values_list("verb").annotate(n=Count("id")).order_by())
    step(started, "statistics refreshed (ANALYZE)")
    print(f"Done: {sum(by_verb.values()):,} activity rows; added {plan.count:,} over "
          f"{args.days} days: " + ", ".join(f"{v} {by_verb.get(v, 0):,}" for v, _w in VERB_MIX))


if __name__ == "__main__":
    main()
