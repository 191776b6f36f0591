"""Levels of participation computed from the activity log by the documented rules."""

from datetime import timedelta

import pytest

from cultivate.activity.actions import Verb
from cultivate.communities.models import Membership
from cultivate.insights.levels import compute_levels
from cultivate.insights.models import LevelChange, LevelRules, LevelSnapshot, MemberLevel
from cultivate.insights.rules import Thresholds, level_of

pytestmark = pytest.mark.django_db


def levels_of(community) -> dict[str, str]:
    return dict(MemberLevel.objects.filter(community=community)
                .values_list("user__username", "level"))


def busy_weeks(act, person, community, verb, *, weeks: int, per_week: int):
    for week in range(weeks):
        for n in range(per_week):
            act(person, verb, community, days_ago=7 * week + n * 0.1 + 1)


def test_each_kind_of_participation_lands_at_its_level(cast, act, now, make_user):
    from cultivate.communities.models import Membership

    community, people = cast
    busy_weeks(act, people["answerer"], community, Verb.ANSWER_POSTED, weeks=6, per_week=2)
    busy_weeks(act, people["convener"], community, Verb.EVENT_PLANNED, weeks=5, per_week=2)
    for n in range(4):  # score 5 * 4 = 20: active, not core (one week only)
        act(people["regular"], Verb.STORY_TOLD, community, days_ago=3 + n * 0.01)
    act(people["occasional"], Verb.POST_REPLIED, community, days_ago=10)
    act(people["occasional"], Verb.POST_REPLIED, community, days_ago=40)
    for day in range(1, 4):
        act(people["reader"], Verb.COMMUNITY_VISITED, community, days_ago=day)
    act(people["quiet"], Verb.ANSWER_POSTED, community, days_ago=200)  # outside the window
    newcomer = make_user("newcomer")
    Membership.objects.create(community=community, user=newcomer,
                              joined_at=now - timedelta(days=5))
    act(newcomer, Verb.QUESTION_ASKED, community, days_ago=4)
    Membership.objects.filter(user=people["left"]).delete()
    act(people["left"], Verb.POST_REPLIED, community, days_ago=20)

    compute_levels(now=now)

    assert levels_of(community) == {
        "answerer": "core", "convener": "core", "regular": "active", "occasional": "occasional",
        "reader": "peripheral", "quiet": "peripheral", "newcomer": "transactional",
        "left": "transactional"}
    answerer = MemberLevel.objects.get(user=people["answerer"])
    assert answerer.counts == {"answering": 12} and answerer.score == 60
    assert answerer.active_weeks == 6
    snapshot = LevelSnapshot.objects.get(community=community)
    assert snapshot.counts == {"core": 2, "active": 1, "occasional": 1, "peripheral": 2,
                               "transactional": 2}


def test_facilitators_tune_thresholds_and_history_keeps_the_moves(cast, act, now):
    community, people = cast
    act(people["occasional"], Verb.POST_REPLIED, community, days_ago=10)
    act(people["occasional"], Verb.POST_REPLIED, community, days_ago=12)
    compute_levels(now=now)
    assert levels_of(community)["occasional"] == "occasional"
    LevelRules.objects.create(community=community, occasional_score=5)
    later = now + timedelta(days=1)
    compute_levels(now=later)
    assert levels_of(community)["occasional"] == "peripheral"
    moves = list(LevelChange.objects.filter(user=people["occasional"])
                 .values_list("from_level", "to_level"))
    assert moves == [("occasional", "peripheral"), ("", "occasional")]
    assert MemberLevel.objects.get(user=people["occasional"]).since == later
    assert MemberLevel.objects.get(user=people["quiet"]).since == now  # unchanged level


def test_a_longer_window_reaches_older_activity(cast, act, now):
    community, people = cast
    for n in range(3):
        act(people["quiet"], Verb.ANSWER_POSTED, community, days_ago=300 + n)
    compute_levels(now=now)
    assert levels_of(community)["quiet"] == "peripheral"
    LevelRules.objects.create(community=community, window_days=400)
    compute_levels(now=now + timedelta(hours=1))
    assert levels_of(community)["quiet"] == "active"


def test_recomputing_changes_nothing_and_members_without_activity_stay_listed(cast, now):
    community, people = cast
    compute_levels(now=now)
    compute_levels(now=now + timedelta(hours=1))
    assert set(levels_of(community).values()) == {"peripheral"}
    assert len(levels_of(community)) == 7
    assert LevelChange.objects.count() == 7  # only the first placement
    # Nothing changed, so nothing was written again.
    assert MemberLevel.objects.filter(computed_at=now).count() == 7
    # Someone who left with nothing in the window drops out.
    Membership.objects.filter(community=community, user=people["quiet"]).delete()
    compute_levels(now=now + timedelta(hours=2))
    assert "quiet" not in levels_of(community) and len(levels_of(community)) == 6


@pytest.mark.parametrize("counts,asked_only,weeks,member,new,expected", [
    ({"answering": 8}, False, 4, True, False, "core"),
    ({"answering": 8}, False, 3, True, False, "active"),  # not regular enough for core
    ({"posting": 1}, True, 1, True, True, "transactional"),  # came with a question
    ({"posting": 1}, False, 1, True, True, "peripheral"),  # a reply is giving
    ({"attending": 1}, True, 1, True, True, "transactional"),
    ({"posting": 2}, False, 1, True, False, "occasional"),
    ({}, True, 0, True, False, "peripheral"),
    ({"answering": 50}, False, 10, False, False, "transactional"),  # not a member
])
def test_the_rules(counts, asked_only, weeks, member, new, expected):
    assert level_of(counts=counts, asked_only=asked_only, active_weeks=weeks, is_member=member,
                    joined_in_window=new, t=Thresholds()) == expected


def test_reading_is_recorded_once_a_day_and_never_shown_in_the_feed(cast, signed_in):
    from cultivate.activity.models import Activity
    from cultivate.activity.stream import community_stream

    community, people = cast
    reader = signed_in(people["reader"])
    for _ in range(3):
        assert reader.get(f"/c/{community.slug}/").status_code == 200
    visits = Activity.objects.filter(verb=Verb.COMMUNITY_VISITED, actor=people["reader"])
    assert visits.count() == 1
    assert all(entry.activity.verb != Verb.COMMUNITY_VISITED
               for entry in community_stream(community))
