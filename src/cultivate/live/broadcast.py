"""Broadcasting a channel's stored updates to its sockets (through core.realtime).

Only actions call `publish_after_commit`, so a broadcast never announces a rolled-back change.
Each message carries the update as ready-made JSON text, once for facilitators and once for
everyone else, so each socket forwards text instead of serialising per socket.
"""

import json

from django.db import transaction

from cultivate.core.realtime import send_to_group


def channel_group(channel_id: int) -> str:
    return f"live-{channel_id}"


def update_text(seq: int, data: dict | None) -> str:
    """`data` None: an update this viewer may not see, still numbered so clients notice gaps."""
    return json.dumps({"type": "update", "seq": seq, "data": data}, separators=(",", ":"))


def publish_after_commit(channel_id: int, seq: int, data: dict, public_data: dict | None):
    message = {"type": "update", "seq": seq, "full": update_text(seq, data),
               "public": update_text(seq, public_data)}
    if data.get("kind") == "removed":
        message["removed"] = data["participant"]
    transaction.on_commit(lambda: send_to_group(channel_group(channel_id), message))
