import pytest

from cultivate.communities.models import Membership
from cultivate.conversations import actions as conversations


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(make_user, make_community):
    """Budget Practitioners (public): convener ana, facilitator fay, sponsor sam, members ben
    and bea, with ben's question answered by bea (accepted). Audit Office (private): convener
    pia, sponsor sid. olga belongs to none."""
    people = {name: make_user(name) for name in ("ana", "fay", "sam", "ben", "bea", "pia",
                                                  "sid", "olga")}
    budget = make_community(people["ana"])
    for name, role in (("fay", "facilitator"), ("sam", "sponsor"), ("ben", "member"),
                       ("bea", "member")):
        Membership.objects.create(community=budget, user=people[name], role=role)
    audit = make_community(people["pia"], name="Audit Office", visibility="private",
                           join_policy="invitation")
    Membership.objects.create(community=audit, user=people["sid"], role="sponsor")
    question = conversations.do_start_topic(
        actor=people["ben"], community=budget, kind="question",
        title="How do ministries publish a citizens' budget?", body="We start next year.")
    answer = conversations.do_reply(actor=people["bea"], topic=question,
                                    body="A one-page summary with four charts.")
    conversations.do_accept_answer(actor=people["ben"], topic=question, post=answer)
    secret = conversations.do_start_topic(actor=people["pia"], community=audit,
                                          title="Audit plans", body="Only for us.")
    return {"budget": budget, "audit": audit, "question": question, "answer": answer,
            "secret": secret, **people}
