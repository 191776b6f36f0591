import pytest
from django.test import Client

from cultivate.communities.models import Membership
from cultivate.conversations import actions
from cultivate.conversations.models import Topic
from cultivate.core.errors import ActionError, NotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_rooms(clinic, make_community):
    """The Budget Clinic and a public Audit Circle, both convened by ana; ben is in the clinic."""
    community, p = clinic
    audit = make_community(p["ana"], name="Audit Circle")
    topic = actions.do_start_topic(actor=p["ben"], community=community, kind="question",
                                   title="Audit trails for budgets", body="Who keeps them?")
    return community, audit, topic, p


def test_quote_and_reply_to_prefill_the_composer(two_rooms, signed_in):
    community, _audit, topic, p = two_rooms
    answer = actions.do_reply(actor=p["cleo"], topic=topic, body="We do.\n\nIn a ledger.")
    ana = signed_in(p["ana"])
    page = ana.get(f"{topic.get_absolute_url()}?quote={answer.pk}").content.decode()
    assert "&gt; @cleo:\n&gt; We do.\n&gt;\n&gt; In a ledger." in page
    assert f'name="reply_to" value="{answer.pk}"' in page and "Replying to cleo" in page
    page = ana.get(f"{topic.get_absolute_url()}?reply_to={answer.pk}").content.decode()
    assert f'name="reply_to" value="{answer.pk}"' in page and "&gt; We do." not in page
    # A post of another topic, or nonsense, leaves an ordinary reply form.
    page = ana.get(f"{topic.get_absolute_url()}?quote=999999&reply_to=x").content.decode()
    assert "Replying to" not in page


def test_links_between_topics_show_as_backlinks_to_readers_only(two_rooms, make_community):
    community, audit, topic, p = two_rooms
    hidden = make_community(p["ana"], name="Inner Circle", visibility="private")
    linker = actions.do_start_topic(
        actor=p["ana"], community=audit, title="Audit calendars",
        body=f"See [the clinic thread](http://127.0.0.1:8000{topic.get_absolute_url()}).")
    actions.do_start_topic(actor=p["ana"], community=hidden, title="Private note",
                           body=f"Compare {topic.get_absolute_url()} and "
                                f"https://elsewhere.example{topic.get_absolute_url()}")
    ana, ben = Client(), Client()
    ana.force_login(p["ana"])
    ben.force_login(p["ben"])
    page = ben.get(topic.get_absolute_url()).content.decode()
    assert "Linked from" in page and "Audit calendars" in page
    assert "Private note" not in page  # ben cannot read the inner circle
    assert "Private note" in ana.get(topic.get_absolute_url()).content.decode()
    # Editing the link away removes the backlink.
    actions.do_edit_post(actor=p["ana"], post=linker.posts.get(), body="No link any more.")
    assert "Audit calendars" not in ben.get(topic.get_absolute_url()).content.decode()


def test_moving_a_topic_needs_a_steward_of_both_communities(two_rooms, signed_in):
    community, audit, topic, p = two_rooms
    with pytest.raises(NotAllowed):
        actions.do_move_topic(actor=p["ben"], topic=topic, to_community=audit)
    Membership.objects.filter(user=p["ana"], community=audit).update(role="member")
    with pytest.raises(ActionError) as error:
        actions.do_move_topic(actor=p["ana"], topic=topic, to_community=audit)
    assert "community" in error.value.fields
    Membership.objects.filter(user=p["ana"], community=audit).update(role="convener")
    old_url = topic.get_absolute_url()
    ana = signed_in(p["ana"])
    page = ana.get(old_url).content.decode()
    assert 'name="community"' in page and "Audit Circle" in page
    answer = ana.post(f"{old_url}move/", {"community": "audit-circle"})
    assert answer.status_code == 302
    assert Topic.objects.get(pk=topic.pk).community == audit
    moved = Client().get(old_url)  # old links lead to the new place
    assert moved.status_code == 301 and moved["Location"] == f"/c/audit-circle/t/{topic.pk}/"
    api = ana.post(f"/api/v1/communities/audit-circle/topics/{topic.pk}/move",
                   {"community": "no-such-place"}, content_type="application/json")
    assert api.status_code == 400 and "community" in api.json()["error"]["fields"]
    api = ana.post(f"/api/v1/communities/audit-circle/topics/{topic.pk}/move",
                   {"community": "budget-clinic"}, content_type="application/json")
    assert api.status_code == 200 and api.json()["community"] == "budget-clinic"
    ben = signed_in(p["ben"])
    assert ben.post(f"/c/budget-clinic/t/{topic.pk}/move/",
                    {"community": "audit-circle"}).status_code == 403


def test_recently_answered_list(two_rooms, signed_in):
    community, _audit, topic, p = two_rooms
    other = actions.do_start_topic(actor=p["cleo"], community=community, kind="question",
                                   title="Citizen budgets", body="Examples?")
    first = actions.do_reply(actor=p["ana"], topic=other, body="Kenya's.")
    second = actions.do_reply(actor=p["cleo"], topic=topic, body="The auditors.")
    actions.do_accept_answer(actor=p["cleo"], topic=other, post=first)
    actions.do_accept_answer(actor=p["ben"], topic=topic, post=second)
    ben = signed_in(p["ben"])
    items = ben.get("/api/v1/communities/budget-clinic/topics?answered=true").json()["items"]
    assert [t["title"] for t in items] == ["Audit trails for budgets", "Citizen budgets"]
    page = ben.get("/c/budget-clinic/topics/?answered=1").content.decode()
    assert page.index("Audit trails") < page.index("Citizen budgets")
