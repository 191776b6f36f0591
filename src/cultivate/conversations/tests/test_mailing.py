from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cultivate.conversations import actions, mailing, queries
from cultivate.conversations.models import CommunitySubscription, Notification
from cultivate.core.errors import ActionError, NotAllowed

# Mail leaves when the transaction commits, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def recipients(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


def test_every_post_mode_mails_readers_but_never_the_author(clinic, mailoutbox):
    community, p = clinic
    actions.do_set_subscription(actor=p["ben"], community=community, email_mode="every_post")
    actions.do_set_subscription(actor=p["cleo"], community=community, email_mode="every_post")
    topic = actions.do_start_topic(actor=p["ben"], community=community, title="Costing help",
                                   body="Any template?")
    assert recipients(mailoutbox) == ["cleo@example.org"]
    # Someone who left the community is no longer mailed, whatever they chose.
    p["cleo"].memberships.all().delete()
    actions.do_reply(actor=p["ana"], topic=topic, body="Here is one.")
    assert mailoutbox[-1].to == ["ben@example.org"]
    assert recipients(mailoutbox) == ["ben@example.org", "cleo@example.org"]


def test_digest_lists_what_is_new_since_the_last_one(clinic, mailoutbox):
    community, p = clinic
    actions.do_set_subscription(actor=p["cleo"], community=community, email_mode="daily")
    mailing.send_due_digests(timezone.now() - timedelta(minutes=1))  # defaults for the others
    topic = actions.do_start_topic(actor=p["ben"], community=community, kind="question",
                                   title="Gender budgeting tags", body="How do you tag?")
    tomorrow = timezone.now() + timedelta(days=1)
    assert mailing.send_due_digests(tomorrow) == 1  # cleo only: ana and ben are weekly
    first = mailoutbox[-1]
    assert first.to == ["cleo@example.org"]
    assert "Gender budgeting tags" in first.body and "1 question is waiting" in first.body
    actions.do_reply(actor=p["ana"], topic=topic, body="By programme.", occurred_at=tomorrow
                     + timedelta(minutes=5))
    day_after = tomorrow + timedelta(days=1)
    assert mailing.send_due_digests(day_after) == 1
    second = mailoutbox[-1].body
    assert "1 new reply" in second and "New topics" not in second  # only since the last one
    # Nothing new: no empty digest.
    assert mailing.send_due_digests(day_after + timedelta(days=1)) == 0


def test_one_digest_per_person_and_run_even_when_two_clocks_tick(clinic, mailoutbox):
    community, p = clinic
    mailing.send_due_digests(timezone.now() - timedelta(minutes=1))
    actions.do_start_topic(actor=p["ben"], community=community, title="Budget calendars",
                           body="When?")
    later = timezone.now() + timedelta(days=7)
    assert mailing.send_due_digests(later) == 2  # ana and cleo; ben wrote it
    assert mailing.send_due_digests(later) == 0
    assert recipients(mailoutbox) == ["ana@example.org", "cleo@example.org"]


def test_unsubscribe_links(clinic, client):
    community, p = clinic
    actions.do_set_subscription(actor=p["ben"], community=community, email_mode="every_post")
    url = mailing.unsubscribe_url(p["ben"].pk, community.pk).removeprefix("http://127.0.0.1:8000")
    page = client.get(url)  # mail scanners open links: a GET changes nothing
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    assert queries.subscription_of(p["ben"], community).email_mode == "every_post"
    assert b"no more mail from Budget Clinic" in client.post(url).content
    assert queries.subscription_of(p["ben"], community).email_mode == "nothing"
    forged = url.replace(url.split("/")[2][:4], "AAAA")
    assert client.post(forged).status_code == 400
    assert client.get("/unsubscribe/not-a-token/").status_code == 400
    # The digest link stops every digest, also the default ones never chosen.
    all_digests = mailing.unsubscribe_url(p["cleo"].pk, mailing.ALL_DIGESTS)
    client.post(all_digests.removeprefix("http://127.0.0.1:8000"))
    assert CommunitySubscription.objects.get(user=p["cleo"]).email_mode == "nothing"


def test_choosing_is_for_readers_and_refuses_nonsense(clinic, signed_in):
    community, p = clinic
    with pytest.raises(ActionError) as error:
        actions.do_set_subscription(actor=p["ben"], community=community, email_mode="hourly")
    assert "email_mode" in error.value.fields
    with pytest.raises(NotAllowed):
        actions.do_set_subscription(actor=p["olga"], community=community, email_mode="daily")
    ben = signed_in(p["ben"])
    url = "/api/v1/communities/budget-clinic/subscription"
    assert ben.get(url).json()["email_mode"] == "weekly"  # the default for members
    bad = ben.put(url, {"email_mode": "hourly"}, content_type="application/json")
    assert bad.status_code == 400 and "email_mode" in bad.json()["error"]["fields"]
    good = ben.put(url, {"email_mode": "daily", "follows_new_topics": True},
                   content_type="application/json")
    assert good.json()["email_mode"] == "daily" and good.json()["follows_new_topics"]
    assert [s["community"] for s in ben.get("/api/v1/me/subscriptions").json()] == [
        "budget-clinic"]
    assert signed_in(p["olga"]).get(url).status_code == 403
    assert Client().get(url).status_code == 401


def test_settings_pages(clinic, signed_in):
    community, p = clinic
    ben = signed_in(p["ben"])
    page = ben.get("/me/email/").content.decode()
    assert "Budget Clinic" in page and 'value="weekly" selected' in page
    answer = ben.post("/c/budget-clinic/subscription/", {
        "budget-clinic-email_mode": "every_post", "budget-clinic-follows_new_topics": "on",
        "next": "/me/email/"})
    assert answer.status_code == 302 and answer["Location"] == "/me/email/"
    assert queries.subscription_of(p["ben"], community).follows_new_topics
    refused = ben.post("/c/budget-clinic/subscription/", {"budget-clinic-email_mode": "x"})
    assert refused.status_code == 200 and b"Select a valid choice" in refused.content
    assert signed_in(p["olga"]).get("/c/budget-clinic/subscription/").status_code == 403


def test_community_followers_hear_of_new_topics(clinic):
    community, p = clinic
    actions.do_set_subscription(actor=p["cleo"], community=community, follows_new_topics=True)
    actions.do_start_topic(actor=p["ben"], community=community, title="Budget calendars",
                           body="When?")
    assert list(Notification.objects.filter(user=p["cleo"]).values_list("kind", flat=True)) == [
        "new_topic"]
    assert not Notification.objects.filter(user=p["ana"]).exists()
