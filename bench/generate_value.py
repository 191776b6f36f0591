"""Add value-creation rows to a generated landscape (bench/generate_landscape.py and
generate_posts.py first), set-based, at a realistic scale:

    .venv/bin/python bench/generate_value.py [--database-url URL] [--data-dir DIR]
        [--applied 20000] [--follow-ups 2000] [--stories 500] [--indicators 5]

"I applied this" records on random replies (a tenth of them in `bench-large`), follow-ups
(mostly reporting a difference, some with a figure), published value-creation stories with two
to five steps, each step with one post as evidence, some corroborations, and custom indicators
per community with eight quarters of figures. Refuses to run twice.
"""

import argparse
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import pages  # noqa: E402

SLUG = "bench-large"
BATCH = 5000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in the data dir")
    parser.add_argument("--data-dir", help="CULTIVATE_DATA_DIR")
    parser.add_argument("--applied", type=int, default=20_000)
    parser.add_argument("--follow-ups", type=int, default=2_000)
    parser.add_argument("--stories", type=int, default=500)
    parser.add_argument("--indicators", type=int, default=5, help="custom ones per community")
    parser.add_argument("--seed", type=int, default=13)
    return parser.parse_args()


def replies(rng, count: int) -> list[tuple[int, int, int, str]]:
    """(post id, topic id, community id, community slug) of random replies, a tenth in the
    large community."""
    from cultivate.conversations.models import Post

    posts = Post.objects.filter(is_opening=False, deleted_at__isnull=True)
    fields = ("pk", "topic_id", "topic__community_id", "topic__community__slug")
    large = list(posts.filter(topic__community__slug=SLUG).order_by("?")
                 .values_list(*fields)[:max(1, count // 10)])
    rest = list(posts.exclude(topic__community__slug=SLUG).order_by("?")
                .values_list(*fields)[:count])
    found = large + rest
    rng.shuffle(found)
    return found


def members_of(community_ids) -> dict[int, list[int]]:
    from cultivate.communities.models import Membership

    found: dict[int, list[int]] = {}
    for community_id, user_id in (Membership.objects.filter(community_id__in=community_ids)
                                  .values_list("community_id", "user_id").iterator()):
        bucket = found.setdefault(community_id, [])
        if len(bucket) < 400:
            bucket.append(user_id)
    return found


def plant_applied(rng, args, targets, members) -> list:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from cultivate.conversations.models import Post
    from cultivate.evaluation.models import AppliedRecord

    post_type = ContentType.objects.get_for_model(Post)
    now, seen, rows = timezone.now(), set(), []
    for post_id, _topic, community_id, _slug in targets:
        people = members.get(community_id)
        if not people:
            continue
        user_id = rng.choice(people)
        if (user_id, post_id) in seen:
            continue
        seen.add((user_id, post_id))
        created = now - timedelta(days=rng.uniform(0, 365))
        due = created + timedelta(weeks=6)
        rows.append(AppliedRecord(community_id=community_id, user_id=user_id, kind="post",
                                  target_type=post_type, target_id=post_id,
                                  note=rng.choice(["", "Used it in our budget call.",
                                                   "Adapted the checklist for our team."]),
                                  created_at=created, follow_up_due_at=due,
                                  follow_up_sent_at=due if due < now else None))
        if len(rows) >= args.applied:
            break
    AppliedRecord.objects.bulk_create(rows, batch_size=BATCH)
    return list(AppliedRecord.objects.filter(follow_up_sent_at__isnull=False)
                .values_list("pk", "follow_up_sent_at")[:args.follow_ups])


def plant_follow_ups(rng, sent) -> int:
    from cultivate.evaluation.models import FollowUp

    rows = []
    for record_id, sent_at in sent:
        difference = rng.choices(["yes", "not_yet", "no"], [7, 2, 1])[0]
        kind = rng.choice(["", "time_saved", "people_reached"]) if difference == "yes" else ""
        rows.append(FollowUp(applied_id=record_id, difference=difference,
                             what_changed="The review took two weeks less." if difference
                             == "yes" else "", figure_kind=kind,
                             figure_value=Decimal(rng.randint(2, 200)) if kind else None,
                             figure_unit="hours" if kind == "time_saved" else "",
                             may_quote=rng.random() < 0.7,
                             answered_at=sent_at + timedelta(days=rng.uniform(0, 20))))
    FollowUp.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def plant_stories(rng, args, targets, members) -> int:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from cultivate.conversations.models import Post
    from cultivate.core.markdown import render_markdown
    from cultivate.evaluation.cycles import KEYS
    from cultivate.evaluation.models import Corroboration, Evidence, StoryStep, ValueStory

    post_type = ContentType.objects.get_for_model(Post)
    now = timezone.now()
    chosen = [t for t in targets if t[2] in members][:args.stories]
    stories = [ValueStory(community_id=community_id, title=f"Value story {i}: a reply that "
                          "changed a budget call", teller_id=rng.choice(members[community_id]),
                          status="published", visibility="community",
                          created_at=now - timedelta(days=rng.uniform(0, 300)),
                          published_at=now)
               for i, (_post, _topic, community_id, _slug) in enumerate(chosen)]
    ValueStory.objects.bulk_create(stories, batch_size=BATCH)
    stories = list(ValueStory.objects.filter(title__startswith="Value story ").order_by("pk"))
    steps = []
    for story in stories:
        first = rng.randint(0, 2)
        for position in range(first, min(len(KEYS), first + rng.randint(2, 5))):
            text = f"What happened in the {KEYS[position]} cycle, in two sentences."
            steps.append(StoryStep(story=story, cycle=KEYS[position], position=position,
                                   text=text, text_html=render_markdown(text),
                                   aspirational=position == 4 and rng.random() < 0.5))
    StoryStep.objects.bulk_create(steps, batch_size=BATCH)
    steps = list(StoryStep.objects.filter(story__in=stories).values_list("pk", "story_id"))
    by_story = {story.pk: target for story, target in zip(stories, chosen, strict=False)}
    Evidence.objects.bulk_create([
        Evidence(step_id=step_id, target_type=post_type, target_id=by_story[story_id][0],
                 url=f"/c/{by_story[story_id][3]}/t/{by_story[story_id][1]}/"
                     f"#post-{by_story[story_id][0]}", label="The reply")
        for step_id, story_id in steps], batch_size=BATCH)
    teller = {story.pk: story.teller_id for story in stories}
    corroborations = []
    for step_id, story_id in steps[::3]:
        people = members[by_story[story_id][2]]
        someone = rng.choice(people)
        if someone != teller[story_id]:
            corroborations.append(Corroboration(step_id=step_id, user_id=someone,
                                                note="I saw it happen."))
    Corroboration.objects.bulk_create(corroborations, batch_size=BATCH,
                                      ignore_conflicts=True)
    return len(stories)


def plant_indicators(rng, args) -> int:
    from cultivate.communities.models import Community
    from cultivate.evaluation.cycles import KEYS
    from cultivate.evaluation.models import Indicator, IndicatorValue
    from cultivate.evaluation.periods import current_quarter

    quarters = [current_quarter()]
    for _ in range(7):
        quarters.insert(0, quarters[0].previous())
    indicators = [Indicator(community_id=community_id, cycle=KEYS[i % len(KEYS)],
                            name=f"Custom indicator {i + 1}", unit="cases",
                            target=Decimal(rng.randint(5, 50)))
                  for community_id in Community.objects.values_list("pk", flat=True)
                  for i in range(args.indicators)]
    Indicator.objects.bulk_create(indicators, batch_size=BATCH)
    values = [IndicatorValue(indicator=indicator, period_start=q.start, period_end=q.end,
                             value=Decimal(rng.randint(0, 60)), source="Bench survey")
              for indicator in Indicator.objects.filter(key="") for q in quarters]
    IndicatorValue.objects.bulk_create(values, batch_size=BATCH)
    return len(indicators)


def main() -> None:
    args = parse_args()
    env = pages.server_env(argparse.Namespace(database_url=args.database_url,
                                              data_dir=args.data_dir))
    import os

    os.environ.update(env)
    import django

    django.setup()
    from django.db import transaction

    from cultivate.evaluation.models import AppliedRecord, ValueStory

    if AppliedRecord.objects.exists() or ValueStory.objects.exists():
        sys.exit("Value rows exist already: generate a fresh landscape to start again.")
    rng = random.Random(args.seed)
    started = time.perf_counter()
    targets = replies(rng, args.applied + args.stories)
    if not targets:
        sys.exit("No replies: run bench/generate_posts.py first.")
    members = members_of({t[2] for t in targets})
    with transaction.atomic():
        sent = plant_applied(rng, args, targets, members)
        follow_ups = plant_follow_ups(rng, sent)
        stories = plant_stories(rng, args, targets[::-1], members)
        indicators = plant_indicators(rng, args)
    print(f"Done in {time.perf_counter() - started:.0f}s: "
          f"{AppliedRecord.objects.count():,} applied records, {follow_ups:,} follow-ups, "
          f"{stories:,} stories, {indicators:,} custom indicators.")


if __name__ == "__main__":
    main()
