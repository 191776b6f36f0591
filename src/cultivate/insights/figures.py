"""Recompute each community's weekly figures and headline numbers from the activity log (the
topic and post tables only give titles and addresses)."""

import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, Count, F, Min, Q, Sum, Value, When, Window
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, RowNumber

from cultivate.activity.actions import Verb
from cultivate.activity.models import Activity
from cultivate.communities.models import Community
from cultivate.conversations.queries import describe_posts, describe_topics, topics_of_posts
from cultivate.insights.levels import week_of_activity
from cultivate.insights.models import CommunityFigures, MemberLevel, WeeklyFigures
from cultivate.insights.rules import VERB_KIND

ABSENCE_WEEKS = 4  # back after this many quiet weeks: "returning"
UNANSWERED_SHOWN = 20
USEFUL_SHOWN = 10


def compute_figures(*, now: datetime, community_ids=None, imported_history: bool = False
                    ) -> dict:
    """Store the figures as of `now`; `imported_history`: `now` is the last activity of an
    imported archive (as_of.py), said with the figures so pages read them as of that date."""
    communities = list(Community.objects.filter(
        **({} if community_ids is None else {"pk__in": list(community_ids)}))
        .values_list("pk", "member_count"))
    ids = [pk for pk, _count in communities]
    weeks, questions, useful = _gather(ids, now)
    levels = _level_counts(ids)
    with transaction.atomic():
        WeeklyFigures.objects.filter(community__in=ids).delete()
        WeeklyFigures.objects.bulk_create(
            (WeeklyFigures(community_id=c, week=w, **values)
             for (c, w), values in sorted(weeks.items())), batch_size=2000)
        for community_id, member_count in communities:
            values = _community_values(member_count, questions.get(community_id, {}),
                                       useful.get(community_id, []),
                                       levels.get(community_id, {}), now)
            CommunityFigures.objects.update_or_create(
                community_id=community_id,
                defaults=values | {"imported_history": imported_history})
    return {"communities": len(ids), "weeks": len(weeks)}


def _gather(ids, now) -> tuple[dict, dict, dict]:
    """Weekly figures, questions and useful content of the communities' log before `now`."""
    scope = Activity.objects.filter(community__in=ids, occurred_at__lt=now)
    weeks = _weekly_contributions(scope)
    _people_per_week(scope, weeks)
    questions = _questions(scope)
    _question_weeks(questions, weeks)
    return weeks, questions, _useful_content(scope)


def figures_at(community_id: int, moment: datetime, *, levels: dict[str, int],
               members: int) -> tuple[list[WeeklyFigures], CommunityFigures]:
    """One community's weekly and headline figures as of a past `moment`, computed and not
    stored (a page asked for another date than the stored one)."""
    weeks, questions, useful = _gather([community_id], moment)
    weekly = [WeeklyFigures(community_id=c, week=w, **values)
              for (c, w), values in sorted(weeks.items())]
    return weekly, CommunityFigures(community_id=community_id, **_community_values(
        members, questions.get(community_id, {}), useful.get(community_id, []), levels,
        moment))


def _week(value):
    if isinstance(value, str):  # SQLite's dates in raw SQL
        value = date.fromisoformat(value[:10])
    day = value.date() if isinstance(value, datetime) else value
    return day - timedelta(days=day.weekday())


def _blank() -> dict:
    return {"contributions": {}, "contributors": 0, "new_members": 0, "returning_members": 0,
            "questions": 0, "questions_answered": 0, "first_answer_seconds": [],
            "attendance": 0}


def _weekly_contributions(scope) -> dict:
    """Contributions by kind, new members and attendance per week: one grouped scan."""
    weeks: dict = defaultdict(_blank)
    rows = (scope.filter(verb__in=[*VERB_KIND, Verb.MEMBER_JOINED])
            .annotate(week=week_of_activity())
            .values_list("community_id", "week", "verb").annotate(n=Count("id")).order_by())
    for community_id, week, verb, n in rows.iterator(chunk_size=20000):
        figures = weeks[(community_id, _week(week))]
        if verb == Verb.MEMBER_JOINED:
            figures["new_members"] += n
            continue
        kind = VERB_KIND[verb]
        figures["contributions"][kind] = figures["contributions"].get(kind, 0) + n
        if verb in (Verb.LIVE_JOINED, Verb.EVENT_ATTENDED):
            figures["attendance"] += n
    return weeks


def _people_per_week(scope, weeks) -> None:
    """Contributors per week, and those back after ABSENCE_WEEKS quiet weeks: counted in the
    database (each person's previous active week by LAG), so only one row per community and
    week comes back instead of one per person and week."""
    contributing = [verb for verb, kind in VERB_KIND.items() if kind != "reading"]
    active = (scope.filter(verb__in=contributing, actor__isnull=False)
              .annotate(c=F("community_id"), a=F("actor_id"), week=week_of_activity())
              .values("c", "a", "week").distinct().order_by())
    inner, params = active.query.sql_with_params()
    q = connection.ops.quote_name
    c, a, week, previous = q("c"), q("a"), q("week"), q("previous")
    quiet = (f"({week}::date - {previous}::date)" if connection.vendor == "postgresql"
             else f"(julianday({week}) - julianday({previous}))")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {c}, {week}, COUNT(*), "  # noqa: S608 - ORM-compiled, quoted names
            f"SUM(CASE WHEN {quiet} > %s THEN 1 ELSE 0 END) "
            f"FROM (SELECT {c}, {week}, LAG({week}) OVER (PARTITION BY {c}, {a} "
            f"ORDER BY {week}) AS {previous} FROM ({inner}) active) runs GROUP BY {c}, {week}",
            [ABSENCE_WEEKS * 7, *params])
        for community_id, active_week, contributors, returning in cursor.fetchall():
            figures = weeks[(community_id, _week(active_week))]
            figures["contributors"] += contributors
            figures["returning_members"] += returning or 0


def _questions(scope) -> dict[int, dict[int, list]]:
    """community -> topic -> [asked_at, first answer at or None], in one grouped scan: a
    question's topic is its target, an answer names its topic in the payload."""
    topic = Case(When(verb=Verb.QUESTION_ASKED, then=F("target_id")),
                 default=Cast(KT("payload__topic"), BigIntegerField()))
    rows = (scope.filter(verb__in=[Verb.QUESTION_ASKED, Verb.ANSWER_POSTED])
            .annotate(topic=topic).values_list("community_id", "topic")
            .annotate(asked=Min("occurred_at", filter=Q(verb=Verb.QUESTION_ASKED)),
                      first=Min("occurred_at", filter=Q(verb=Verb.ANSWER_POSTED)))
            .order_by())
    asked: dict = defaultdict(dict)
    without_topic = False
    for community_id, topic_id, asked_at, first in rows.iterator(chunk_size=20000):
        if topic_id is None:
            without_topic = without_topic or first is not None
        elif asked_at is not None:
            asked[community_id][topic_id] = [asked_at, first]
    if without_topic:  # rows older than the "topic" key: find their topic through the post
        _first_answers_through_posts(scope, asked)
    return asked


def _first_answer(asked, community_id, topic_id, first) -> None:
    entry = asked[community_id].get(topic_id)
    if entry is not None and (entry[1] is None or first < entry[1]):
        entry[1] = first


def _first_answers_through_posts(scope, asked) -> None:
    rows = list(scope.filter(verb=Verb.ANSWER_POSTED, payload__topic__isnull=True)
                .values_list("community_id", "target_id", "occurred_at"))
    topic_of = topics_of_posts([post_id for _c, post_id, _at in rows])
    for community_id, post_id, at in rows:
        if post_id in topic_of:
            _first_answer(asked, community_id, topic_of[post_id], at)


def _question_weeks(questions, weeks) -> None:
    for community_id, topics in questions.items():
        for asked_at, answered_at in topics.values():
            figures = weeks[(community_id, _week(asked_at))]
            figures["questions"] += 1
            if answered_at is not None:
                figures["questions_answered"] += 1
                wait = max(0.0, (answered_at - asked_at).total_seconds())
                figures["first_answer_seconds"].append(wait)
    for figures in weeks.values():
        figures["first_answer_seconds"].sort()


def _useful_content(scope) -> dict[int, list]:
    """Posts others found useful: helpful marks count 1, being the accepted answer 3."""
    score = Sum(Case(When(verb=Verb.ANSWER_ACCEPTED, then=Value(3)), default=Value(1)))
    rank = Window(RowNumber(), partition_by=F("community_id"),
                  order_by=[F("score").desc(), F("target_id").asc()])
    rows = (scope.filter(verb__in=[Verb.POST_MARKED_HELPFUL, Verb.ANSWER_ACCEPTED])
            .order_by().values("community_id", "target_id").annotate(score=score)
            .annotate(rank=rank)
            .filter(rank__lte=USEFUL_SHOWN)  # only each community's best come back
            .values_list("community_id", "target_id", "score"))
    best: dict = defaultdict(list)
    for community_id, post_id, points in rows:
        best[community_id].append((post_id, points))
    for posts in best.values():
        posts.sort(key=lambda p: (-p[1], p[0]))
    described = describe_posts([post_id for posts in best.values() for post_id, _s in posts])
    return {c: [described[p] | {"score": s} for p, s in posts if p in described]
            for c, posts in best.items()}


def _level_counts(ids) -> dict[int, dict[str, int]]:
    counts: dict = defaultdict(dict)
    for community_id, level, n in (MemberLevel.objects.filter(community__in=ids)
                                   .values_list("community_id", "level")
                                   .annotate(n=Count("id")).order_by()):
        counts[community_id][level] = n
    return counts


def _community_values(member_count, topics, useful, levels, now) -> dict:
    waits = sorted(max(0.0, (answered - asked).total_seconds())
                   for asked, answered in topics.values() if answered is not None)
    waiting = sorted((asked, topic_id) for topic_id, (asked, answered) in topics.items()
                     if answered is None)
    shown = describe_topics([topic_id for _at, topic_id in waiting[:UNANSWERED_SHOWN]])
    unanswered = [shown[t] | {"asked_at": at.isoformat()} for at, t in
                  waiting[:UNANSWERED_SHOWN] if t in shown]
    return {
        "members": member_count, "levels": levels, "questions": len(topics),
        "questions_answered": len(waits), "unanswered": unanswered,
        "unanswered_count": len(waiting),
        "median_first_answer_seconds": statistics.median(waits) if waits else None,
        "useful_content": useful, "computed_at": now}
