import pytest

from cultivate.activity.models import Activity
from cultivate.communities.models import Membership
from cultivate.conversations import actions
from cultivate.conversations.models import Post, Topic
from cultivate.core.errors import ActionError, Conflict, NotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle(make_user, make_community):
    ana = make_user("ana")
    community = make_community(ana, name="Budget Clinic")
    ben, fay = make_user("ben"), make_user("fay")
    Membership.objects.create(community=community, user=ben)
    Membership.objects.create(community=community, user=fay, role="facilitator")
    return community, {"ana": ana, "ben": ben, "fay": fay, "olga": make_user("olga")}


def test_ask_answer_and_accept(circle):
    community, people = circle
    question = actions.do_start_topic(
        actor=people["ben"], community=community, kind="question",
        title="How do you phase in program budgeting?", body="We start next *year*.",
        tags=["program budgeting"])
    assert question.posts.get().body_html == "<p>We start next <em>year</em>.</p>\n"
    answer = actions.do_reply(actor=people["ana"], topic=question, body="Pilot two ministries.")
    other = actions.do_reply(actor=people["fay"], topic=question, body="Start with health.",
                             reply_to=answer)
    question.refresh_from_db()
    assert question.reply_count == 2
    actions.do_accept_answer(actor=people["ben"], topic=question, post=answer)
    actions.do_accept_answer(actor=people["fay"], topic=question, post=other)  # may change it
    question.refresh_from_db()
    assert question.accepted_answer == other
    verbs = list(Activity.objects.filter(community=community).order_by("id")
                 .values_list("verb", flat=True))[-5:]
    assert verbs == ["question.asked", "answer.posted", "answer.posted", "answer.accepted",
                     "answer.accepted"]


def test_only_the_asker_or_a_steward_accepts(circle):
    community, people = circle
    question = actions.do_start_topic(actor=people["ben"], community=community, kind="question",
                                      title="Which indicators?", body="For outcome budgets")
    answer = actions.do_reply(actor=people["fay"], topic=question, body="Start with three.")
    intruder = people["olga"]
    Membership.objects.create(community=community, user=intruder)
    with pytest.raises(NotAllowed):
        actions.do_accept_answer(actor=intruder, topic=question, post=answer)
    with pytest.raises(ActionError):
        actions.do_accept_answer(actor=people["ben"], topic=question,
                                 post=question.posts.get(is_opening=True))
    discussion = actions.do_start_topic(actor=people["ben"], community=community,
                                        title="Hello all", body="Glad to be here")
    reply = actions.do_reply(actor=people["ana"], topic=discussion, body="Welcome!")
    with pytest.raises(ActionError) as not_question:
        actions.do_accept_answer(actor=people["ben"], topic=discussion, post=reply)
    assert not_question.value.code == "not_a_question"


def test_bad_input_and_refusals_change_nothing(circle):
    community, people = circle
    before = (Topic.objects.count(), Post.objects.count(), Activity.objects.count())
    with pytest.raises(ActionError) as bad:
        actions.do_start_topic(actor=people["ben"], community=community, kind="rant",
                               title="Hi", body="x" * 50_001, tags=[str(i) for i in range(11)])
    assert set(bad.value.fields) == {"kind", "title", "body", "tags"}
    with pytest.raises(NotAllowed):
        actions.do_start_topic(actor=people["olga"], community=community, title="Outsider here",
                               body="Let me in")
    with pytest.raises(NotAllowed):
        actions.do_start_topic(actor=people["ben"], community=community, kind="announcement",
                               title="Big news today", body="Only stewards announce")
    assert (Topic.objects.count(), Post.objects.count(), Activity.objects.count()) == before
    news = actions.do_start_topic(actor=people["fay"], community=community,
                                  kind="announcement", title="Next clinic", body="On Monday")
    Topic.objects.filter(pk=news.pk).update(is_locked=True)
    with pytest.raises(Conflict) as locked:
        actions.do_reply(actor=people["ben"], topic=news, body="Can I come?")
    assert locked.value.code == "topic_locked"
    with pytest.raises(ActionError):
        actions.do_reply(actor=people["ben"], topic=Topic.objects.get(pk=news.pk), body="   ")
