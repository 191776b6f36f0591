"""Broadcasting a channel's stored updates to its sockets (through core.realtime).

Only actions call `publish_after_commit`, so a broadcast never announces a rolled-back change.
Each message carries the update as ready-made JSON text, once for facilitators and once for
everyone else, so each socket forwards text instead of serialising per socket.
"""

import json

from channels.db import database_sync_to_async
from django.db import transaction

from cultivate.core.realtime import send_to_group

GROUP_PREFIX = "live-"


def channel_group(channel_id: int) -> str:
    return f"{GROUP_PREFIX}{channel_id}"


def update_text(seq: int, data: dict | None) -> str:
    """`data` None: an update this viewer may not see, still numbered so clients notice gaps."""
    return json.dumps({"type": "update", "seq": seq, "data": data}, separators=(",", ":"))


def message_of(seq: int, data: dict, public_data: dict | None) -> dict:
    message = {"type": "update", "seq": seq, "full": update_text(seq, data),
               "public": update_text(seq, public_data)}
    if data.get("kind") == "removed":
        message["removed"] = data["participant"]
    return message


def publish_after_commit(channel_id: int, seq: int, data: dict, public_data: dict | None):
    message = message_of(seq, data, public_data)
    transaction.on_commit(lambda: send_to_group(channel_group(channel_id), message))


async def fill_gap(group: str, after: int, before: int) -> list[dict]:
    """The stored updates numbered between `after` and `before`, as broadcast messages: how a
    process repairs a broadcast Redis lost (core.realtime.InOrder)."""
    from cultivate.live.models import Update

    channel_id = int(group.removeprefix(GROUP_PREFIX))
    rows = await database_sync_to_async(lambda: list(
        Update.objects.filter(channel_id=channel_id, seq__gt=after, seq__lt=before)
        .order_by("seq").values_list("seq", "data", "public_data")[:1000]))()
    return [message_of(seq, data, public) for seq, data, public in rows]
