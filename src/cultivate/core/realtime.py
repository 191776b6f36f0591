"""Live fan-out: from a write (in any thread or process) to the websockets that listen.

Each server process keeps one `Hub`: the sockets it serves, by group. A message for a group is
published once to Redis (pub/sub, when REDIS_URL is set); every process subscribed to that
group receives it once and hands it to its own sockets, which forward ready-made text. Without
Redis (the embedded tier: one process) the hub delivers in the process.

Why not a Channels channel layer: measured with 1,000 and 5,000 sockets (docs/benchmarks.md,
docs/live.md), channels_redis' pub/sub layer cost about 8x the CPU per delivered message of a
bare websockets server, mostly in per-socket queues and dispatch tasks, and dropped messages when
its per-channel queues filled. Here a delivery is one `put_nowait` into the socket's outbox;
Channels still routes and runs the consumers.

Writes run in threads (WSGI requests, the consumers' database work): they publish straight to
Redis, or, without Redis, schedule the delivery on the server's loop; they never wait for it.
"""

import asyncio
import functools
import json
import logging
import os
from collections.abc import Awaitable, Callable

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)
_server_loop: asyncio.AbstractEventLoop | None = None
_hub: "Hub | None" = None


def remember_server_loop() -> None:
    """Call from the server's event loop (lifespan startup, a socket connecting)."""
    global _server_loop
    _server_loop = asyncio.get_running_loop()


def user_group(user_id: int) -> str:
    """Every live socket of a signed-in person listens here for changes of their access."""
    return f"user-{user_id}"


# Group prefix -> async (group, after, before) -> the numbered messages in between, from the
# store: how a process repairs a broadcast Redis lost (live registers one for its channels).
GAP_FILLERS: dict[str, Callable[[str, int, int], Awaitable[list[dict]]]] = {}
REORDER_WAIT = 0.5  # seconds to wait for a late message before fetching it from the store


class InOrder:
    """Numbered messages of one group, handed on in number order. Two workers commit and
    publish independently, so Redis may carry number 11 before 10: hold 11 back briefly, and if
    10 never comes, fetch it from the store once for the whole process."""

    def __init__(self, group: str, last: int, deliver):
        self.group, self.last, self.deliver = group, last, deliver
        self.held: dict[int, dict] = {}
        self.timer: asyncio.TimerHandle | None = None

    def take(self, message: dict) -> None:
        seq = message["seq"]
        if seq <= self.last:
            return  # already handed on (a repair and the late original)
        self.held[seq] = message
        self.flush()
        if self.held and self.timer is None:
            self.timer = asyncio.get_running_loop().call_later(REORDER_WAIT, self.repair)

    def flush(self) -> None:
        while self.last + 1 in self.held:
            self.last += 1
            self.deliver(self.group, self.held.pop(self.last))
        if not self.held and self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def repair(self) -> None:
        self.timer = None
        if self.held:
            asyncio.get_running_loop().create_task(self._fill(min(self.held)))

    async def _fill(self, before: int) -> None:
        filler = next((f for prefix, f in GAP_FILLERS.items()
                       if self.group.startswith(prefix)), None)
        try:
            missing = await filler(self.group, self.last, before) if filler else []
        except Exception:
            logger.exception("repairing %s failed", self.group)
            missing = []
        for message in missing:
            self.held.setdefault(message["seq"], message)
        if before - 1 not in self.held and self.last < before - 1:
            self.last = before - 1  # gone from the store too: skip rather than stall
        self.flush()
        if self.held and self.timer is None:
            self.timer = asyncio.get_running_loop().call_later(REORDER_WAIT, self.repair)


class Hub:
    """Groups of local sockets, and the Redis subscription that feeds them."""

    def __init__(self, redis_url: str = ""):
        self.redis_url = redis_url
        self.groups: dict[str, set] = {}
        self.order: dict[str, InOrder] = {}
        self._redis = None
        self._pubsub = None
        self._reader: asyncio.Task | None = None

    async def join(self, group: str, socket, *, seq: int | None = None) -> None:
        """`seq`: the group's last number as the socket read it, for groups of numbered
        messages; later ones are then handed on in order."""
        members = self.groups.setdefault(group, set())
        members.add(socket)
        if seq is not None:
            order = self.order.get(group)
            if order is None:
                self.order[group] = InOrder(group, seq, self._deliver_now)
        if len(members) == 1 and self.redis_url:
            await (await self._subscription()).subscribe(group)

    async def leave(self, group: str, socket) -> None:
        members = self.groups.get(group)
        if members is None:
            return
        members.discard(socket)
        if not members:
            del self.groups[group]
            self.order.pop(group, None)
            if self._pubsub is not None:
                await self._pubsub.unsubscribe(group)

    async def publish(self, group: str, message: dict) -> None:
        if self.redis_url:
            await (await self._client()).publish(group, json.dumps(message))
        else:
            self.deliver(group, message)

    def deliver(self, group: str, message: dict) -> None:
        order = self.order.get(group)
        if order is not None and "seq" in message:
            order.take(message)
        else:
            self._deliver_now(group, message)

    def _deliver_now(self, group: str, message: dict) -> None:
        """Hand the message to each local socket of the group: never waits on a socket."""
        for socket in list(self.groups.get(group, ())):
            socket.take_broadcast(message)

    async def _client(self):
        if self._redis is None:
            import redis.asyncio as aioredis

            self._redis = aioredis.Redis.from_url(self.redis_url)
        return self._redis

    async def _subscription(self):
        if self._pubsub is None:
            await self._open_pubsub()
            self._reader = asyncio.get_running_loop().create_task(self._read())
        return self._pubsub

    async def _open_pubsub(self):
        self._pubsub = (await self._client()).pubsub(ignore_subscribe_messages=True)
        # A channel of this process's own keeps the subscription alive between groups.
        await self._pubsub.subscribe(f"cultivate-hub-{os.getpid()}-{id(self)}")
        return self._pubsub

    async def _read(self) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(timeout=5.0)
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis went away: clients catch up from the store on reconnect
                logger.exception("live subscription failed; retrying")
                await asyncio.sleep(1)
                await self._resubscribe()
                continue
            if message and message["type"] == "message":
                self.deliver(message["channel"].decode(), json.loads(message["data"]))

    async def _resubscribe(self) -> None:
        try:
            await self._pubsub.aclose()
            pubsub = await self._open_pubsub()
            for group in list(self.groups):
                await pubsub.subscribe(group)
        except Exception:
            logger.exception("live resubscription failed")


def hub() -> Hub:
    """This process's hub (created on the server's loop by the first socket)."""
    global _hub
    if _hub is None:
        _hub = Hub(settings.REDIS_URL)
    return _hub


def send_to_group(group: str, message: dict) -> None:
    """Best effort, and never waits on the event loop (it may be busy fanning out): what is sent
    was stored first, and clients catch up from the store."""
    try:
        if settings.REDIS_URL:
            running = _running_loop()
            if running is not None:  # async code: publish on its loop without blocking it
                running.create_task(hub().publish(group, message))
            else:  # a thread: straight to Redis; every process's hub, this one too, hears it
                _sync_redis().publish(group, json.dumps(message))
            return
        loop = _server_loop  # one process: hand it to the local hub on the server's loop
        if loop is not None and loop.is_running():
            if _running_loop() is loop:
                hub().deliver(group, message)
            else:
                loop.call_soon_threadsafe(hub().deliver, group, message)
    except Exception:
        logger.exception("sending to live group %s failed", group)


def community_group(community_id: int) -> str:
    """Every live socket of a community's events listens here for changes of who may read."""
    return f"community-{community_id}"


def access_changed_after_commit(user_id: int) -> None:
    """A membership of this person ended or changed: their live sockets check again."""
    recheck_after_commit(user_group(user_id))


def recheck_after_commit(group: str) -> None:
    """Who may read changed for the sockets of `group` (a person, a community, a live
    channel): once committed, each checks its own access again and closes if refused."""
    transaction.on_commit(lambda: send_to_group(group, {"type": "recheck"}))


@functools.cache
def _sync_redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
