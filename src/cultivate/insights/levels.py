"""Recompute every person's level of participation from the activity log (rules.py), keep the
moves between levels and a daily count per level."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, DateField
from django.db.models.functions import TruncWeek

from cultivate.activity.models import Activity
from cultivate.communities.models import Community, Membership
from cultivate.insights.models import (
    LEVEL_ORDER,
    LevelChange,
    LevelRules,
    LevelSnapshot,
    MemberLevel,
)
from cultivate.insights.rules import ASKING_VERBS, VERB_KIND, Thresholds, level_of, score_of

BATCH = 2000


def week_of_activity() -> TruncWeek:
    """The week an activity row falls in, as a date: a timezone-aware datetime per grouped row
    (make_aware on each) cost about half of the job's scan time in Python at 5 million rows."""
    return TruncWeek("occurred_at", output_field=DateField())


class Tally:
    """One person's activity in one community over the window."""

    __slots__ = ("counts", "weeks", "asked", "posted")

    def __init__(self):
        self.counts: dict[str, int] = defaultdict(int)
        self.weeks: set = set()
        self.asked = 0
        self.posted = 0


def compute_levels(*, now: datetime, community_ids=None) -> dict:
    communities = list(Community.objects.filter(**_only(community_ids)).values_list("pk",
                                                                                   flat=True))
    thresholds = {r.community_id: Thresholds.of(r)
                  for r in LevelRules.objects.filter(community__in=communities)}
    tallies = _tally(communities, thresholds, now)
    members = defaultdict(dict)  # community -> user -> joined_at
    for community_id, user_id, joined_at in Membership.objects.filter(
            community__in=communities).values_list("community_id", "user_id", "joined_at"):
        members[community_id][user_id] = joined_at
    written = 0
    for community_id in communities:
        t = thresholds.get(community_id, Thresholds())
        written += _store(community_id, tallies.get(community_id, {}),
                          members.get(community_id, {}), t, now)
    return {"communities": len(communities), "people": written}


def _only(community_ids) -> dict:
    return {} if community_ids is None else {"pk__in": list(community_ids)}


def _tally(communities, thresholds, now) -> dict[int, dict[int, Tally]]:
    """One grouped scan of the window: (community, actor, verb, week) -> count."""
    longest = max([t.window_days for t in thresholds.values()] + [Thresholds().window_days])
    rows = (Activity.objects
            .filter(occurred_at__gte=now - timedelta(days=longest), occurred_at__lt=now,
                    verb__in=list(VERB_KIND), actor__isnull=False)
            .filter(community__in=communities)
            .annotate(week=week_of_activity())
            .values_list("community_id", "actor_id", "verb", "week")
            .annotate(n=Count("id")).order_by())
    starts = {c: _week_start(now - timedelta(days=thresholds.get(c, Thresholds()).window_days))
              for c in communities}
    tallies: dict[int, dict[int, Tally]] = defaultdict(dict)
    for community_id, actor_id, verb, week, n in rows.iterator(chunk_size=20000):
        if _as_date(week) < starts[community_id]:
            continue
        tally = tallies[community_id].get(actor_id)
        if tally is None:
            tally = tallies[community_id][actor_id] = Tally()
        kind = VERB_KIND[verb]
        tally.counts[kind] += n
        if kind != "reading":
            tally.weeks.add(week)
        if kind == "posting":
            tally.posted += n
            if verb in ASKING_VERBS:
                tally.asked += n
    return tallies


def _week_start(moment: datetime):
    day = moment.date()
    return day - timedelta(days=day.weekday())


def _as_date(week):
    return week.date() if isinstance(week, datetime) else week


def _store(community_id, tallies: dict[int, Tally], members: dict, t: Thresholds, now) -> int:
    window_start = now - timedelta(days=t.window_days)
    previous, since = {}, {}
    for user_id, level, at_level_since in MemberLevel.objects.filter(
            community=community_id).values_list("user_id", "level", "since"):
        previous[user_id], since[user_id] = level, at_level_since
    rows, changes, per_level = [], [], dict.fromkeys(LEVEL_ORDER, 0)
    for user_id in set(members) | set(tallies):
        tally = tallies.get(user_id) or Tally()
        joined_at = members.get(user_id)
        level = level_of(counts=dict(tally.counts), asked_only=tally.posted == tally.asked,
                         active_weeks=len(tally.weeks), is_member=joined_at is not None,
                         joined_in_window=joined_at is not None and joined_at >= window_start,
                         t=t)
        per_level[level] += 1
        before = previous.get(user_id)
        if before != level:
            changes.append(LevelChange(community_id=community_id, user_id=user_id,
                                       from_level=before or "", to_level=level, changed_at=now))
        rows.append(MemberLevel(
            community_id=community_id, user_id=user_id, level=level,
            score=score_of(tally.counts), counts=dict(tally.counts), active_weeks=len(tally.weeks),
            is_member=joined_at is not None, computed_at=now,
            since=now if before != level else since.get(user_id, now)))
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            MemberLevel.objects.bulk_create(
                rows[start:start + BATCH], update_conflicts=True,
                unique_fields=["community", "user"],
                update_fields=["level", "score", "counts", "active_weeks", "is_member", "since",
                               "computed_at"])
        MemberLevel.objects.filter(community=community_id).exclude(computed_at=now).delete()
        LevelChange.objects.bulk_create(changes, batch_size=BATCH)
        LevelSnapshot.objects.update_or_create(community_id=community_id, taken_on=now.date(),
                                               defaults={"counts": per_level})
    return len(rows)
