"""The websocket of a backchannel: `/ws/live/<event id>/?after=<seq>` (and `guest=<token>` for
API clients that joined as guests). Browsers authenticate with their session, API clients with
`Authorization: Bearer <personal access token>`.

Server to client: `hello` (who you are, the last number), then every stored update after
`after`, then live updates as they happen, each `{"type": "update", "seq": n, "data": {...}}`
(`data` null: a numbered update you may not see). Client to server: `post`, `vote`, `unvote`,
`poll_answer`, `resume`; each answered with `ack` or `error` carrying the client's `ref`.
A bad frame gets an error and the socket stays open; removal, or losing the right to read
(membership, the community's visibility, guests let in no more), closes it with code 4403.
"""

import asyncio
import json
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils.translation import gettext as _

from cultivate.core import realtime
from cultivate.core.errors import ActionError, NotAllowed, RateLimited
from cultivate.live import actions, broadcast, queries
from cultivate.live.models import Item, Poll
from cultivate.live.serialise import item_data


def in_db_thread(func):
    """Database work of sockets runs in a pool of threads, not Channels' one shared thread:
    thousands of sockets connecting or posting at once would queue behind each other there."""
    return database_sync_to_async(func, thread_sensitive=False)


CLOSE_REMOVED = 4403
CLOSE_NOT_ALLOWED = 4404
CLOSE_TOO_SLOW = 4408  # the client fell too far behind: reconnect and resume
OUTBOX_LIMIT = 2000
CLOSE = object()  # in the outbox: close after what is queued before it
RECHECK = object()  # in the outbox: check access again before sending what follows


class LiveConsumer(AsyncWebsocketConsumer):
    """Broadcasts reach the socket through `take_broadcast` (called by this process's hub),
    which only queues text; one writer task per socket sends it, so a slow client never holds
    up the others."""

    access: queries.LiveAccess
    sent_seq = 0
    writer: asyncio.Task | None = None
    groups_joined: tuple = ()

    async def connect(self):
        realtime.remember_server_loop()
        query = {key: values[-1] for key, values in
                 parse_qs(self.scope.get("query_string", b"").decode("latin-1")).items()}
        event_id = self.scope["url_route"]["kwargs"]["event_id"]
        self.guest_token = query.get("guest") or await in_db_thread(queries.guest_token_in)(
            self.scope.get("session"), event_id)
        try:
            self.access = await in_db_thread(self._access)(event_id, self.guest_token)
        except NotAllowed:
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        self.outbox: asyncio.Queue = asyncio.Queue(maxsize=OUTBOX_LIMIT)
        groups = [broadcast.channel_group(self.access.channel.pk),
                  realtime.community_group(self.access.event.community_id)]
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            groups.append(realtime.user_group(user.pk))
        self.groups_joined = tuple(groups)
        channel_group, *others = self.groups_joined
        # Join before reading the backlog, so nothing falls between the two.
        await realtime.hub().join(channel_group, self, seq=self.access.channel.last_seq)
        for group in others:
            await realtime.hub().join(group, self)
        await self.accept()
        me = queries.participant_data(self.access)
        await self.send_json({"type": "hello", "seq": self.access.channel.last_seq, "me": me})
        await self.send_backlog(_int(query.get("after"), default=self.access.channel.last_seq))
        self.writer = asyncio.get_running_loop().create_task(self.write())

    def _access(self, event_id, guest_token):
        user = self.scope.get("user")
        access = queries.access_live(user, event_id, guest_token=guest_token)
        if access.participant is None and access.may_join_as_member:
            access.participant = actions.do_join_as_member(actor=user, event=access.event)
        return access

    async def disconnect(self, code):
        for group in self.groups_joined:
            await realtime.hub().leave(group, self)
        if self.writer is not None:
            self.writer.cancel()

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content, separators=(",", ":")))

    async def send_backlog(self, after: int):
        updates, last, too_long = await in_db_thread(queries.updates_after)(
            self.access.channel, after, moderator=self.access.moderator)
        if too_long:
            await self.send_json({"type": "reset", "seq": last})  # take a fresh snapshot
        else:
            for update in updates:
                await self.send_json({"type": "update", **update})
        self.sent_seq = max(self.sent_seq, last)

    # --- from the hub ---

    def take_broadcast(self, message: dict) -> None:
        """Queue a broadcast for this socket; never waits. Its text (for facilitators or for
        everyone) is chosen when it is sent, by the access as last checked."""
        if message.get("type") == "recheck":
            self.queue(RECHECK)
            return
        self.queue((message["seq"], message))
        removed = message.get("removed")
        if removed is not None and removed == self.participant_id:
            self.queue(CLOSE)

    def queue(self, entry) -> None:
        try:
            self.outbox.put_nowait(entry)
        except asyncio.QueueFull:  # far behind: let it reconnect and resume from its number
            asyncio.get_running_loop().create_task(self.close(code=CLOSE_TOO_SLOW))

    async def write(self):
        while True:
            entry = await self.outbox.get()
            if entry is CLOSE:
                await self.close(code=CLOSE_REMOVED)
                return
            if entry is RECHECK:
                if not await self.recheck():
                    return
                continue
            seq, text = entry
            if seq is not None:
                if seq <= self.sent_seq:
                    continue  # already sent from the backlog
                self.sent_seq = seq
            if isinstance(text, dict):
                text = text["full"] if self.access.moderator else text["public"]
            await self.send(text_data=text)

    async def recheck(self) -> bool:
        """Who may read changed (the person's membership, the community's visibility, the
        channel's guests): may they still be here? Runs in the writer, so nothing queued after
        the change is sent before the answer."""
        try:
            self.access = await in_db_thread(self._access_again)()
        except NotAllowed:
            await self.close(code=CLOSE_REMOVED)
            return False
        return True

    def _access_again(self):
        access = queries.access_live(self.scope.get("user"), self.access.event.pk,
                                     guest_token=self.guest_token)
        was = self.access.participant
        if was is not None and was.user_id is not None and not access.may_join_as_member:
            raise NotAllowed("no longer a member")  # may still read: reconnect as a reader
        return access

    @property
    def participant_id(self):
        participant = self.access.participant
        return participant.pk if participant else None

    # --- from the client ---

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None or text_data is None:
            return await self.send_error(None, "malformed", _("Send JSON text frames."))
        if len(text_data) > settings.CULTIVATE_LIVE_MAX_FRAME:
            return await self.send_error(None, "too_large", _("That message is too long."))
        try:
            frame = json.loads(text_data)
        except ValueError:
            frame = None
        if not isinstance(frame, dict) or not isinstance(frame.get("action"), str):
            return await self.send_error(None, "malformed",
                                         _('Send a JSON object with an "action".'))
        ref = frame.get("ref")
        handler = getattr(self, "do_" + frame["action"], None)
        if handler is None:
            return await self.send_error(ref, "unknown_action", _("Unknown action."))
        try:
            result = await handler(frame)
        except RateLimited as error:
            return await self.send_error(ref, error.code, error.message,
                                         retry_after=error.retry_after)
        except ActionError as error:
            return await self.send_error(ref, error.code, error.message, error.fields)
        except NotAllowed as error:
            return await self.send_error(ref, "forbidden", str(error) or _("Not allowed."))
        await self.send_json({"type": "ack", "ref": ref, **(result or {})})

    async def send_error(self, ref, code, message, fields=None, *, retry_after=None):
        frame = {"type": "error", "ref": ref, "code": code, "message": message,
                 "fields": fields or {}}
        if retry_after is not None:
            frame["retry_after"] = retry_after  # seconds, as HTTP's Retry-After
        await self.send_json(frame)

    def _participant(self):
        if self.access.participant is None:
            raise NotAllowed(_("Join the backchannel first."))
        return self.access.participant

    async def do_resume(self, frame):
        """Resend what the client says it missed (a lost broadcast), in order, through the
        outbox so it cannot overtake or be overtaken by live updates."""
        updates, _last, too_long = await in_db_thread(queries.updates_after)(
            self.access.channel, _int(frame.get("after"), default=self.sent_seq),
            moderator=self.access.moderator)
        if too_long:
            self.queue((None, json.dumps({"type": "reset"})))
        for update in [] if too_long else updates:
            self.queue((None, json.dumps({"type": "update", **update}, separators=(",", ":"))))

    async def do_post(self, frame):
        item = await in_db_thread(actions.do_post_item)(
            participant=self._participant(), kind=str(frame.get("kind", "")),
            body=str(frame.get("body", "")))
        return {"item": item_data(item)}

    async def do_vote(self, frame, up=True):
        def vote():
            item = Item.objects.filter(pk=_int(frame.get("item"), default=0)).first()
            if item is None:
                raise ActionError(_("There is no such question here."), code="not_found")
            return actions.do_vote(participant=self._participant(), item=item, up=up)
        return {"votes": await in_db_thread(vote)()}

    async def do_unvote(self, frame):
        return await self.do_vote(frame, up=False)

    async def do_poll_answer(self, frame):
        def answer():
            poll = Poll.objects.filter(pk=_int(frame.get("poll"), default=0)).first()
            if poll is None:
                raise ActionError(_("There is no such poll here."), code="not_found")
            options = frame.get("options")
            actions.do_answer_poll(participant=self._participant(), poll=poll,
                                   option_ids=options if isinstance(options, list) else [])
        await in_db_thread(answer)()


def _int(value, *, default: int) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return default
