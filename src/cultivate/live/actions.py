"""Every change to a live backchannel: check the policy, write in a transaction, append the
numbered update, broadcast it after commit, record Activity for members' contributions."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.audit.actions import record_audit
from cultivate.core.errors import ActionError, Conflict, NotAllowed
from cultivate.core.markdown import render_markdown
from cultivate.core.realtime import recheck_after_commit
from cultivate.live import broadcast, limits
from cultivate.live.models import (
    MAX_BODY,
    MAX_NAME,
    MAX_OPTION,
    MAX_POLL_OPTIONS,
    Item,
    ItemKind,
    ItemStatus,
    LiveChannel,
    Participant,
    Poll,
    PollOption,
    PollVote,
    Update,
    Vote,
    new_guest_token,
)
from cultivate.live.queries import normal_code
from cultivate.live.serialise import channel_data, item_data, poll_data, public_item_data

MODERATION_OPS = ("approve", "hide", "pin", "unpin", "answer", "unanswer")


def _text(value) -> str:
    """Text as stored: NUL cannot be stored by PostgreSQL and means nothing in a message."""
    return str(value or "").replace("\x00", "").strip()


def channel_of(event) -> LiveChannel:
    channel, _created = LiveChannel.objects.get_or_create(event=event)
    return channel


def append_update(channel: LiveChannel, data: dict, public_data: dict | None) -> Update:
    """Number the update (the channel row is the counter, so numbers follow commit order),
    store it, broadcast it once the transaction commits."""
    with transaction.atomic():
        LiveChannel.objects.filter(pk=channel.pk).update(last_seq=F("last_seq") + 1)
        seq = LiveChannel.objects.filter(pk=channel.pk).values_list("last_seq", flat=True).get()
        update = Update.objects.create(channel=channel, seq=seq, data=data,
                                       public_data=public_data)
        broadcast.publish_after_commit(channel.pk, seq, data, public_data)
    channel.last_seq = seq
    return update


def _is_moderator(user, event) -> bool:
    return policy.can(user, policy.Can.PLAN_EVENTS, event.community)


def check_moderator(user, event) -> None:
    if not _is_moderator(user, event):
        raise NotAllowed(_("Only the event's facilitators can do that."))


# --- joining --------------------------------------------------------------------------------

def acting_participant(live, actor) -> Participant:
    """The participant behind a write (`live`: queries.LiveAccess): the one already there, or
    the member joining now; a guest must join with the event's code first."""
    if live.participant is not None:
        return live.participant
    if live.may_join_as_member:
        return do_join_as_member(actor=actor, event=live.event)
    raise NotAllowed(_("Join the backchannel with the event's code first."))


def do_join_as_member(*, actor, event) -> Participant:
    """A member (or a steward, or an admin) takes part under their own name."""
    channel = channel_of(event)
    standing = policy.standing_of(actor, event.community)
    verbs = policy.allowed(standing, event.community)
    if policy.Can.TAKE_PART_LIVE not in verbs:
        raise NotAllowed(_("Only members of this community take part under their name."),
                         hide=policy.Can.READ not in verbs)
    with transaction.atomic():
        participant, created = Participant.objects.get_or_create(
            channel=channel, user=actor,
            defaults={"display_name": actor.public_name[:MAX_NAME]})
        if created:
            record_activity(actor=actor, verb=Verb.LIVE_JOINED, community=event.community,
                            target=event)
    if participant.removed_at is not None:
        raise NotAllowed(_("A facilitator removed you from this backchannel."))
    return participant


def do_join_as_guest(*, event, code: str, display_name: str, address: str = "",
                     guest_token: str | None = None, actor=None) -> Participant:
    """A guest joins with the event's code. `guest_token`: the pass this browser (session) or
    client already holds for the channel: rejoining returns that same participant (its votes
    stay counted once) and a removed one stays out, as does a signed-in `actor` removed under
    their name. New passes are limited per address and channel; wrong codes per address
    (`limits`)."""
    channel = channel_of(event)
    limits.check_code_guesses(address)
    name = _text(display_name)
    errors = {}
    if normal_code(code) != event.join_code:
        limits.count_wrong_code(address)
        errors["code"] = [_("This code does not match the event.")]
    if not name:
        errors["display_name"] = [_("Give a name the room will see.")]
    elif len(name) > MAX_NAME:
        errors["display_name"] = [_("At most %(n)d characters.") % {"n": MAX_NAME}]
    if errors:
        raise ActionError(_("Check the code and your name."), fields=errors)
    if not policy.may_join_live_as_guest(channel):
        raise NotAllowed(_("This backchannel does not take guests right now."))
    if policy.is_signed_in(actor) and Participant.objects.filter(
            channel=channel, user=actor, removed_at__isnull=False).exists():
        raise NotAllowed(_("A facilitator removed you from this backchannel."))
    returning = (Participant.objects.filter(channel=channel, user=None,
                                            guest_token=guest_token).first()
                 if guest_token else None)
    if returning is not None:
        if returning.removed_at is not None:
            raise NotAllowed(_("A facilitator removed you from this backchannel."))
        return returning
    limits.check_guest_join(address, channel.pk)
    return Participant.objects.create(channel=channel, display_name=name,
                                      guest_token=new_guest_token())


# --- posting and voting ---------------------------------------------------------------------

def _fresh(participant: Participant) -> Participant:
    """Sockets hold their participant for hours: read its removal and the channel's settings
    again before every write."""
    return Participant.objects.select_related("channel__event__community", "user").get(
        pk=participant.pk)


def _check_may_post(participant: Participant, channel: LiveChannel) -> None:
    verbs = frozenset()
    if participant.user_id is not None:
        verbs = policy.allowed(policy.standing_of(participant.user, channel.event.community),
                               channel.event.community)
    if not channel.is_open:
        raise Conflict(_("The backchannel is closed."), code="closed")
    if not policy.may_post_live(participant, channel, verbs):
        raise NotAllowed(_("You cannot take part in this backchannel."))


def do_post_item(*, participant: Participant, kind: str, body: str) -> Item:
    participant = _fresh(participant)
    channel = participant.channel
    body = _text(body)
    errors = {}
    if kind not in ItemKind.values:
        errors["kind"] = [_("Choose a comment or a question.")]
    if not body:
        errors["body"] = [_("Write something first.")]
    elif len(body) > MAX_BODY:
        errors["body"] = [_("At most %(n)d characters.") % {"n": MAX_BODY}]
    if errors:
        raise ActionError(_("Check your message."), fields=errors)
    _check_may_post(participant, channel)
    limits.check_rate(participant.pk, "post")
    moderator = participant.user_id is not None and _is_moderator(participant.user,
                                                                 channel.event)
    status = ItemStatus.PENDING if channel.premoderated and not moderator else ItemStatus.VISIBLE
    with transaction.atomic():
        item = Item.objects.create(channel=channel, participant=participant, kind=kind,
                                   body=body, body_html=render_markdown(body), status=status)
        item.participant = participant
        append_update(channel, {"kind": "item", "item": item_data(item)}, _public_item(item))
        if participant.user_id is not None:
            verb = Verb.LIVE_QUESTION_ASKED if kind == ItemKind.QUESTION else Verb.LIVE_COMMENTED
            record_activity(actor=participant.user, verb=verb,
                            community=channel.event.community, target=item)
    return item


def _public_item(item: Item) -> dict | None:
    data = public_item_data(item)
    return None if data is None else {"kind": "item", "item": data}


def do_vote(*, participant: Participant, item: Item, up: bool = True) -> int:
    """One vote per participant on a visible question; `up=False` withdraws it."""
    participant = _fresh(participant)
    channel = participant.channel
    if item.channel_id != channel.pk or item.status != ItemStatus.VISIBLE:
        raise ActionError(_("There is no such question here."), code="not_found")
    if item.kind != ItemKind.QUESTION:
        raise ActionError(_("Only questions take votes."), code="not_a_question")
    _check_may_post(participant, channel)
    limits.check_rate(participant.pk, "vote")
    with transaction.atomic():
        if up:
            try:
                with transaction.atomic():
                    Vote.objects.create(item=item, participant=participant)
            except IntegrityError:
                raise Conflict(_("You already voted for this question."),
                               code="already_voted") from None
            Item.objects.filter(pk=item.pk).update(vote_count=F("vote_count") + 1)
        else:
            deleted, _rows = Vote.objects.filter(item=item, participant=participant).delete()
            if not deleted:
                raise Conflict(_("You have not voted for this question."), code="not_voted")
            Item.objects.filter(pk=item.pk).update(vote_count=F("vote_count") - 1)
        count = Item.objects.filter(pk=item.pk).values_list("vote_count", flat=True).get()
        data = {"kind": "votes", "item": item.pk, "votes": count}
        append_update(channel, data, data)
    item.vote_count = count
    return count


# --- moderation -----------------------------------------------------------------------------

def do_moderate_item(*, actor, item: Item, op: str, answer: str = "") -> Item:
    event = item.channel.event
    check_moderator(actor, event)
    if op not in MODERATION_OPS:
        raise ActionError(_("Unknown moderation."), fields={"op": [", ".join(MODERATION_OPS)]})
    if op == "answer" and len(answer) > MAX_BODY * 4:
        raise ActionError(_("The answer is too long."),
                          fields={"answer": [_("At most %(n)d characters.") % {"n": MAX_BODY * 4}]})
    with transaction.atomic():
        item = Item.objects.select_for_update().select_related("participant").get(pk=item.pk)
        unpinned = []
        if op == "approve":
            item.status = ItemStatus.VISIBLE
        elif op == "hide":
            item.status, item.pinned = ItemStatus.HIDDEN, False
        elif op == "pin":
            item.status, item.pinned = ItemStatus.VISIBLE, True
            unpinned = list(Item.objects.filter(channel=item.channel_id, pinned=True)
                            .exclude(pk=item.pk).select_related("participant"))
        elif op == "unpin":
            item.pinned = False
        elif op == "answer":
            item.answered, item.answer = True, _text(answer)
            item.answer_html = render_markdown(item.answer)
        elif op == "unanswer":
            item.answered, item.answer, item.answer_html = False, "", ""
        item.save()
        for other in unpinned:
            other.pinned = False
            other.save(update_fields=["pinned"])
        for changed in (*unpinned, item):
            append_update(item.channel, {"kind": "item", "item": item_data(changed)},
                          _public_item(changed))
        record_audit(actor=actor, verb=f"live.{op}", target=item, community=event.community,
                     details={"by": item.participant.display_name, "text": item.body[:200]})
    return item


def do_set_channel(*, actor, event, is_open=None, guests_allowed=None,
                   premoderated=None) -> LiveChannel:
    check_moderator(actor, event)
    channel = channel_of(event)
    before = (channel.is_open, channel.guests_allowed)
    with transaction.atomic():
        for field, value in (("is_open", is_open), ("guests_allowed", guests_allowed),
                             ("premoderated", premoderated)):
            if value is not None:
                setattr(channel, field, bool(value))
        channel.save(update_fields=["is_open", "guests_allowed", "premoderated"])
        record_audit(actor=actor, verb="live.channel_set", target=event, community=event.community,
                     details={"is_open": channel.is_open, "guests_allowed": channel.guests_allowed,
                              "premoderated": channel.premoderated})
        data = {"kind": "channel", "channel": channel_data(channel)}
        append_update(channel, data, data)
        if (channel.is_open, channel.guests_allowed) != before:
            # Guests let in no more (or a closed channel) lose their pass: their sockets check.
            recheck_after_commit(broadcast.channel_group(channel.pk))
    return channel


def do_remove_participant(*, actor, participant: Participant) -> Participant:
    """The participant's sockets close and they can no longer post; what they posted stays
    (hide it item by item)."""
    channel = participant.channel
    check_moderator(actor, channel.event)
    if participant.user_id == actor.pk:
        raise ActionError(_("You cannot remove yourself."), code="self")
    with transaction.atomic():
        participant.removed_at = timezone.now()
        participant.save(update_fields=["removed_at"])
        record_audit(actor=actor, verb="live.participant_removed", target=participant,
                     community=channel.event.community)
        data = {"kind": "removed", "participant": participant.pk}
        append_update(channel, data, data)
    return participant


# --- polls ----------------------------------------------------------------------------------

def do_create_poll(*, actor, event, question: str, options, multiple: bool = False) -> Poll:
    check_moderator(actor, event)
    question = _text(question)
    labels = [_text(o) for o in (options or []) if _text(o)]
    errors = {}
    if not question:
        errors["question"] = [_("Ask a question.")]
    elif len(question) > 300:
        errors["question"] = [_("At most %(n)d characters.") % {"n": 300}]
    if not 2 <= len(labels) <= MAX_POLL_OPTIONS:
        errors["options"] = [_("Give between 2 and %(n)d choices.") % {"n": MAX_POLL_OPTIONS}]
    elif any(len(label) > MAX_OPTION for label in labels):
        errors["options"] = [_("Each choice has at most %(n)d characters.") % {"n": MAX_OPTION}]
    elif len(set(labels)) != len(labels):
        errors["options"] = [_("Each choice must differ from the others.")]
    if errors:
        raise ActionError(_("Check the poll."), fields=errors)
    channel = channel_of(event)
    with transaction.atomic():
        poll = Poll.objects.create(channel=channel, question=question, multiple=bool(multiple))
        PollOption.objects.bulk_create(PollOption(poll=poll, label=label, position=n)
                                       for n, label in enumerate(labels))
        _append_poll(channel, poll)
    return poll


def _append_poll(channel: LiveChannel, poll: Poll) -> None:
    data = {"kind": "poll", "poll": poll_data(poll)}
    append_update(channel, data, data)


def do_close_poll(*, actor, poll: Poll) -> Poll:
    check_moderator(actor, poll.channel.event)
    with transaction.atomic():
        poll.is_open = False
        poll.save(update_fields=["is_open"])
        _append_poll(poll.channel, poll)
    return poll


def do_answer_poll(*, participant: Participant, poll: Poll, option_ids) -> Poll:
    """Choose (or change) one's answer while the poll is open; several only if it allows."""
    participant = _fresh(participant)
    channel = participant.channel
    if poll.channel_id != channel.pk:
        raise ActionError(_("There is no such poll here."), code="not_found")
    if not poll.is_open:
        raise Conflict(_("This poll is closed."), code="poll_closed")
    _check_may_post(participant, channel)
    try:
        chosen = {int(i) for i in option_ids}
    except (TypeError, ValueError):
        chosen = set()
    valid = set(poll.options.values_list("pk", flat=True))
    if not chosen or not chosen <= valid or (len(chosen) > 1 and not poll.multiple):
        message = (_("Choose one or more of the choices.") if poll.multiple
                   else _("Choose one of the choices."))
        raise ActionError(message, fields={"options": [message]})
    limits.check_rate(participant.pk, "vote")
    with transaction.atomic():
        Poll.objects.select_for_update().filter(pk=poll.pk).exists()
        previous = set(PollVote.objects.filter(poll=poll, participant=participant)
                       .values_list("option_id", flat=True))
        PollVote.objects.filter(poll=poll, participant=participant,
                                option_id__in=previous - chosen).delete()
        PollVote.objects.bulk_create(PollVote(poll=poll, option_id=o, participant=participant)
                                     for o in chosen - previous)
        PollOption.objects.filter(pk__in=previous - chosen).update(
            vote_count=F("vote_count") - 1)
        PollOption.objects.filter(pk__in=chosen - previous).update(
            vote_count=F("vote_count") + 1)
        _append_poll(channel, poll)
    return poll
