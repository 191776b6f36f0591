"""Recompute every person's level of participation from the activity log (rules.py), keep the
moves between levels and a daily count per level."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncWeek

from cultivate.activity.models import Activity
from cultivate.communities.models import Community, Membership
from cultivate.insights.bulk import insert_rows
from cultivate.insights.models import (
    LEVEL_ORDER,
    LevelChange,
    LevelRules,
    LevelSnapshot,
    MemberLevel,
)
from cultivate.insights.rules import (
    ASKING_VERBS,
    KINDS,
    VERB_KIND,
    Thresholds,
    level_of,
    score_of,
)

BATCH = 2000


def week_of_activity() -> TruncWeek:
    """The week an activity row falls in, as a date: a timezone-aware datetime per grouped row
    (make_aware on each) cost about half of the job's scan time in Python at 5 million rows."""
    return TruncWeek("occurred_at", output_field=DateField())


class Tally:
    """One person's activity in one community over the window."""

    __slots__ = ("counts", "weeks", "asked", "posted")

    def __init__(self, counts: dict[str, int] | None = None, weeks: int = 0, asked: int = 0):
        self.counts: dict[str, int] = counts or {}
        self.weeks = weeks  # distinct weeks with a contribution other than reading
        self.asked = asked
        self.posted = self.counts.get("posting", 0)


def compute_levels(*, now: datetime, community_ids=None, imported_history: bool = False) -> dict:
    """Store everyone's level as of `now`; `imported_history`: `now` is the last activity of an
    imported archive, so people who joined after it were not members yet."""
    communities = list(Community.objects.filter(**_only(community_ids)).values_list("pk",
                                                                                   flat=True))
    thresholds = {r.community_id: Thresholds.of(r)
                  for r in LevelRules.objects.filter(community__in=communities)}
    tallies = _tally(communities, thresholds, now)
    members = defaultdict(dict)  # community -> user -> joined_at
    joined = {"joined_at__lt": now} if imported_history else {}
    for community_id, user_id, joined_at in Membership.objects.filter(
            community__in=communities, **joined).values_list("community_id", "user_id",
                                                             "joined_at"):
        members[community_id][user_id] = joined_at
    written = 0
    for community_id in communities:
        t = thresholds.get(community_id, Thresholds())
        written += _store(community_id, tallies.get(community_id, {}),
                          members.get(community_id, {}), t, now)
    return {"communities": len(communities), "people": written}


def _only(community_ids) -> dict:
    return {} if community_ids is None else {"pk__in": list(community_ids)}


def _in_window(communities, thresholds, now) -> Q:
    """Each community's rows of its own window (tuned communities may look further back)."""
    tuned = {c: t for c, t in thresholds.items() if t.window_days != Thresholds().window_days}
    usual = [c for c in communities if c not in tuned]
    window = Q(community__in=usual, occurred_at__gte=now - timedelta(days=Thresholds().window_days))
    for community_id, t in tuned.items():
        window |= Q(community=community_id, occurred_at__gte=now - timedelta(days=t.window_days))
    return window


def _tally(communities, thresholds, now) -> dict[int, dict[int, Tally]]:
    """One grouped scan of the windows, one row per (community, person): a count per kind of
    contribution, the questions and the distinct weeks with a contribution, all summed in the
    database (grouping by verb and week instead sent a million rows to Python)."""
    if not communities:
        return {}
    giving = [verb for verb, kind in VERB_KIND.items() if kind != "reading"]
    per_kind = {kind: Count("id", filter=Q(verb__in=verbs))
                for kind, (_weight, verbs) in KINDS.items()}
    rows = (Activity.objects
            .filter(_in_window(communities, thresholds, now), occurred_at__lt=now,
                    verb__in=list(VERB_KIND), actor__isnull=False)
            .values_list("community_id", "actor_id")
            .annotate(asked=Count("id", filter=Q(verb__in=ASKING_VERBS)),
                      weeks=Count(week_of_activity(), filter=Q(verb__in=giving), distinct=True),
                      **per_kind)
            .order_by())
    kinds = list(per_kind)
    tallies: dict[int, dict[int, Tally]] = defaultdict(dict)
    for community_id, actor_id, asked, weeks, *counts in rows.iterator(chunk_size=20000):
        tallies[community_id][actor_id] = Tally(
            {kind: n for kind, n in zip(kinds, counts, strict=True) if n}, weeks, asked)
    return tallies


STORED = ("level", "score", "counts", "active_weeks", "is_member")


def _store(community_id, tallies: dict[int, Tally], members: dict, t: Thresholds, now) -> int:
    """Write the people whose level or counts changed, delete those no longer there: a rerun
    over a quiet hour mostly reads (rewriting all 170,000 rows took most of the step)."""
    stored = {row[0]: row[1:] for row in MemberLevel.objects.filter(
        community=community_id).values_list("user_id", *STORED, "since")}
    people = set(members) | set(tallies)
    added, changed, moves, per_level = [], [], [], dict.fromkeys(LEVEL_ORDER, 0)
    for user_id in people:
        values = _level_values(tallies.get(user_id) or Tally(), members.get(user_id), t, now)
        per_level[values[0]] += 1
        before = stored.get(user_id)
        if before is None:
            moves.append((community_id, user_id, "", values[0], now))
            added.append((community_id, user_id, *values, now, now))
        elif before[:-1] != values:
            moved = before[0] != values[0]
            if moved:
                moves.append((community_id, user_id, before[0], values[0], now))
            changed.append(MemberLevel(
                community_id=community_id, user_id=user_id,
                **dict(zip(STORED, values, strict=True)), computed_at=now,
                since=now if moved else before[-1]))
    with transaction.atomic():
        insert_rows(MemberLevel, ("community", "user", *STORED, "since", "computed_at"), added)
        MemberLevel.objects.bulk_create(  # an upsert: bulk_update's CASE per row is slower
            changed, batch_size=BATCH, update_conflicts=True, unique_fields=["community", "user"],
            update_fields=[*STORED, "since", "computed_at"])
        gone = list(stored.keys() - people)
        for start in range(0, len(gone), BATCH):
            MemberLevel.objects.filter(community=community_id,
                                       user_id__in=gone[start:start + BATCH]).delete()
        insert_rows(LevelChange, ("community", "user", "from_level", "to_level", "changed_at"),
                    moves)
        LevelSnapshot.objects.update_or_create(community_id=community_id, taken_on=now.date(),
                                               defaults={"counts": per_level})
    return len(people)


def _level_values(tally: Tally, joined_at, t: Thresholds, now) -> tuple:
    """The values of STORED for one person: level, score, counts, active weeks, is a member."""
    is_member = joined_at is not None
    level = level_of(counts=tally.counts, asked_only=tally.posted == tally.asked,
                     active_weeks=tally.weeks, is_member=is_member,
                     joined_in_window=is_member
                     and joined_at >= now - timedelta(days=t.window_days), t=t)
    return level, score_of(tally.counts), tally.counts, tally.weeks, is_member


def levels_at(community_id: int, moment: datetime) -> dict[int, tuple]:
    """Everyone's values of STORED in a community as of a past `moment`, computed and not
    stored (a page asked for another date than the stored one). Three queries."""
    rules = LevelRules.objects.filter(community=community_id).first()
    t = Thresholds.of(rules)
    tallies = _tally([community_id], {community_id: t}, moment).get(community_id, {})
    members = dict(Membership.objects.filter(community=community_id, joined_at__lt=moment)
                   .values_list("user_id", "joined_at"))
    return {user_id: _level_values(tallies.get(user_id) or Tally(), members.get(user_id), t,
                                   moment) for user_id in set(members) | set(tallies)}


def count_levels(values: dict[int, tuple]) -> dict[str, int]:
    """People at each level, from the values of `levels_at`."""
    counts = dict.fromkeys(LEVEL_ORDER, 0)
    for level, *_rest in values.values():
        counts[level] += 1
    return counts
