"""The hub hands numbered messages on in order, and repairs a lost one from the store."""

import asyncio

from cultivate.core import realtime


def run_order(arrivals, *, stored=(), wait=0.05):
    delivered = []

    async def scenario():
        realtime.GAP_FILLERS["test-"] = fill
        order = realtime.InOrder("test-1", 10, lambda group, m: delivered.append(m["seq"]))
        for seq in arrivals:
            order.take({"seq": seq})
            await asyncio.sleep(0)
        await asyncio.sleep(wait * 4)

    async def fill(group, after, before):
        return [{"seq": seq} for seq in stored if after < seq < before]

    original = realtime.REORDER_WAIT
    realtime.REORDER_WAIT = wait
    try:
        asyncio.run(scenario())
    finally:
        realtime.REORDER_WAIT = original
        realtime.GAP_FILLERS.pop("test-", None)
    return delivered


def test_a_late_message_is_waited_for_and_nothing_is_repeated():
    assert run_order([12, 11, 13, 11, 9]) == [11, 12, 13]


def test_a_lost_message_is_fetched_from_the_store():
    assert run_order([11, 13, 14], stored=[12]) == [11, 12, 13, 14]


def test_a_message_missing_from_the_store_too_does_not_stall_the_group():
    assert run_order([11, 13], stored=[]) == [11, 13]
