"""The JSON shapes of live things, the same in snapshots, updates, the API and exports."""

from cultivate.live.models import Item, ItemStatus, LiveChannel, Poll


def channel_data(channel: LiveChannel) -> dict:
    return {"open": channel.is_open, "guests_allowed": channel.guests_allowed,
            "premoderated": channel.premoderated}


def item_data(item: Item) -> dict:
    return {
        "id": item.pk, "kind": item.kind, "author": item.participant.display_name,
        "author_is_guest": item.participant.user_id is None,
        "body": item.body, "body_html": item.body_html, "status": item.status,
        "answer": item.answer,
        "pinned": item.pinned, "answered": item.answered, "answer_html": item.answer_html,
        "votes": item.vote_count, "created_at": item.created_at.isoformat(),
    }


def public_item_data(item: Item) -> dict | None:
    """What a participant who does not moderate may know of an item: nothing while it waits
    for approval, only that it went when hidden."""
    if item.status == ItemStatus.PENDING:
        return None
    if item.status == ItemStatus.HIDDEN:
        return {"id": item.pk, "status": ItemStatus.HIDDEN}
    return item_data(item)


def poll_data(poll: Poll) -> dict:
    options = list(poll.options.all())
    return {
        "id": poll.pk, "question": poll.question, "multiple": poll.multiple,
        "open": poll.is_open, "total": sum(o.vote_count for o in options),
        "options": [{"id": o.pk, "label": o.label, "votes": o.vote_count} for o in options],
        "created_at": poll.created_at.isoformat(),
    }
