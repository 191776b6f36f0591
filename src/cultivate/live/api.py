"""JSON routes of the backchannel over the same actions and queries as the pages and the
websocket. Guests who joined through the API send their token in the `X-Live-Guest` header
(or `?guest=` on the websocket)."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import SessionAuth
from pydantic import ConfigDict, Field

from cultivate.live import actions, queries
from cultivate.live.models import MAX_BODY, Item, Participant, Poll
from cultivate.live.serialise import channel_data, item_data, poll_data
from cultivate.people.api_auth import PersonalAccessTokenAuth

router = Router(tags=["live backchannel"])
GUEST_HEADER = "X-Live-Guest"


def guest(request):
    """No account: a guest's token (checked by `access_live`) is their credential. A browser
    signed in by its session goes on to SessionAuth, which checks CSRF."""
    user = getattr(request, "user", None)
    return None if user is not None and user.is_authenticated else "guest"


def _auth():
    return [PersonalAccessTokenAuth(), guest, SessionAuth()]


class ItemOut(Schema):
    id: int
    kind: str
    author: str
    author_is_guest: bool
    body: str
    body_html: str
    status: str
    answer: str
    pinned: bool
    answered: bool
    answer_html: str
    votes: int
    created_at: str


class OptionOut(Schema):
    id: int
    label: str
    votes: int


class PollOut(Schema):
    id: int
    question: str
    multiple: bool
    open: bool
    total: int = Field(description="Answers counted over all choices.")
    options: list[OptionOut]
    created_at: str


class ChannelOut(Schema):
    open: bool
    guests_allowed: bool
    premoderated: bool


class StateOut(Schema):
    seq: int = Field(description="The last update number: resume the websocket or polling "
                                 "after it.")
    channel: ChannelOut
    event: dict[str, Any]
    me: dict[str, Any]
    items: list[dict[str, Any]]
    polls: list[PollOut]
    my_votes: list[int]
    my_poll_answers: list[int]


class UpdatesOut(Schema):
    updates: list[dict[str, Any]] = Field(description="{seq, data}; data null: not for you.")
    seq: int
    reset: bool = Field(description="Too many missed: fetch the state again.")


class LiveJoinIn(Schema):
    model_config = ConfigDict(extra="forbid")
    code: str
    display_name: str


class LiveJoinOut(Schema):
    participant: int
    display_name: str
    guest_token: str | None


class PostIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(description="question or comment")
    body: str = Field(max_length=MAX_BODY * 2)


class VotesOut(Schema):
    votes: int


class ModerateIn(Schema):
    model_config = ConfigDict(extra="forbid")
    op: str = Field(description="approve, hide, pin, unpin, answer, unanswer")
    answer: str = ""


class ChannelIn(Schema):
    model_config = ConfigDict(extra="forbid")
    is_open: bool | None = None
    guests_allowed: bool | None = None
    premoderated: bool | None = None


class PollIn(Schema):
    model_config = ConfigDict(extra="forbid")
    question: str
    options: list[str]
    multiple: bool = False


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")
    options: list[int]


class ParticipantOut(Schema):
    id: int
    display_name: str
    guest: bool
    removed: bool


def _live(request: HttpRequest, event_id: int) -> queries.LiveAccess:
    user = request.user if getattr(request, "user", None) else None
    return queries.access_live(user, event_id, guest_token=request.headers.get(GUEST_HEADER))


@router.get("/events/{event_id}/live", response=StateOut, auth=_auth(),
            summary="The backchannel's state")
def get_state(request, event_id: int):
    return queries.snapshot(_live(request, event_id))


@router.get("/events/{event_id}/live/updates", response=UpdatesOut, auth=_auth(),
            summary="Updates numbered after `after` (polling)")
def get_updates(request, event_id: int, after: int = 0):
    live = _live(request, event_id)
    found, last, too_long = queries.updates_after(live.channel, max(0, after),
                                                  moderator=live.moderator)
    return {"updates": [] if too_long else found, "seq": last, "reset": too_long}


@router.post("/events/{event_id}/live/join", response={201: LiveJoinOut}, auth=_auth(),
             summary="Join: a member under their name, or a guest with the event's code")
def join(request, event_id: int, payload: LiveJoinIn):
    live = _live(request, event_id)
    if live.may_join_as_member:  # a member takes part under their name, never as a guest
        participant = actions.do_join_as_member(actor=request.user, event=live.event)
    else:
        participant = actions.do_join_as_guest(
            event=live.event, code=payload.code, display_name=payload.display_name,
            address=request.META.get("REMOTE_ADDR", ""),
            guest_token=request.headers.get(GUEST_HEADER), actor=request.user)
    return Status(201, {"participant": participant.pk, "display_name": participant.display_name,
                        "guest_token": participant.guest_token})


@router.post("/events/{event_id}/live/items", response={201: ItemOut}, auth=_auth(),
             summary="Post a question or a comment")
def post_item(request, event_id: int, payload: PostIn):
    live = _live(request, event_id)
    item = actions.do_post_item(participant=actions.acting_participant(live, request.user),
                                kind=payload.kind, body=payload.body)
    return Status(201, item_data(item))


def _item(live, item_id) -> Item:
    return get_object_or_404(Item.objects.select_related("participant"), pk=item_id,
                             channel=live.channel)


@router.post("/events/{event_id}/live/items/{item_id}/vote", response=VotesOut, auth=_auth(),
             summary="Vote for a question (once)")
def vote(request, event_id: int, item_id: int):
    live = _live(request, event_id)
    return {"votes": actions.do_vote(participant=actions.acting_participant(live, request.user),
                                     item=_item(live, item_id))}


@router.delete("/events/{event_id}/live/items/{item_id}/vote", response=VotesOut,
               auth=_auth(), summary="Withdraw your vote")
def unvote(request, event_id: int, item_id: int):
    live = _live(request, event_id)
    return {"votes": actions.do_vote(participant=actions.acting_participant(live, request.user),
                                     item=_item(live, item_id), up=False)}


@router.post("/events/{event_id}/live/items/{item_id}/moderate", response=ItemOut,
             summary="Facilitators: approve, hide, pin, unpin, answer, unanswer")
def moderate(request, event_id: int, item_id: int, payload: ModerateIn):
    live = _live(request, event_id)
    item = actions.do_moderate_item(actor=request.user, item=_item(live, item_id),
                                    op=payload.op, answer=payload.answer)
    return item_data(item)


@router.patch("/events/{event_id}/live", response=ChannelOut,
              summary="Facilitators: open or close, let guests in, pre-moderate")
def change_channel(request, event_id: int, payload: ChannelIn):
    live = _live(request, event_id)
    channel = actions.do_set_channel(actor=request.user, event=live.event,
                                     **payload.model_dump())
    return channel_data(channel)


@router.get("/events/{event_id}/live/participants", response=list[ParticipantOut],
            summary="Facilitators: who joined")
def participants(request, event_id: int):
    live = _live(request, event_id)
    actions.check_moderator(request.user, live.event)
    return [{"id": p.pk, "display_name": p.display_name, "guest": p.user_id is None,
             "removed": p.removed_at is not None} for p in queries.participants_of(live.channel)]


@router.post("/events/{event_id}/live/participants/{participant_id}/remove",
             response=ParticipantOut, summary="Facilitators: remove a disruptive participant")
def remove_participant(request, event_id: int, participant_id: int):
    live = _live(request, event_id)
    participant = get_object_or_404(Participant, pk=participant_id, channel=live.channel)
    actions.do_remove_participant(actor=request.user, participant=participant)
    return {"id": participant.pk, "display_name": participant.display_name,
            "guest": participant.user_id is None, "removed": True}


@router.post("/events/{event_id}/live/polls", response={201: PollOut},
             summary="Facilitators: open a poll")
def create_poll(request, event_id: int, payload: PollIn):
    live = _live(request, event_id)
    poll = actions.do_create_poll(actor=request.user, event=live.event,
                                  question=payload.question, options=payload.options,
                                  multiple=payload.multiple)
    return Status(201, poll_data(poll))


def _poll(live, poll_id) -> Poll:
    return get_object_or_404(Poll, pk=poll_id, channel=live.channel)


@router.post("/events/{event_id}/live/polls/{poll_id}/close", response=PollOut,
             summary="Facilitators: close a poll")
def close_poll(request, event_id: int, poll_id: int):
    live = _live(request, event_id)
    return poll_data(actions.do_close_poll(actor=request.user, poll=_poll(live, poll_id)))


@router.post("/events/{event_id}/live/polls/{poll_id}/answer", response=PollOut,
             auth=_auth(), summary="Answer a poll (again, to change your answer)")
def answer_poll(request, event_id: int, poll_id: int, payload: AnswerIn):
    live = _live(request, event_id)
    poll = actions.do_answer_poll(participant=actions.acting_participant(live, request.user),
                                  poll=_poll(live, poll_id), option_ids=payload.options)
    return poll_data(poll)
