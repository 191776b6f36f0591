"""Generate a synthetic landscape for the page benchmarks, in bulk.

    .venv/bin/python bench/generate_landscape.py --communities 100 --members 100000 \
        --activity-per-member 5 [--database-url URL] [--data-dir DIR]

Refuses to write into a database that already holds a community: use a fresh data dir (SQLite)
or a fresh database (PostgreSQL). Everything is written in one transaction, so a failed run
leaves the database empty and a rerun is allowed.
"""

import argparse
import itertools
import random
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from benchenv import setup_django  # noqa: E402 - after the path is set

LARGE_SLUG = "bench-large"
LARGE_SHARE = 0.6  # share of all members in the large community (the brief asks >= half)
BATCH = 5_000
CHUNK = 50_000  # rows built in memory at a time, so 500k activity rows stay cheap in RAM
DAYS = 365

FIRST = ("Ada Amara Bo Chen Dara Eli Femi Gita Hana Ines Jun Kai Lena Malik Nia Omar Priya "
         "Quinn Rosa Sami Tariq Uma Vera Wen Xavi Yara Zane").split()
LAST = ("Abebe Bauer Costa Diallo Eriksen Fischer Garcia Haddad Ito Jensen Kowalski Lopez "
        "Mensah Novak Okafor Patel Quispe Rossi Silva Tanaka Uddin Varga Wang Yilmaz Zhou").split()
ORGS = ("Ministry of Health", "City Council", "Open University", "Water Board", "Red Cross",
        "Farmers' Cooperative", "National Library", "Tech for Good", "School District 9", "")
PLACES = ("Accra", "Berlin", "Bogotá", "Dakar", "Jakarta", "Lima", "Lyon", "Manila", "Nairobi",
          "Oslo", "Pune", "Quito", "")
TOPICS = ("Open Data", "Climate Adaptation", "Public Health", "Digital Inclusion", "Urban Farming",
          "Water Stewardship", "Teacher Practice", "Civic Tech", "Energy Transition", "Care Work",
          "Research Software", "Accessibility", "Procurement", "Community Radio", "Soil Health",
          "Disaster Response", "Language Revival", "Mobility", "Circular Economy", "Libraries")
QUALIFIERS = ("Network", "Circle", "Guild", "Collective", "Forum", "Lab", "Commons", "Alliance")
TAG_NAMES = ("data", "climate", "health", "education", "cities", "water", "energy", "research",
             "policy", "open source", "design", "agriculture", "accessibility", "governance",
             "finance", "culture", "languages", "mobility", "emergency", "libraries", "youth",
             "rural", "evaluation", "procurement", "care", "media", "science", "law", "ethics",
             "mapping")
VERB_MIX = (  # (verb, weight) for activity beyond the joins; roughly what a live site logs
    ("member.joined", 2), ("community.charter_edited", 1), ("member.role_changed", 1),
    ("join.requested", 2), ("join.approved", 2), ("invitation.sent", 2),
    ("invitation.accepted", 1), ("member.left", 1), ("profile.edited", 1),
)
VERBS = [verb for verb, _weight in VERB_MIX]
VERB_WEIGHTS = list(itertools.accumulate(weight for _verb, weight in VERB_MIX))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=100)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--activity-per-member", type=int, default=5)
    parser.add_argument("--database-url", help="default: SQLite in the data dir")
    parser.add_argument("--data-dir", help="CULTIVATE_DATA_DIR (SQLite file, static files)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if args.communities < 2 or args.members < 10 or args.activity_per_member < 3:
        parser.error("need >= 2 communities, >= 10 members, >= 3 activity rows per member")
    return args


class Timer:
    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()

    def step(self, message: str) -> None:
        now = time.perf_counter()
        print(f"  {message} ({now - self.last:.1f}s, total {now - self.start:.1f}s)", flush=True)
        self.last = now


def chunks(items: Iterator, size: int = CHUNK) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def random_moment(rng: random.Random, now: datetime, since_days: float = DAYS) -> datetime:
    return now - timedelta(seconds=rng.uniform(0, since_days * 86400))


# --- Tags and users -------------------------------------------------------------------------


def create_tags() -> list:
    from cultivate.core.models import Tag

    Tag.objects.bulk_create([Tag(slug=n.replace(" ", "-"), name=n) for n in TAG_NAMES])
    return list(Tag.objects.filter(slug__in=[n.replace(" ", "-") for n in TAG_NAMES]))


def build_user(i: int, rng: random.Random, password: str, now: datetime):
    from cultivate.people.models import User

    first, last = rng.choice(FIRST), rng.choice(LAST)
    return User(
        username=f"bench{i:07d}", email=f"bench{i:07d}@bench.invalid", password=password,
        first_name=first, last_name=last, display_name=f"{first} {last}",
        organisation=rng.choice(ORGS), location=rng.choice(PLACES),
        date_joined=random_moment(rng, now, 2 * DAYS),
    )


def create_users(count: int, rng: random.Random, now: datetime, timer: Timer) -> list[int]:
    from django.contrib.auth.hashers import make_password

    from cultivate.people.models import User

    # One unusable hash for everyone: hashing per user would take hours at this size.
    password = make_password(None)
    users = (build_user(i, rng, password, now) for i in range(1, count + 1))
    for done, batch in enumerate(chunks(users), start=1):
        User.objects.bulk_create(batch, batch_size=BATCH)
        timer.step(f"users: {min(done * CHUNK, count):,}/{count:,}")
    return list(User.objects.filter(username__startswith="bench").order_by("id")
                .values_list("id", flat=True))


# --- Communities ----------------------------------------------------------------------------


def charter_text(rng: random.Random, topic: str) -> dict[str, str]:
    verbs = ("share", "compare", "document", "test", "improve", "teach", "map", "review")
    things = ("field notes", "methods", "case studies", "templates", "datasets", "lessons")
    def line() -> str:
        return f"We {rng.choice(verbs)} {rng.choice(things)} about {topic.lower()}."
    return {
        "charter_domain": f"**{topic}**: the questions practitioners face. {line()}",
        "charter_community": f"Practitioners across {rng.randint(3, 40)} organisations. {line()}",
        "charter_practice": f"- {line()}\n- {line()}\n- Monthly calls and a shared library.",
        "case_why": f"Learn from peers who already solved it. {line()}",
        "case_what": f"Meet people working on {topic.lower()} elsewhere. {line()}",
        "case_how": "Introduce yourself, join a call, share one thing you learnt.",
    }


def community_fields(i: int, rng: random.Random) -> dict:
    from cultivate.communities.models import JoinPolicy, Kind, Stage, Visibility

    topic = TOPICS[i % len(TOPICS)]
    if i == 0:  # the large one: public and open so anonymous benchmarks can read it
        return {"name": "Bench Large Community", "slug": LARGE_SLUG, "topic": topic,
                "visibility": Visibility.PUBLIC, "join_policy": JoinPolicy.OPEN,
                "kind": Kind.NETWORK, "stage": Stage.STEWARDSHIP}
    name = f"{topic} {QUALIFIERS[i % len(QUALIFIERS)]} {i:03d}"
    return {
        "name": name, "slug": f"bench-{i:03d}", "topic": topic,
        "visibility": rng.choices(list(Visibility), weights=(7, 2, 1))[0],
        "join_policy": rng.choices(list(JoinPolicy), weights=(5, 4, 1))[0],
        "kind": rng.choices(list(Kind), weights=(4, 1))[0],
        "stage": rng.choice(list(Stage)),
    }


def build_community(i: int, rng: random.Random, creator_id: int, now: datetime):
    from cultivate.communities.models import Community
    from cultivate.core.markdown import render_markdown

    fields = community_fields(i, rng)
    texts = charter_text(rng, fields.pop("topic"))
    # bulk_create skips Community.save(), which renders the Markdown: render it here instead.
    html = {f"{key}_html": render_markdown(value) for key, value in texts.items()}
    return Community(
        **fields, **texts, **html, tagline=f"Practitioners of {fields['name'].lower()}",
        created_by_id=creator_id, created_at=now - timedelta(days=DAYS + rng.randint(1, 400)),
    )


def create_communities(count: int, user_ids: list[int], tags: list, rng: random.Random,
                       now: datetime) -> list:
    from cultivate.communities.models import Community

    built = [build_community(i, rng, rng.choice(user_ids), now) for i in range(count)]
    Community.objects.bulk_create(built, batch_size=BATCH)
    communities = list(Community.objects.order_by("id"))
    Through = Community.tags.through
    links = [Through(community_id=c.pk, tag_id=t.pk)
             for c in communities for t in rng.sample(tags, rng.randint(1, 4))]
    Through.objects.bulk_create(links, batch_size=BATCH)
    return communities


# --- Memberships ----------------------------------------------------------------------------


def plan_memberships(user_ids: list[int], communities: list, rng: random.Random) -> dict:
    """user id -> community ids: the large one takes LARGE_SHARE, the rest follow a long tail."""
    large, rest = communities[0].pk, [c.pk for c in communities[1:]]
    # Zipf-like popularity; cumulative weights keep each draw a bisect, not a 99-item sum.
    tail = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(rest))))
    plan = {}
    for user_id in user_ids:
        wanted = rng.choices((1, 2, 3), weights=(5, 3, 2))[0]
        chosen = {large} if rng.random() < LARGE_SHARE else set()
        # Only `rest` is drawn from here, so never ask for more than it can give.
        while len(chosen) < min(wanted, len(rest) + len(chosen & {large})):
            chosen.add(rng.choices(rest, cum_weights=tail)[0])
        plan[user_id] = sorted(chosen)
    return plan


def assign_roles(by_community: dict[int, list[int]], rng: random.Random) -> dict:
    """(community id, user id) -> role for everyone above plain member."""
    from cultivate.communities.models import Role

    roles = {}
    for community_id, members in by_community.items():
        picked = rng.sample(members, len(members))
        conveners = rng.randint(1, 3)
        facilitators = max(1, len(members) // 200)
        core = len(members) // 10
        for n, user_id in enumerate(picked[: conveners + facilitators + core]):
            role = (Role.CONVENER if n < conveners
                    else Role.FACILITATOR if n < conveners + facilitators else Role.CORE)
            roles[community_id, user_id] = role
        if len(picked) > 10 and rng.random() < 0.3:
            roles[community_id, picked[-1]] = Role.SPONSOR
    return roles


def create_memberships(plan: dict, communities: list, rng: random.Random, now: datetime,
                       timer: Timer) -> dict:
    """Insert the memberships; return (community id, user id) -> joined_at for the activity."""
    from cultivate.communities.models import Membership, Role

    by_community: dict[int, list[int]] = {c.pk: [] for c in communities}
    for user_id, community_ids in plan.items():
        for community_id in community_ids:
            by_community[community_id].append(user_id)
    roles = assign_roles(by_community, rng)
    joined = {key: random_moment(rng, now) for key in
              ((c, u) for u, cs in plan.items() for c in cs)}
    rows = (Membership(community_id=c, user_id=u, joined_at=at, role=roles.get((c, u), Role.MEMBER))
            for (c, u), at in joined.items())
    for batch in chunks(rows):
        Membership.objects.bulk_create(batch, batch_size=BATCH)
    timer.step(f"memberships: {len(joined):,} ({len(roles):,} above plain member)")
    return joined


def sync_member_counts() -> None:
    from django.db.models import Count, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from cultivate.communities.models import Community, Membership

    counted = (Membership.objects.filter(community=OuterRef("pk")).order_by()
               .values("community").annotate(n=Count("*")).values("n"))
    Community.objects.update(member_count=Coalesce(Subquery(counted), Value(0)))


# --- Activity -------------------------------------------------------------------------------


def user_activity(user_id: int, community_ids: list[int], joined: dict, per_member: int,
                  rng: random.Random, now: datetime) -> Iterator:
    """One `member.joined` per membership, then a mix of other verbs up to per_member rows."""
    from cultivate.activity.models import Activity

    for community_id in community_ids:
        yield Activity(actor_id=user_id, verb="member.joined", community_id=community_id,
                       occurred_at=joined[community_id, user_id], payload={})
    for _ in range(per_member - len(community_ids)):
        verb = rng.choices(VERBS, cum_weights=VERB_WEIGHTS)[0]
        community_id = None if verb == "profile.edited" else rng.choice(community_ids)
        yield Activity(actor_id=user_id, verb=verb, community_id=community_id,
                       occurred_at=random_moment(rng, now), payload={})


def create_activity(plan: dict, joined: dict, communities: list, per_member: int,
                    rng: random.Random, now: datetime, timer: Timer) -> int:
    from cultivate.activity.models import Activity

    founding = [Activity(actor_id=c.created_by_id, verb="community.created", community_id=c.pk,
                         occurred_at=c.created_at, payload={}) for c in communities]
    Activity.objects.bulk_create(founding, batch_size=BATCH)
    rows = (row for user_id, community_ids in plan.items()
            for row in user_activity(user_id, community_ids, joined, per_member, rng, now))
    total = len(founding)
    expected = len(plan) * per_member
    for batch in chunks(rows):
        Activity.objects.bulk_create(batch, batch_size=BATCH)
        total += len(batch)
        timer.step(f"activity: {total:,}/{expected + len(founding):,}")
    return total


# --- Main -----------------------------------------------------------------------------------


def refuse_if_not_empty() -> None:
    from django.db import connection

    from cultivate.communities.models import Community

    if Community.objects.exists():
        name = connection.settings_dict["NAME"]
        sys.exit(f"Refusing to generate: database {name} already holds communities. "
                 "Use a fresh --data-dir (SQLite) or a fresh database (PostgreSQL).")


def generate(args: argparse.Namespace) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    rng = random.Random(args.seed)
    now = timezone.now()
    timer = Timer()
    print(f"Generating into {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    with transaction.atomic():  # all or nothing: a failed run leaves nothing to clean up
        tags = create_tags()
        user_ids = create_users(args.members, rng, now, timer)
        communities = create_communities(args.communities, user_ids, tags, rng, now)
        timer.step(f"communities: {len(communities)} with {len(tags)} tags")
        plan = plan_memberships(user_ids, communities, rng)
        timer.step("membership plan")
        joined = create_memberships(plan, communities, rng, now, timer)
        sync_member_counts()
        timer.step("member counts synced")
        rows = create_activity(plan, joined, communities, args.activity_per_member, rng, now,
                               timer)
        timer.step(f"committing ({rows:,} activity rows)")
    timer.step("committed")
    analyse()
    timer.step("statistics refreshed (ANALYZE)")
    report()


def analyse() -> None:
    # Fresh planner statistics, as a live database would have after autovacuum/optimize.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def report() -> None:
    from cultivate.communities.models import Community

    large = Community.objects.get(slug=LARGE_SLUG)
    total = Community.objects.count()
    print(f"Done: {total} communities; {LARGE_SLUG} has {large.member_count:,} members "
          f"({large.visibility}, {large.join_policy}).")


def main() -> None:
    args = parse_args()
    setup_django(args.database_url, args.data_dir)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    refuse_if_not_empty()
    generate(args)


if __name__ == "__main__":
    main()
