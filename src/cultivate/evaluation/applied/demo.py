"""Demo data of "I applied this": a question on citizens' budgets answered in Budget Reform
Practitioners, members who applied the answer and the methods, and follow-ups, some answered
with a difference, one due. Planted through the actions, then dated back."""

from datetime import timedelta

from django.utils import timezone

from cultivate.communities.models import Community
from cultivate.conversations import actions as conversations
from cultivate.conversations.models import Topic, TopicKind
from cultivate.evaluation.applied import actions
from cultivate.evaluation.applied.models import AppliedKind, AppliedRecord, FollowUp
from cultivate.practice.models import Method

QUESTION = "How do other ministries publish a citizens' budget?"
ANSWERS = (
    ("elena", "We publish a one-page citizens' summary with the budget law: four charts "
              "(where the money comes from, where it goes, what changes this year, what it "
              "means for a family) and a glossary of ten words. Our template is attached to "
              "the method page of the spending review clinic; happy to walk anyone through it."),
    ("aibek", "In our ministry we ask each line agency for three sentences on what its "
              "programme achieves. It makes the summary possible and the agencies read it."),
    ("anahit", "Worth looking at the open budget survey's guide to citizens' budgets: it has "
               "examples from twenty countries."),
)


def plant(people: dict) -> int:
    budget = Community.objects.filter(slug="budget-reform").first()
    if budget is None or Topic.objects.filter(community=budget, title=QUESTION).exists():
        return 0
    now = timezone.now()
    topic = conversations.do_start_topic(
        actor=people["tamar"], community=budget, kind=TopicKind.QUESTION, title=QUESTION,
        body="We must publish a citizens' budget for 2027 for the first time. What did your "
             "ministry publish, and how did you get line ministries to contribute?",
        tags=("citizen budgets", "fiscal transparency"), occurred_at=now - timedelta(weeks=8))
    # Three answers within a day: the first five hours after the question.
    posts = [conversations.do_reply(actor=people[who], topic=topic, body=body,
                                    occurred_at=now - timedelta(weeks=8)
                                    + timedelta(hours=5 + 8 * i))
             for i, (who, body) in enumerate(ANSWERS)]
    conversations.do_accept_answer(actor=people["tamar"], topic=topic, post=posts[0],
                                   occurred_at=now - timedelta(weeks=7, days=6))
    answer = posts[0]
    made = _applied(people["milica"], AppliedKind.POST, answer.pk,
                    "Used the one-page citizens' summary template in our 2027 budget call.",
                    weeks_ago=7, answer={
                        "difference": "yes", "for_whom": "Our budget department and five "
                                                         "line ministries",
                        "what_changed": "The budget call took 3 weeks less: line ministries "
                                        "sent their one-page summaries on time, with the call.",
                        "figure_kind": "time_saved", "figure_value": "120",
                        "figure_unit": "hours", "may_quote": True}, answered_days_ago=4)
    made += _applied(people["aigerim"], AppliedKind.POST, answer.pk,
                     "Adapting the four charts for our regional budgets.", weeks_ago=2)
    made += _applied(people["aigerim"], AppliedKind.POST, posts[1].pk, "", weeks_ago=2)
    review = Method.objects.filter(title="Spending review clinic").first()
    if review:
        made += _applied(people["tamar"], AppliedKind.METHOD, review.pk,
                         "Ran a spending review clinic on capital projects.", weeks_ago=7,
                         sent_days_ago=3)
    aar = Method.objects.filter(title="After-action review").first()
    if aar:
        made += _applied(people["lucas"], AppliedKind.METHOD, aar.pk,
                         "After-action reviews after each field monitoring round.",
                         weeks_ago=8, answer={
                             "difference": "yes", "for_whom": "Field teams and the districts",
                             "what_changed": "Findings now reach the district health teams "
                                             "within a week instead of at the annual meeting.",
                             "figure_kind": "people_reached", "figure_value": "40",
                             "figure_unit": "district staff", "may_quote": True},
                         answered_days_ago=10)
        made += _applied(people["sofia"], AppliedKind.METHOD, aar.pk,
                         "Tried it with our evaluation reference group.", weeks_ago=6,
                         answer={"difference": "not_yet", "what_changed": "",
                                 "may_quote": False}, answered_days_ago=2)
    return made


def _applied(person, kind, target_id, note, *, weeks_ago, answer=None, answered_days_ago=0,
             sent_days_ago=None) -> int:
    record = actions.do_record_applied(actor=person, kind=kind, target_id=target_id, note=note)
    now = timezone.now()
    created = now - timedelta(weeks=weeks_ago)
    AppliedRecord.objects.filter(pk=record.pk).update(
        created_at=created, follow_up_due_at=created + actions.follow_up_delay())
    if sent_days_ago is not None:
        AppliedRecord.objects.filter(pk=record.pk).update(
            follow_up_sent_at=now - timedelta(days=sent_days_ago))
    if answer:
        follow_up = actions.do_answer_follow_up(actor=person, record_id=record.pk, values=answer)
        answered = now - timedelta(days=answered_days_ago)
        FollowUp.objects.filter(pk=follow_up.pk).update(answered_at=answered)
        AppliedRecord.objects.filter(pk=record.pk).update(follow_up_sent_at=answered)
    return 1
