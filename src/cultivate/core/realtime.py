"""Sending to websocket groups from any thread, in one process or across workers.

HTTP requests run in WSGI threads (see asgi.py); they hand each send to the ASGI server's event
loop, so the in-memory channel layer (embedded tier, one process) reaches the sockets that loop
serves, and the Redis layer reuses the loop's connection instead of opening one per send.
"""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)
_server_loop: asyncio.AbstractEventLoop | None = None


def remember_server_loop() -> None:
    """Call from the server's event loop (lifespan startup, a socket connecting)."""
    global _server_loop
    _server_loop = asyncio.get_running_loop()


def user_group(user_id: int) -> str:
    """Every live socket of a signed-in person listens here for changes of their access."""
    return f"user-{user_id}"


def send_to_group(group: str, message: dict) -> None:
    """Best effort: what is sent was stored first, and clients catch up from the store."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        loop = _server_loop
        if loop is not None and loop.is_running() and not _in_loop(loop):
            asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop).result(5)
        elif _running_loop() is not None:  # called from async code: do not block its loop
            _running_loop().create_task(layer.group_send(group, message))
        else:
            async_to_sync(layer.group_send)(group, message)
    except Exception:
        logger.exception("sending to websocket group %s failed", group)


def access_changed_after_commit(user_id: int) -> None:
    """A membership of this person ended or changed: their live sockets check again."""
    transaction.on_commit(lambda: send_to_group(user_group(user_id), {"type": "live.recheck"}))


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    return _running_loop() is loop
