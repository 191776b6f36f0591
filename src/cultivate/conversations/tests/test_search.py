import pytest
from django.db import connection
from django.test import Client

from cultivate.communities.models import Membership
from cultivate.conversations import search
from cultivate.conversations.actions import do_reply, do_start_topic
from cultivate.people.actions import do_create_access_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def landscape(make_user, make_community):
    ana = make_user("ana")
    public = make_community(ana, name="Budget Clinic")
    private = make_community(ana, name="Secret Circle", visibility="private")
    topic = do_start_topic(actor=ana, community=public, kind="question",
                           title="Phasing program budgets", body="How do ministries start?")
    do_reply(actor=ana, topic=topic, body="Pilot the <b>health</b> ministry first; budgeting "
                                          "reforms need champions.")
    do_start_topic(actor=ana, community=private, title="Confidential budgets",
                   body="Only members should find this budget talk.")
    return ana, public, private


def test_finds_titles_and_text_with_stemming_and_highlights(landscape):
    ana, public, private = landscape
    hits = search.search(None, "budget")
    assert {h.topic_id for h in hits} == {public.topics.get().pk}
    assert len(hits) == 2  # the question (title) and the reply (text)
    snippets = " ".join(h.snippet for h in hits)
    assert "<mark>" in snippets
    assert "<b>" not in snippets and "health" in snippets  # user markup never comes through


def test_only_readable_communities_are_searched(landscape, make_user):
    ana, public, private = landscape
    outsider = make_user("olga")
    assert "Confidential" not in _titles(search.search(outsider, "confidential"))
    assert _titles(search.search(ana, "confidential")) == {"Confidential budgets"}
    ben = make_user("ben")
    Membership.objects.create(community=private, user=ben)
    assert _titles(search.search(ben, "confidential")) == {"Confidential budgets"}
    assert search.search(ben, "confidential", community_id=public.pk) == []


def _titles(hits):
    from cultivate.conversations.models import Topic

    return set(Topic.objects.filter(pk__in=[h.topic_id for h in hits])
               .values_list("title", flat=True))


@pytest.mark.parametrize("text", ['"budget', "budget AND (", "NEAR(budget", "*", "-budget",
                                  "budget:", "'; DROP TABLE x; --", "", "    ", "ü", "a" * 300])
def test_odd_queries_never_fail_nor_leak(landscape, make_user, text):
    ana, public, private = landscape
    for reader in (None, make_user("olga")):
        for query in (text, f"{text} budget"):
            assert "Confidential budgets" not in _titles(search.search(reader, query)), query
    # The private topic is findable by those words: the check above could have failed.
    assert "Confidential budgets" in _titles(search.search(ana, "budget"))


def test_search_page_and_api(landscape, client):
    ana, public, private = landscape
    page = client.get("/search/?q=budgeting").content.decode()
    assert "Phasing program budgets" in page and "<mark>" in page
    assert "Confidential" not in client.get("/search/?q=confidential").content.decode()
    _token, secret = do_create_access_token(actor=ana, name="s")
    hits = Client().get("/api/v1/search?q=confidential",
                        HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert [h["topic_title"] for h in hits] == ["Confidential budgets"]
    assert client.get("/api/v1/search?q=budget&community=secret-circle").status_code == 404


def test_similar_questions_while_typing(landscape, client):
    ana, public, private = landscape
    client.force_login(ana)
    html = client.get("/c/budget-clinic/topics/similar/?title=phasing+budgets+quickly").content
    assert "Phasing program budgets" in html.decode()
    assert client.get("/c/budget-clinic/topics/similar/?title=zz").content.strip() == b""
    assert "Phasing" not in client.get(
        "/c/secret-circle/topics/similar/?title=phasing+budgets").content.decode()
    form = client.get("/c/budget-clinic/topics/new/?kind=question").content.decode()
    assert 'hx-get="/c/budget-clinic/topics/similar/"' in form


def test_filters_by_kind_tag_author_and_answered(landscape, make_user):
    from cultivate.conversations.actions import do_accept_answer

    ana, public, _private = landscape
    ben = make_user("ben")
    Membership.objects.create(community=public, user=ben)
    discussion = do_start_topic(actor=ben, community=public, title="Budget calendars",
                                body="Our budget calendar slips every year.", tags=["Calendars"])
    question = public.topics.get(kind="question")
    found = lambda **f: {h.topic_id for h in search.search(  # noqa: E731
        None, "budget", filters=search.Filters(**f))}
    assert found(kind="discussion") == {discussion.pk}
    assert found(kind="question") == {question.pk}
    assert found(tag="calendars") == {discussion.pk}
    assert found(author_id=ben.pk) == {discussion.pk}
    assert found(answered=False) == {question.pk}
    assert found(answered=True) == set()
    do_accept_answer(actor=ana, topic=question, post=question.posts.get(is_opening=False))
    assert found(answered=True) == {question.pk}
    assert search.filters_from({"author": "nobody-here"}).author_id == -1
    assert found(author_id=-1) == set()

    page = Client().get("/search/?q=budget&kind=discussion&tag=calendars").content.decode()
    assert "Budget calendars" in page and "Phasing program budgets" not in page
    api = Client().get("/api/v1/search?q=budget&author=ben").json()
    assert {hit["topic_id"] for hit in api} == {discussion.pk}
    bad = Client().get("/api/v1/search?q=budget&kind=poem&answered=maybe")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"kind", "answered"}


def test_a_narrow_filter_finds_old_posts_beyond_the_newest_matches(landscape, make_user,
                                                                   monkeypatch):
    ana, public, _private = landscape
    ben = make_user("ben")
    Membership.objects.create(community=public, user=ben)
    old = do_start_topic(actor=ben, community=public, title="Budget ceilings",
                         body="Ceilings first.", tags=["Ceilings"])
    newer = do_start_topic(actor=ana, community=public, title="Budget circulars",
                           body="Circular budget talk.")
    for n in range(12):
        do_reply(actor=ana, topic=newer, body=f"More budget talk {n}")
    monkeypatch.setattr(search, "SCAN_MATCHES", 5)  # SQLite: broad filters see 5 newest matches
    by_ben = search.search(None, "budget", filters=search.Filters(author_id=ben.pk))
    assert {h.topic_id for h in by_ben} == {old.pk}
    tagged = search.search(None, "budget", filters=search.Filters(tag="ceilings"))
    assert {h.topic_id for h in tagged} == {old.pk}
    # A narrow filter looks at its own newest posts only (SQLite): ben's older ones are beyond.
    monkeypatch.setattr(search, "SCAN_FILTERED", 1)
    do_start_topic(actor=ben, community=public, title="Newest from ben", body="No match here.")
    if connection.vendor == "sqlite":
        assert search.search(None, "budget", filters=search.Filters(author_id=ben.pk)) == []
