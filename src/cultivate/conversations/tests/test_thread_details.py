"""Thread details a Discourse user expects (issue 15): own helpful mark, revision diffs, an
editable title, tags, linked @mentions, locked topics marked, readable search snippets."""

import json

import pytest
from django.test import Client

from cultivate.conversations import actions
from cultivate.conversations.models import Topic

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def question(clinic):
    community, p = clinic
    topic = actions.do_start_topic(actor=p["ben"], community=community, kind="question",
                                   title="Costing a pension reform", body="Which model?",
                                   tags=["pensions", "costing"])
    reply = actions.do_reply(actor=p["cleo"], topic=topic, body="We used PROST.")
    return community, p, topic, reply


def test_your_own_helpful_mark_shows_on_the_button(question):
    community, p, topic, reply = question
    ben = signed_in(p["ben"])
    before = ben.get(topic.get_absolute_url()).content.decode()
    assert 'aria-pressed="false"' in before and "✓ You found this helpful" not in before
    ben.post(f"{topic.get_absolute_url()}p/{reply.pk}/helpful/", {"helpful": "on"})
    after = ben.get(topic.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in after and "✓ You found this helpful" in after
    assert "1 found this helpful" in after


def test_revisions_show_what_changed_as_a_diff(question):
    community, p, topic, reply = question
    cleo = signed_in(p["cleo"])
    url = f"{topic.get_absolute_url()}p/{reply.pk}/edit/"
    assert cleo.post(url, {"body": "We used PROST.\nAnd a cohort model."}).status_code == 302
    page = cleo.get(f"{topic.get_absolute_url()}p/{reply.pk}/revisions/").content.decode()
    assert "<ins>And a cohort model.</ins>" in page
    assert "<span>We used PROST.</span>" in page


def test_the_asker_retitles_a_question_and_the_old_title_is_kept(question):
    community, p, topic, _reply = question
    ben = signed_in(p["ben"])
    opening = topic.posts.get(is_opening=True)
    url = f"{topic.get_absolute_url()}p/{opening.pk}/edit/"
    form = ben.get(url).content.decode()
    assert 'name="title"' in form and 'value="Costing a pension reform"' in form
    refused = ben.post(url, {"title": "Cost", "body": "Which model, and which data?"})
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Write a title of 5 to" in text and "Which model, and which data?" in text  # kept
    assert ben.post(url, {"title": "Costing a pension reform: which model?",
                          "body": "Which model?"}).status_code == 302
    topic.refresh_from_db()
    assert topic.title == "Costing a pension reform: which model?"
    history = ben.get(f"{topic.get_absolute_url()}p/{opening.pk}/revisions/").content.decode()
    assert "Title was: “Costing a pension reform”" in history
    # Through the API, and not by someone else's hand.
    api = f"/api/v1/communities/{community.slug}/topics/{topic.pk}/posts/{opening.pk}"
    answer = signed_in(p["cleo"]).patch(api, json.dumps({"body": "x", "title": "Hijacked title"}),
                                        content_type="application/json")
    assert answer.status_code == 403
    answer = ben.patch(api, json.dumps({"body": "Which model?", "title": "Which pension model?"}),
                       content_type="application/json")
    assert answer.status_code == 200
    assert Topic.objects.get(pk=topic.pk).title == "Which pension model?"
    bad = ben.patch(api, json.dumps({"body": "Which model?", "title": ""}),
                    content_type="application/json")
    assert bad.status_code == 400 and "title" in bad.json()["error"]["fields"]


def test_mentions_link_to_profiles_but_not_inside_code(question):
    community, p, topic, _reply = question
    post = actions.do_reply(actor=p["ben"], topic=topic,
                            body="Thanks @cleo! Ask @nobody-here, not `@ana` in code.")
    assert '<a class="mention" href="/people/cleo/">@cleo</a>!' in post.body_html
    assert "@nobody-here" in post.body_html and 'href="/people/nobody-here/"' not in post.body_html
    assert "<code>@ana</code>" in post.body_html


def test_locked_topics_are_marked_in_lists(question):
    community, p, topic, _reply = question
    actions.do_moderate_topic(actor=p["ana"], topic=topic, is_locked=True)
    listing = signed_in(p["ben"]).get(f"/c/{community.slug}/topics/").content.decode()
    assert "Locked" in listing


def test_search_snippets_read_as_text_and_count_each_kind(question):
    community, p, topic, _reply = question
    actions.do_reply(actor=p["ana"], topic=topic, body="Try the **stochastic** [model](https://x.org).")
    page = signed_in(p["ben"]).get("/search/?q=stochastic").content.decode()
    assert "**" not in page and "https://x.org" not in page
    assert "<mark>stochastic</mark>" in page
    assert "1 conversation" in page and "0 pages in the practice library" in page
