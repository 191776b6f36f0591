"""The figures behind the health signals, read for many communities at once from what the
hourly job already stores (levels, level changes, weekly figures, the network) and from events,
memberships and pulse surveys. One grouped query per figure, never one per community, so the
job's health step costs seconds for a hundred communities."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Exists, OuterRef, Q

from cultivate.communities.models import Community, Membership
from cultivate.health.models import PulseAnswer, PulseSurvey
from cultivate.health.thresholds import PULSE_MIN_ANSWERS
from cultivate.insights.models import (
    LEVEL_ORDER,
    CommunityFigures,
    Level,
    LevelChange,
    LevelSnapshot,
    MemberLevel,
    NetworkMember,
    WeeklyFigures,
)

RECENT_WEEKS = 12  # conversation and practice are read over the last twelve full weeks
EVENT_WEEKS = 26  # the rhythm of events over the last half year
MOVEMENT_DAYS = 90
NEWCOMER_DAYS = 365  # "newcomers" for room at the centre: joined within a year
SETTLE_LOOKBACK_DAYS = 182  # newcomers checked for a first tie: joined within half a year
TREND_DAYS = 28
CONVERSATION_KINDS = ("answering", "sharing", "posting", "facilitating")
PRACTICE_KINDS = ("answering", "sharing")
PULSE_FIELDS = ("passion", "trust", "value_felt", "identification")


def read_all(community_ids: list[int], *, now: datetime) -> dict[int, dict]:
    """community id -> the raw figures the signals judge."""
    readings: dict[int, dict] = {pk: {} for pk in community_ids}
    for pk, members, created_at in (Community.objects.filter(pk__in=community_ids)
                                    .values_list("pk", "member_count", "created_at")):
        readings[pk].update(members=members, age_days=(now - created_at).days,
                            created_at=created_at)
    _read_all_steps(readings, community_ids, now)
    for reading in readings.values():
        reading.pop("created_at", None)  # stored signals keep only numbers
    return readings


def _read_all_steps(readings, community_ids, now) -> None:
    for reader in (_levels, _core_trend, _weeks, _events, _network, _newcomers_settled,
                   _movement, _rising, _leaders, _pulse):
        reader(readings, community_ids, now)


def _levels(readings, ids, now) -> None:
    rows = (MemberLevel.objects.filter(community_id__in=ids, is_member=True)
            .values_list("community_id", "level").annotate(n=Count("id")).order_by())
    for pk, level, n in rows:
        readings[pk].setdefault("levels", {})[level] = n
    energy = (MemberLevel.objects.filter(community_id__in=ids, is_member=True, level=Level.CORE)
              .values_list("community_id").annotate(weeks=Avg("active_weeks")).order_by())
    for pk, weeks in energy:
        readings[pk]["core_active_weeks"] = float(weeks or 0)


def _core_trend(readings, ids, now) -> None:
    """The core group's size about four weeks ago, from the job's daily snapshots."""
    then = (now - timedelta(days=TREND_DAYS)).date()
    rows = (LevelSnapshot.objects.filter(community_id__in=ids, taken_on__lte=then,
                                         taken_on__gte=then - timedelta(days=14))
            .order_by("community_id", "taken_on").values_list("community_id", "counts"))
    for pk, counts in rows:  # the latest of the fortnight wins
        readings[pk]["core_before"] = int((counts or {}).get(Level.CORE, 0))


def _weeks(readings, ids, now) -> None:
    """Conversation week by week and the share of practice, over the last full weeks."""
    this_monday = now.date() - timedelta(days=now.weekday())
    first = this_monday - timedelta(weeks=RECENT_WEEKS)
    rows = (WeeklyFigures.objects.filter(community_id__in=ids, week__gte=first,
                                         week__lt=this_monday)
            .values_list("community_id", "week", "contributions"))
    active_weeks: dict[int, set] = defaultdict(set)
    kinds: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for pk, week, contributions in rows:
        talk = sum(int(contributions.get(kind, 0)) for kind in CONVERSATION_KINDS)
        if talk:
            active_weeks[pk].add(week)
        for kind in ("answering", "sharing", "posting"):
            kinds[pk][kind] += int(contributions.get(kind, 0))
    for pk in ids:
        readings[pk]["conversation_weeks"] = len(active_weeks.get(pk, ()))
        readings[pk]["recent_weeks"] = RECENT_WEEKS
        readings[pk]["contributions"] = dict(kinds.get(pk, {}))


def _events(readings, ids, now) -> None:
    """Starts of the events of the last half year and the next one, occurrences of repeating
    events included (events.queries expands them within the window)."""
    from cultivate.events.queries import occurrence_starts

    since = now - timedelta(weeks=EVENT_WEEKS)
    starts = occurrence_starts(ids, since=since, until=now + timedelta(weeks=EVENT_WEEKS))
    for pk in ids:
        times = sorted(starts.get(pk, ()))
        past = [t for t in times if t <= now]
        upcoming = [t for t in times if t > now]
        readings[pk]["events_past"] = len(past)
        readings[pk]["next_event"] = upcoming[0].isoformat() if upcoming else None
        # A community younger than the window is not blamed for the months before it began.
        created_at = readings[pk].get("created_at") or since
        start = since if created_at <= since else min([created_at, *past[:1]])
        readings[pk]["event_gap_weeks"] = _longest_gap(past, upcoming[:1], since=start, now=now)
        readings[pk]["last_event"] = past[-1].isoformat() if past else None


def _longest_gap(past: list, upcoming: list, *, since, now) -> float:
    """The longest stretch without an event, in weeks, from the start of the window to the
    next planned event (or to now when none is planned)."""
    points = [since, *past, *(upcoming or [now])]
    pairs = zip(points, points[1:], strict=False)
    gaps = [(later - earlier).total_seconds() for earlier, later in pairs]
    return round(max(gaps) / (7 * 86400), 1) if gaps else 0.0


def _network(readings, ids, now) -> None:
    for pk, network in (CommunityFigures.objects.filter(community_id__in=ids)
                        .values_list("community_id", "network")):
        network = network or {}
        readings[pk]["density"] = float(network.get("density") or 0)
        readings[pk]["connected"] = int(network.get("nodes") or 0)


def _newcomers_settled(readings, ids, now) -> None:
    """Members who joined in the last half year, with the weeks since they joined and whether
    they have a tie yet; signals cut them at the community's own `settle_weeks`."""
    tied = NetworkMember.objects.filter(community_id=OuterRef("community_id"),
                                        user_id=OuterRef("user_id"), degree__gt=0)
    rows = (Membership.objects.filter(community_id__in=ids,
                                      joined_at__gte=now - timedelta(days=SETTLE_LOOKBACK_DAYS))
            .annotate(tied=Exists(tied)).values_list("community_id", "joined_at", "tied")
            .order_by())
    for pk, joined_at, has_tie in rows.iterator(chunk_size=5000):
        weeks = (now - joined_at).days // 7
        readings[pk].setdefault("newcomer_weeks", []).append((weeks, bool(has_tie)))


def _movement(readings, ids, now) -> None:
    rank = {level: i for i, level in enumerate(LEVEL_ORDER)}
    rows = (LevelChange.objects.filter(community_id__in=ids,
                                       changed_at__gte=now - timedelta(days=MOVEMENT_DAYS))
            .exclude(from_level="").values_list("community_id", "from_level", "to_level")
            .annotate(n=Count("id")).order_by())
    for pk, before, after, n in rows:
        direction = "inward" if rank[after] < rank[before] else "outward"
        readings[pk][direction] = readings[pk].get(direction, 0) + n


def _rising(readings, ids, now) -> None:
    """Newcomers of the past year, and how many of them are now active or in the core."""
    central = MemberLevel.objects.filter(community_id=OuterRef("community_id"),
                                         user_id=OuterRef("user_id"),
                                         level__in=(Level.CORE, Level.ACTIVE))
    rows = (Membership.objects.filter(community_id__in=ids,
                                      joined_at__gte=now - timedelta(days=NEWCOMER_DAYS))
            .values_list("community_id")
            .annotate(total=Count("id"), rising=Count("id", filter=Q(Exists(central))))
            .order_by())
    for pk, total, rising in rows:
        readings[pk].update(newcomers=total, newcomers_rising=rising)


def _leaders(readings, ids, now) -> None:
    """People who facilitated or answered in the levels' window, and their share of it."""
    rows = (MemberLevel.objects.filter(community_id__in=ids, is_member=True)
            .filter(Q(counts__facilitating__gt=0) | Q(counts__answering__gt=0))
            .values_list("community_id", "counts"))
    for pk, counts in rows.iterator(chunk_size=5000):
        work = int(counts.get("facilitating", 0)) + int(counts.get("answering", 0))
        readings[pk].setdefault("leader_work", []).append(work)


def _pulse(readings, ids, now) -> None:
    """The latest survey of each community that reached the minimum of answers."""
    surveys = (PulseSurvey.objects.filter(community_id__in=ids)
               .annotate(n=Count("answers")).filter(n__gte=PULSE_MIN_ANSWERS)
               .order_by("community_id", "-opened_at").values_list("pk", "community_id", "n",
                                                                   "opened_at"))
    latest = {}
    for pk, community_id, n, opened_at in surveys:
        latest.setdefault(community_id, (pk, n, opened_at))
    if not latest:
        return
    averages = (PulseAnswer.objects.filter(survey_id__in=[v[0] for v in latest.values()])
                .values_list("survey_id")
                .annotate(*[Avg(field) for field in PULSE_FIELDS]).order_by())
    by_survey = {row[0]: row[1:] for row in averages}
    for community_id, (survey_id, n, opened_at) in latest.items():
        scores = dict(zip(PULSE_FIELDS, by_survey.get(survey_id, ()), strict=False))
        readings[community_id]["pulse"] = {
            "survey": survey_id, "answers": n, "opened_at": opened_at.isoformat(),
            **{field: round(float(v), 2) for field, v in scores.items() if v is not None}}
