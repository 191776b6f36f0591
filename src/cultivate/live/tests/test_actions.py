"""The backchannel's actions: who may do what, bad input refused with nothing written, and
every change numbered in the update log."""

import pytest

from cultivate.core.errors import ActionError, Conflict, NotAllowed
from cultivate.live import actions
from cultivate.live.models import Item, ItemStatus, Update, Vote

pytestmark = pytest.mark.django_db


def test_a_question_is_stored_numbered_and_counted_as_activity(member_participant, channel):
    from cultivate.activity.models import Activity

    item = actions.do_post_item(participant=member_participant, kind="question",
                                body="How do you handle **arrears**?")
    assert item.status == ItemStatus.VISIBLE
    assert "<strong>arrears</strong>" in item.body_html
    channel.refresh_from_db()
    update = Update.objects.get(channel=channel, seq=channel.last_seq)
    assert update.data["item"]["id"] == item.pk
    assert update.public_data["item"]["body"] == "How do you handle **arrears**?"
    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert {"live.joined", "live.question_asked"} <= verbs


def test_user_markdown_is_sanitised(member_participant):
    item = actions.do_post_item(participant=member_participant, kind="comment",
                                body='<script>alert(1)</script><img src=x onerror=alert(2)>')
    assert "<script" not in item.body_html and "<img" not in item.body_html


@pytest.mark.parametrize("kind,body,field", [
    ("question", "", "body"), ("question", "x" * 1001, "body"), ("speech", "hello", "kind")])
def test_bad_posts_are_refused_with_the_field_and_nothing_written(member_participant, kind, body,
                                                                 field):
    with pytest.raises(ActionError) as refused:
        actions.do_post_item(participant=member_participant, kind=kind, body=body)
    assert field in refused.value.fields
    assert not Item.objects.exists()


def test_one_vote_per_participant_and_it_can_be_withdrawn(member_participant, guest):
    question = actions.do_post_item(participant=guest, kind="question", body="Why?")
    assert actions.do_vote(participant=member_participant, item=question) == 1
    with pytest.raises(Conflict) as twice:
        actions.do_vote(participant=member_participant, item=question)
    assert twice.value.code == "already_voted"
    assert actions.do_vote(participant=guest, item=question) == 2
    assert actions.do_vote(participant=member_participant, item=question, up=False) == 1
    with pytest.raises(Conflict):
        actions.do_vote(participant=member_participant, item=question, up=False)
    assert Vote.objects.count() == 1


def test_comments_take_no_votes(member_participant):
    comment = actions.do_post_item(participant=member_participant, kind="comment", body="Yes")
    with pytest.raises(ActionError) as refused:
        actions.do_vote(participant=member_participant, item=comment)
    assert refused.value.code == "not_a_question"


def test_nothing_is_posted_to_a_closed_channel(member_participant, event, people):
    actions.do_set_channel(actor=people["convener"], event=event, is_open=False)
    member_participant.channel.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        actions.do_post_item(participant=member_participant, kind="comment", body="Hello?")
    assert refused.value.code == "closed"
    assert not Item.objects.exists()


def test_guests_need_the_code_and_the_facilitators_consent(event, people):
    with pytest.raises(NotAllowed):
        actions.do_join_as_guest(event=event, code=event.join_code, display_name="Ana")
    actions.do_set_channel(actor=people["convener"], event=event, guests_allowed=True)
    with pytest.raises(ActionError) as bad_code:
        actions.do_join_as_guest(event=event, code="WRONG1", display_name="Ana")
    assert "code" in bad_code.value.fields
    with pytest.raises(ActionError) as no_name:
        actions.do_join_as_guest(event=event, code=event.join_code.lower(), display_name=" ")
    assert "display_name" in no_name.value.fields
    guest = actions.do_join_as_guest(event=event, code=event.join_code.lower(),
                                     display_name="Ana")
    assert guest.guest_token and guest.user_id is None


def test_a_guest_cannot_post_once_guests_are_turned_off(guest, event, people):
    actions.do_post_item(participant=guest, kind="question", body="First")
    actions.do_set_channel(actor=people["convener"], event=event, guests_allowed=False)
    guest.channel.refresh_from_db()
    with pytest.raises(NotAllowed):
        actions.do_post_item(participant=guest, kind="question", body="Second")


def test_outsiders_join_only_as_guests(event, people):
    with pytest.raises(NotAllowed):
        actions.do_join_as_member(actor=people["outsider"], event=event)


def test_premoderation_holds_posts_back_from_the_room(member_participant, event, people):
    actions.do_set_channel(actor=people["convener"], event=event, premoderated=True)
    member_participant.channel.refresh_from_db()
    item = actions.do_post_item(participant=member_participant, kind="question", body="Held?")
    assert item.status == ItemStatus.PENDING
    held = Update.objects.filter(channel=member_participant.channel).latest("seq")
    assert held.public_data is None and held.data["item"]["status"] == "pending"
    with pytest.raises(ActionError):  # nobody votes on what the room cannot see
        actions.do_vote(participant=member_participant, item=item)
    actions.do_moderate_item(actor=people["convener"], item=item, op="approve")
    shown = Update.objects.filter(channel=member_participant.channel).latest("seq")
    assert shown.public_data["item"]["status"] == "visible"


def test_facilitators_pin_one_item_hide_and_answer(member_participant, people):
    first = actions.do_post_item(participant=member_participant, kind="question", body="A?")
    second = actions.do_post_item(participant=member_participant, kind="question", body="B?")
    convener = people["convener"]
    actions.do_moderate_item(actor=convener, item=first, op="pin")
    actions.do_moderate_item(actor=convener, item=second, op="pin")
    assert list(Item.objects.filter(pinned=True)) == [second]
    actions.do_moderate_item(actor=convener, item=second, op="answer", answer="We *batch* them.")
    second.refresh_from_db()
    assert second.answered and "<em>batch</em>" in second.answer_html
    actions.do_moderate_item(actor=convener, item=first, op="hide")
    hidden = Update.objects.filter(channel=first.channel).latest("seq")
    assert hidden.public_data == {"kind": "item", "item": {"id": first.pk, "status": "hidden"}}


def test_members_do_not_moderate(member_participant, people):
    item = actions.do_post_item(participant=member_participant, kind="question", body="A?")
    with pytest.raises(NotAllowed):
        actions.do_moderate_item(actor=people["member"], item=item, op="hide")
    with pytest.raises(NotAllowed):
        actions.do_set_channel(actor=people["member"], event=item.channel.event, is_open=False)
    with pytest.raises(ActionError):
        actions.do_moderate_item(actor=people["convener"], item=item, op="explode")


def test_a_removed_participant_cannot_post_and_the_room_is_told(member_participant, people):
    actions.do_remove_participant(actor=people["convener"], participant=member_participant)
    with pytest.raises(NotAllowed):
        actions.do_post_item(participant=member_participant, kind="comment", body="Let me in")
    told = Update.objects.filter(channel=member_participant.channel).latest("seq")
    assert told.data == {"kind": "removed", "participant": member_participant.pk}
    with pytest.raises(NotAllowed):
        actions.do_join_as_member(actor=people["member"], event=member_participant.channel.event)


def test_a_flood_is_throttled_for_the_flooder_only(member_participant, guest, settings):
    settings.CULTIVATE_LIVE_POST_RATE = "3/m"
    for n in range(3):
        actions.do_post_item(participant=member_participant, kind="comment", body=f"spam {n}")
    with pytest.raises(ActionError) as limited:
        actions.do_post_item(participant=member_participant, kind="comment", body="spam 4")
    assert limited.value.code == "rate_limited"
    actions.do_post_item(participant=guest, kind="question", body="Still heard?")
    assert Item.objects.count() == 4


def test_polls_single_and_multiple_choice_with_changed_minds(member_participant, guest, event,
                                                             people):
    poll = actions.do_create_poll(actor=people["convener"], event=event,
                                  question="Which tool?", options=["Excel", "R", "Python"])
    excel, r, python = poll.options.all()
    actions.do_answer_poll(participant=member_participant, poll=poll, option_ids=[excel.pk])
    actions.do_answer_poll(participant=member_participant, poll=poll, option_ids=[r.pk])
    actions.do_answer_poll(participant=guest, poll=poll, option_ids=[str(r.pk)])
    counts = dict(poll.options.values_list("label", "vote_count"))
    assert counts == {"Excel": 0, "R": 2, "Python": 0}
    with pytest.raises(ActionError):  # two answers to a single-choice poll
        actions.do_answer_poll(participant=guest, poll=poll, option_ids=[r.pk, python.pk])
    actions.do_close_poll(actor=people["convener"], poll=poll)
    with pytest.raises(Conflict):
        actions.do_answer_poll(participant=guest, poll=poll, option_ids=[python.pk])
    multi = actions.do_create_poll(actor=people["convener"], event=event, multiple=True,
                                   question="Which apply?", options=["a", "b"])
    actions.do_answer_poll(participant=guest, poll=multi, option_ids=[o.pk for o in
                                                                      multi.options.all()])
    assert sorted(multi.options.values_list("vote_count", flat=True)) == [1, 1]


@pytest.mark.parametrize("question,options,field", [
    ("", ["a", "b"], "question"), ("Q?", ["only one"], "options"),
    ("Q?", ["same", "same"], "options"), ("Q?", [str(n) for n in range(11)], "options")])
def test_bad_polls_are_refused(event, people, question, options, field):
    from cultivate.live.models import Poll

    with pytest.raises(ActionError) as refused:
        actions.do_create_poll(actor=people["convener"], event=event, question=question,
                               options=options)
    assert field in refused.value.fields
    assert not Poll.objects.exists()


def test_updates_are_numbered_without_gaps(member_participant, guest, channel):
    for n in range(5):
        actions.do_post_item(participant=guest if n % 2 else member_participant,
                             kind="comment", body=f"c{n}")
    seqs = list(Update.objects.filter(channel=channel).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
