"""The steward's inbox, its count and notices; the community home's stream and panels (issue 15)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cultivate.communities.actions import do_request_to_join
from cultivate.communities.actions.membership import add_member
from cultivate.conversations.actions import (
    do_accept_answer,
    do_flag_post,
    do_reply,
    do_start_topic,
)
from cultivate.conversations.models import Notification, Topic
from cultivate.core.models import tags_from_names
from cultivate.events.actions import do_plan_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle(make_user, make_community):
    ana, fay, ben = make_user("ana", display_name="Ana"), make_user("fay"), make_user("ben")
    community = make_community(ana, name="Budget Circle", join_policy="request")
    add_member(community=community, user=fay, role="facilitator", how="test", actor=ana)
    add_member(community=community, user=ben, role="member", how="test", actor=ana)
    return community, {"ana": ana, "fay": fay, "ben": ben}


def test_stewards_see_what_waits_with_counts_and_members_do_not(circle, make_user, signed_in):
    community, people = circle
    marek = make_user("marek", display_name="Marek Nowak")
    do_request_to_join(actor=marek, community=community, message="I run a budget unit.")
    old = do_start_topic(actor=people["ben"], community=community, kind="question",
                         title="Who costed a pension reform?", body="Looking for a method.")
    Topic.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=5))
    reply = do_reply(actor=people["ben"], topic=old, body="Me too, following.")
    do_flag_post(actor=people["fay"], post=reply, reason="spam")

    page = signed_in(people["ana"]).get("/me/stewarding/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Requests to join" in text and "Marek Nowak" in text
    assert "Flagged posts" in text and "Questions waiting longest" in text
    assert "Who costed a pension reform?" in text
    count = signed_in(people["ana"]).get("/me/stewarding/count/").content.decode()
    assert '<span class="badge"' in count and ">3</span>" in count

    # A member has no stewarding link and sees none of it.
    assert signed_in(people["ben"]).get("/me/stewarding/count/").content == b""
    member_page = signed_in(people["ben"]).get("/me/stewarding/").content.decode()
    assert "Marek Nowak" not in member_page and "Flagged posts" not in member_page
    assert signed_in(marek).get("/me/stewarding/").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client):
    answer = client.get("/me/stewarding/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_stewards_get_a_notice_for_a_join_request_and_a_flag(circle, make_user):
    community, people = circle
    do_request_to_join(actor=make_user("marek", display_name="Marek Nowak"), community=community)
    notices = Notification.objects.filter(kind="steward")
    assert sorted(n.user.username for n in notices) == ["ana", "fay"]
    assert all("Marek Nowak asks to join" in n.title for n in notices)
    assert notices[0].link == f"/c/{community.slug}/requests/"
    topic = do_start_topic(actor=people["ben"], community=community, title="Arrears",
                           body="Our arrears rose.")
    do_flag_post(actor=people["fay"], post=topic.posts.get(), reason="spam")
    flagged = Notification.objects.filter(kind="steward", title__contains="flagged")
    assert [n.user.username for n in flagged] == ["ana"]  # the flagger is not told


def test_members_see_questions_tagged_with_their_expertise(circle, signed_in):
    community, people = circle
    people["ben"].expertise.set(tags_from_names(["pensions"]))
    do_start_topic(actor=people["fay"], community=community, kind="question",
                   title="Costing a pension reform", body="How?", tags=["pensions"])
    do_start_topic(actor=people["fay"], community=community, kind="question",
                   title="Arrears in hospitals", body="How?", tags=["health"])
    text = signed_in(people["ben"]).get("/me/stewarding/").content.decode()
    assert "Questions you may be able to answer" in text
    assert "Costing a pension reform" in text and "Arrears in hospitals" not in text
    # Tags of questions where someone's answer was accepted count like expertise.
    solved = do_start_topic(actor=people["ana"], community=community, kind="question",
                            title="Hospital arrears last year", body="How?", tags=["health"])
    answer = do_reply(actor=people["ben"], topic=solved, body="Clear them monthly.")
    do_accept_answer(actor=people["ana"], topic=solved, post=answer)
    text = signed_in(people["ben"]).get("/me/stewarding/").content.decode()
    assert "Arrears in hospitals" in text


def test_home_shows_conversations_events_and_a_linked_stream_without_stewards_business(
        circle, make_user, client, signed_in):
    community, people = circle
    do_request_to_join(actor=make_user("marek", display_name="Marek Nowak"), community=community)
    topic = do_start_topic(actor=people["ben"], community=community, kind="question",
                           title="Who costed a pension reform?", body="Looking for a method.")
    starts = timezone.now() + timedelta(days=3)
    do_plan_event(actor=people["ana"], community=community, title="Spending review clinic",
                  starts_at=starts, ends_at=starts + timedelta(hours=1), time_zone="UTC")
    text = client.get(f"/c/{community.slug}/").content.decode()
    assert "Latest conversations" in text and "Waiting for an answer" in text
    assert f'href="{topic.get_absolute_url()}"' in text
    assert "Next events" in text and "Spending review clinic" in text
    assert "asked a question" in text and "asked to join" not in text and "Marek" not in text

    convener_home = signed_in(people["ana"]).get(f"/c/{community.slug}/").content.decode()
    assert "Manage" in convener_home and "Requests to join" in convener_home
    assert "Leave this community" not in convener_home  # the only convener cannot leave
    member_home = signed_in(people["ben"]).get(f"/c/{community.slug}/").content.decode()
    assert "Leave this community" in member_home and "Requests to join" not in member_home


def test_unanswered_means_without_an_accepted_answer(circle, signed_in):
    community, people = circle
    replied = do_start_topic(actor=people["ben"], community=community, kind="question",
                             title="Replied but not solved", body="?")
    do_reply(actor=people["fay"], topic=replied, body="Not sure.")
    page = signed_in(people["ben"]).get(f"/c/{community.slug}/topics/?unanswered=1")
    assert "Replied but not solved" in page.content.decode()


def test_the_stream_leaves_out_what_has_readers_of_its_own(circle, client):
    """A value story may be for members only: a public community's visitors must not meet its
    title in the stream (nor who applied what)."""
    from cultivate.activity.actions import Verb, record_activity

    community, people = circle
    topic = do_start_topic(actor=people["ben"], community=community, title="Open news",
                           body="Everyone may read this.")
    record_activity(actor=people["ben"], verb=Verb.VALUE_STORY_PUBLISHED, community=community,
                    target=topic)
    record_activity(actor=people["ben"], verb=Verb.APPLIED_RECORDED, community=community,
                    target=topic)
    text = client.get(f"/c/{community.slug}/").content.decode()
    assert "started a topic" in text
    assert "told a value-creation story" not in text and "applied something" not in text
