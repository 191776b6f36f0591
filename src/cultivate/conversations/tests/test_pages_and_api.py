import json

import pytest
from django.test import Client

from cultivate.communities.models import Membership
from cultivate.conversations.models import Post, Topic
from cultivate.people.actions import do_create_access_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(make_user, make_community):
    ana = make_user("ana", display_name="Ana Lima")
    community = make_community(ana, name="Budget Clinic", visibility="listed")
    ben = make_user("ben", display_name="Ben Okafor")
    Membership.objects.create(community=community, user=ben)
    return community, ana, ben


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_ask_reply_and_accept_through_the_pages(clinic):
    community, ana, ben = clinic
    ben_client, ana_client = signed_in(ben), signed_in(ana)
    created = ben_client.post("/c/budget-clinic/topics/new/", {
        "kind": "question", "title": "How do we cost a reform?", "body": "Any **templates**?",
        "tags": "costing"})
    assert created.status_code == 302
    topic_url = created["Location"]
    answered = ana_client.post(topic_url + "reply/", {"body": "Use the PEFA guide."})
    assert answered.status_code == 302 and "#post-" in answered["Location"]
    page = ben_client.get(topic_url).content.decode()
    assert "<strong>templates</strong>" in page and "Use the PEFA guide." in page
    assert "Accept this answer" in page
    answer = Post.objects.get(is_opening=False)
    ben_client.post(f"{topic_url}accept/{answer.pk}/")
    assert Topic.objects.get().accepted_answer == answer
    listing = ben_client.get("/c/budget-clinic/topics/?kind=question").content.decode()
    assert "How do we cost a reform?" in listing and "answered" in listing


def test_a_refused_reply_keeps_the_draft(clinic):
    community, ana, ben = clinic
    client = signed_in(ben)
    client.post("/c/budget-clinic/topics/new/", {"kind": "discussion", "title": "Hello there",
                                                 "body": "First post"})
    topic = Topic.objects.get()
    Topic.objects.filter(pk=topic.pk).update(is_locked=True)
    refused = client.post(f"/c/budget-clinic/t/{topic.pk}/reply/", {"body": "My long draft"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "locked" in page and "My long draft" in page
    assert Post.objects.count() == 1


def test_outsiders_cannot_read_or_post(clinic, make_user):
    community, ana, ben = clinic
    signed_in(ben).post("/c/budget-clinic/topics/new/", {
        "kind": "discussion", "title": "Members only", "body": "Inside talk"})
    topic = Topic.objects.get()
    outsider = signed_in(make_user("olga"))
    assert outsider.get("/c/budget-clinic/topics/").status_code == 403
    assert outsider.get(f"/c/budget-clinic/t/{topic.pk}/").status_code == 403
    assert outsider.post(f"/c/budget-clinic/t/{topic.pk}/reply/",
                         {"body": "let me in"}).status_code == 403
    assert Client().get(f"/c/budget-clinic/t/{topic.pk + 1}/").status_code in (403, 404)
    assert Post.objects.count() == 1


def test_topics_through_the_api(clinic):
    community, ana, ben = clinic
    _token, secret = do_create_access_token(actor=ben, name="script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def post(url, body):
        return Client().post(url, json.dumps(body), content_type="application/json", **auth)

    created = post("/api/v1/communities/budget-clinic/topics",
                   {"kind": "question", "title": "Costing a reform?", "body": "Templates?"})
    assert created.status_code == 201, created.content
    topic_id = created.json()["id"]
    announcement = post("/api/v1/communities/budget-clinic/topics",
                        {"kind": "announcement", "title": "Big news", "body": "Members can't"})
    assert announcement.status_code == 403
    ana_client = signed_in(ana)
    reply = ana_client.post(f"/api/v1/communities/budget-clinic/topics/{topic_id}/replies",
                            json.dumps({"body": "PEFA guide"}), content_type="application/json")
    assert reply.status_code == 201
    accepted = post(f"/api/v1/communities/budget-clinic/topics/{topic_id}/accept",
                    {"post_id": reply.json()["id"]})
    assert accepted.json()["accepted_answer_id"] == reply.json()["id"]
    unanswered = Client().get("/api/v1/communities/budget-clinic/topics?unanswered=true", **auth)
    assert unanswered.json()["count"] == 0
    detail = Client().get(f"/api/v1/communities/budget-clinic/topics/{topic_id}", **auth).json()
    assert [p["body"] for p in detail["posts"]] == ["Templates?", "PEFA guide"]
    wrong = post(f"/api/v1/communities/budget-clinic/topics/{topic_id}/replies",
                 {"body": "x", "reply_to": 999999})
    assert wrong.status_code == 404


def test_topic_page_and_list_queries_do_not_grow(clinic, django_assert_max_num_queries):
    from cultivate.activity.actions import record_visit
    from cultivate.conversations.actions import do_reply, do_start_topic

    community, ana, ben = clinic
    for i in range(5):
        topic = do_start_topic(actor=ben, community=community, kind="question",
                               title=f"Question number {i}", body="Body", tags=["a", f"t{i}"])
        for j in range(20):
            do_reply(actor=ana if j % 2 else ben, topic=topic, body=f"Reply {j}")
    client = signed_in(ben)
    record_visit(user=ben, community=community)  # the day's first visit writes one row more
    # Caching is off here: the shared thread (posts_of) and the backlink ids are read too,
    # and value creation's "I applied this" counts (one query for the page), and its tags
    # (cached with the thread when caching is on).
    with django_assert_max_num_queries(8):
        page = client.get(f"/c/budget-clinic/t/{topic.pk}/")
    assert page.status_code == 200
    assert '<ul class="tags" aria-label="Tags"><li>a</li><li>t4</li></ul>' in page.content.decode()
    with django_assert_max_num_queries(7):
        assert client.get("/c/budget-clinic/topics/?kind=question").status_code == 200

