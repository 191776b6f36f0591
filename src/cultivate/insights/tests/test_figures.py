"""Weekly and community figures from what people did through the real actions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cultivate.conversations import actions as conversations
from cultivate.conversations.models import TopicKind
from cultivate.insights.figures import compute_figures
from cultivate.insights.levels import compute_levels
from cultivate.insights.models import CommunityFigures, WeeklyFigures

pytestmark = pytest.mark.django_db


def ask(person, community, title, *, days_ago, now):
    return conversations.do_start_topic(actor=person, community=community,
                                        kind=TopicKind.QUESTION, title=title,
                                        body="What do you do?",
                                        occurred_at=now - timedelta(days=days_ago))


def answer(person, topic, *, days_ago, now):
    return conversations.do_reply(actor=person, topic=topic, body="We do this.",
                                  occurred_at=now - timedelta(days=days_ago))


def test_questions_answers_waits_unanswered_and_useful_posts(cast):
    community, people = cast
    now = timezone.now()  # accepting and marking helpful happen now
    quick = ask(people["quiet"], community, "How to cost a policy?", days_ago=20, now=now)
    first = answer(people["answerer"], quick, days_ago=20 - 1 / 24, now=now)  # an hour later
    answer(people["regular"], quick, days_ago=19, now=now)
    slow = ask(people["quiet"], community, "Who audits the auditors?", days_ago=10, now=now)
    answer(people["answerer"], slow, days_ago=7, now=now)  # three days later
    ask(people["reader"], community, "Anyone using accrual budgets?", days_ago=5, now=now)
    conversations.do_accept_answer(actor=people["quiet"], topic=quick, post=first)
    conversations.do_mark_helpful(actor=people["regular"], post=first)

    now += timedelta(seconds=1)
    compute_levels(now=now)
    compute_figures(now=now)

    figures = CommunityFigures.objects.get(community=community)
    assert (figures.questions, figures.questions_answered, figures.unanswered_count) == (3, 2, 1)
    assert figures.median_first_answer_seconds == pytest.approx((3600 + 3 * 86400) / 2)
    assert [q["title"] for q in figures.unanswered] == ["Anyone using accrual budgets?"]
    assert figures.unanswered[0]["url"].endswith(f"/{figures.unanswered[0]['id']}/")
    assert figures.useful_content[0]["id"] == first.pk
    assert figures.useful_content[0]["score"] == 4  # accepted (3) + one helpful mark
    assert figures.levels["peripheral"] >= 1 and figures.members == community.member_count

    weeks = {w.week: w for w in WeeklyFigures.objects.filter(community=community)}
    week_of_quick = min(weeks)
    assert weeks[week_of_quick].questions == 1
    assert weeks[week_of_quick].first_answer_seconds == [pytest.approx(3600)]
    total = {}
    for week in weeks.values():
        for kind, n in week.contributions.items():
            total[kind] = total.get(kind, 0) + n
    assert total["answering"] == 3 and total["posting"] >= 3 + 1  # 3 questions, helpful mark


def test_new_returning_contributors_and_attendance(cast, act, now):
    from cultivate.activity.actions import Verb

    community, people = cast
    act(people["regular"], Verb.POST_REPLIED, community, days_ago=70)
    act(people["regular"], Verb.POST_REPLIED, community, days_ago=7)  # back after 9 weeks
    act(people["answerer"], Verb.POST_REPLIED, community, days_ago=8)
    act(people["answerer"], Verb.POST_REPLIED, community, days_ago=1)  # every week: not back
    act(people["reader"], Verb.LIVE_JOINED, community, days_ago=7)
    act(people["quiet"], Verb.MEMBER_JOINED, community, days_ago=7)
    compute_figures(now=now)
    weeks = list(WeeklyFigures.objects.filter(community=community).order_by("week"))
    returning = {w.week: w.returning_members for w in weeks}
    assert sum(returning.values()) == 1
    assert sum(w.attendance for w in weeks) == 1
    assert sum(w.new_members for w in weeks) == 1


def test_recomputing_replaces_the_figures(cast, act, now):
    from cultivate.activity.actions import Verb

    community, people = cast
    act(people["regular"], Verb.POST_REPLIED, community, days_ago=3)
    compute_figures(now=now)
    compute_figures(now=now)
    weeks = WeeklyFigures.objects.filter(community=community)
    assert sum(w.contributions.get("posting", 0) for w in weeks) == 1
    assert CommunityFigures.objects.filter(community=community).count() == 1
