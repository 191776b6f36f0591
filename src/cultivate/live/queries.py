"""Read paths of the backchannel shared by the pages, the API and the websocket: who is looking
(one access check), the state of a channel, the updates after a number."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q

from cultivate import policy
from cultivate.core.errors import NotAllowed
from cultivate.events.models import Event
from cultivate.live.models import (
    Item,
    ItemStatus,
    LiveChannel,
    Participant,
    Poll,
    PollOption,
    PollVote,
    Update,
    Vote,
)
from cultivate.live.serialise import channel_data, item_data, poll_data, public_item_data

BACKLOG_LIMIT = 1000  # past this many missed updates a client reloads the snapshot instead
GUEST_SESSION_KEY = "live_guest_tokens"  # channel id -> guest token, in a browser's session


@dataclass
class LiveAccess:
    event: Event
    channel: LiveChannel
    participant: Participant | None  # None: may watch (reader of the community) but not post
    moderator: bool
    may_join_as_member: bool
    member_name: str | None = None  # the name a member who has not joined yet will post under

    @property
    def may_post(self) -> bool:
        """A participant not removed, or a member who joins on their first post."""
        if not self.channel.is_open:
            return False
        if self.participant is not None:
            return self.participant.removed_at is None
        return self.may_join_as_member


def access_live(user, event_id, *, guest_token: str | None = None) -> LiveAccess:
    """Who this is for this event's backchannel; 404 (hidden) for anyone who may neither read
    the community nor holds a guest pass, and for removed guests."""
    event = (Event.objects.select_related("community").filter(pk=event_id).first()
             if str(event_id).isdigit() else None)
    if event is None:
        raise NotAllowed("no such event", hide=True)
    channel, _created = LiveChannel.objects.get_or_create(event=event)
    channel.event = event
    standing = policy.standing_of(user, event.community)
    verbs = policy.allowed(standing, event.community)
    participant = None
    if policy.is_signed_in(user):
        participant = Participant.objects.filter(channel=channel, user=user).first()
    if participant is None and guest_token:
        participant = Participant.objects.filter(channel=channel, guest_token=guest_token).first()
    if participant is not None and participant.removed_at is not None:
        raise NotAllowed("removed from this backchannel", hide=participant.user_id is None)
    if participant is None and policy.Can.READ not in verbs:
        raise NotAllowed("no such event", hide=True)
    if participant is not None and participant.user_id is None and not channel.guests_allowed:
        participant = None  # guests were let in earlier, not any more
        if policy.Can.READ not in verbs:
            raise NotAllowed("guests are not let in", hide=True)
    may_join = policy.Can.TAKE_PART_LIVE in verbs
    return LiveAccess(event=event, channel=channel, participant=participant,
                      moderator=policy.Can.PLAN_EVENTS in verbs, may_join_as_member=may_join,
                      member_name=user.public_name if may_join else None)


def guest_token_in(session, event_id) -> str | None:
    """A browser guest's pass for this event, kept in their session when they joined with the
    code (pages and the websocket alike). No query unless the session holds a pass."""
    tokens = session.get(GUEST_SESSION_KEY, {}) if session is not None else {}
    if not tokens:
        return None
    channel_id = LiveChannel.objects.filter(event_id=event_id).values_list("pk", flat=True)
    return tokens.get(str(channel_id.first()))


def normal_code(code) -> str:
    """A code as typed: any case, spaces or dashes between groups ("ABCD-EFGH")."""
    return "".join(str(code or "").split()).replace("-", "").upper()


def event_by_code(code: str) -> Event | None:
    code = normal_code(code)
    return Event.objects.select_related("community").filter(join_code=code).first() if code \
        else None


def joinable_by_code(user, code: str) -> tuple[Event | None, LiveAccess | None]:
    """The event behind a code, only if this visitor may read its backchannel (the access) or
    join it as a guest (access None); (None, None) otherwise, exactly as for an unknown code,
    so a code tells nothing about an event the visitor may not join."""
    event = event_by_code(code)
    if event is None:
        return None, None
    try:
        return event, access_live(user, event.pk)
    except NotAllowed:
        pass
    channel = LiveChannel.objects.filter(event=event).first()
    if channel is not None and policy.may_join_live_as_guest(channel):
        return event, None
    return None, None


def items_for(channel: LiveChannel, *, moderator: bool, participant: Participant | None):
    items = Item.objects.filter(channel=channel).select_related("participant")
    if moderator:
        return items
    shown = Q(status=ItemStatus.VISIBLE)
    if participant is not None:
        shown |= Q(status=ItemStatus.PENDING, participant=participant)
    return items.filter(shown)


def polls_of(channel: LiveChannel):
    return Poll.objects.filter(channel=channel).prefetch_related(
        Prefetch("options", queryset=PollOption.objects.order_by("position", "pk")))


def snapshot(access: LiveAccess) -> dict:
    """The whole state a page or client starts from; updates after `seq` follow."""
    channel = access.channel
    seq = channel.last_seq  # read with the access check, before the items: nothing is missed
    items = items_for(channel, moderator=access.moderator, participant=access.participant)
    participant = access.participant
    return {
        "seq": seq,
        "channel": channel_data(channel),
        "event": {"id": access.event.pk, "title": access.event.title,
                  "join_code": access.event.join_code},
        "me": participant_data(access),
        "items": [item_data(i) if access.moderator else (public_item_data(i) or item_data(i))
                  for i in items],
        "polls": [poll_data(p) for p in polls_of(channel)],
        "my_votes": sorted(Vote.objects.filter(participant=participant)
                           .values_list("item_id", flat=True)) if participant else [],
        "my_poll_answers": sorted(PollVote.objects.filter(participant=participant)
                                  .values_list("option_id", flat=True)) if participant else [],
    }


def participant_data(access: LiveAccess) -> dict:
    participant = access.participant
    return {"participant": participant.pk if participant else None,
            "name": participant.display_name if participant else access.member_name,
            "guest": bool(participant and participant.user_id is None),
            "moderator": access.moderator, "may_post": access.may_post}


def updates_after(channel: LiveChannel, after: int, *, moderator: bool) -> tuple[list, int, bool]:
    """The updates numbered after `after` this viewer may see, the channel's last number, and
    whether the backlog was too long (the client should take a fresh snapshot instead)."""
    rows = list(Update.objects.filter(channel=channel, seq__gt=after)
                .order_by("seq").values_list("seq", "data", "public_data")[:BACKLOG_LIMIT + 1])
    too_long = len(rows) > BACKLOG_LIMIT
    rows = rows[:BACKLOG_LIMIT]
    last = rows[-1][0] if rows else after
    updates = [{"seq": seq, "data": data if moderator else public} for seq, data, public in rows]
    return updates, last, too_long


def participants_of(channel: LiveChannel):
    return Participant.objects.filter(channel=channel).order_by("display_name", "pk")
