
import pytest
from django.test import Client

from cultivate.conversations import actions
from cultivate.conversations.models import Notification

pytestmark = pytest.mark.django_db


def inbox(user):
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_followers_and_mentions_are_notified_once(clinic):
    community, p = clinic
    topic = actions.do_start_topic(actor=p["ben"], community=community, kind="question",
                                   title="Costing help", body="Ideas, @cleo and @olga?")
    assert inbox(p["cleo"]) == ["mention"]
    assert inbox(p["olga"]) == []  # cannot read the community: not told
    answer = actions.do_reply(actor=p["cleo"], topic=topic, body="Try PEFA.")
    assert inbox(p["ben"]) == ["reply"]  # the asker follows automatically
    actions.do_reply(actor=p["ana"], topic=topic, body="Agree with @cleo")
    assert sorted(inbox(p["cleo"])) == ["mention", "mention"]  # not also a "reply"
    assert inbox(p["ana"]) == []  # never about one's own post
    actions.do_accept_answer(actor=p["ben"], topic=topic, post=answer)
    assert "accepted" in inbox(p["cleo"])


def test_turning_follow_off_sticks(clinic):
    community, p = clinic
    topic = actions.do_start_topic(actor=p["ben"], community=community, title="Budget calendars",
                                   body="When?")
    actions.do_set_following(actor=p["ben"], topic=topic, following=False)
    actions.do_reply(actor=p["cleo"], topic=topic, body="In March")
    assert inbox(p["ben"]) == []
    actions.do_reply(actor=p["ben"], topic=topic, body="Thanks")  # replying keeps it off
    actions.do_reply(actor=p["cleo"], topic=topic, body="Welcome")
    assert inbox(p["ben"]) == []


def test_pages_badge_and_api(clinic):
    community, p = clinic
    topic = actions.do_start_topic(actor=p["ben"], community=community, title="Budget calendars",
                                   body="When?")
    actions.do_reply(actor=p["cleo"], topic=topic, body="In March")
    ben = Client()
    ben.force_login(p["ben"])
    assert ">1<" in ben.get("/me/notifications/count/").content.decode()
    assert "replied in" in ben.get("/me/notifications/").content.decode()
    api = ben.get("/api/v1/me/notifications").json()
    assert api["unread"] == 1 and api["items"][0]["topic_title"] == "Budget calendars"
    marked = ben.post("/api/v1/me/notifications/read", "{}", content_type="application/json")
    assert marked.json() == {"marked": 1}
    assert ben.get("/me/notifications/count/").content.decode().strip() == ""
    url = f"/api/v1/communities/budget-clinic/topics/{topic.pk}/follow"
    assert ben.delete(url).status_code == 204
    assert Client().get("/me/notifications/count/").content == b""
    assert Client().get("/api/v1/me/notifications").status_code == 401


def test_opening_a_notification_marks_it_read_and_leads_to_the_post(clinic):
    community, p = clinic
    topic = actions.do_start_topic(actor=p["ben"], community=community, title="Budget calendars",
                                   body="When?")
    reply = actions.do_reply(actor=p["cleo"], topic=topic, body="In March")
    notice = Notification.objects.get(user=p["ben"])
    Notification.objects.create(user=p["ben"], kind="pulse", link="/c/x/pulse/1/",
                                title="How is the community doing?")
    ben = Client()
    ben.force_login(p["ben"])
    listing = ben.get("/me/notifications/").content.decode()
    assert f'href="/me/notifications/{notice.pk}/"' in listing
    assert "How is the community doing?" in listing  # a notice without a post lists too
    opened = ben.get(f"/me/notifications/{notice.pk}/")
    assert opened.status_code == 302 and opened["Location"] == reply.get_absolute_url()
    notice.refresh_from_db()
    assert notice.read_at is not None
    # Someone else's notification is not found; nobody else can mark it.
    cleo = Client()
    cleo.force_login(p["cleo"])
    assert cleo.get(f"/me/notifications/{notice.pk}/").status_code == 404
