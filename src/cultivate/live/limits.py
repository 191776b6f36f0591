"""Per-participant write limits shared by every worker (through the cache): one participant
flooding is refused, everyone else carries on."""

import time

from django.conf import settings
from django.core.cache import cache

from cultivate.core.errors import ActionError

UNITS = {"s": 1, "m": 60, "h": 3600}


def parse_rate(rate: str) -> tuple[int, int]:
    """"6/m" -> (6, 60)."""
    count, per = rate.split("/", 1)
    return int(count), UNITS[per[-1]] * int(per[:-1] or 1)


def check_rate(participant_id: int, what: str) -> None:
    rate = {"post": settings.CULTIVATE_LIVE_POST_RATE,
            "vote": settings.CULTIVATE_LIVE_VOTE_RATE}[what]
    limit, window = parse_rate(rate)
    key = f"live-rate:{what}:{participant_id}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 1)
        used = 1
    if used > limit:
        from django.utils.translation import gettext as _

        raise ActionError(_("You are posting too fast. Wait a moment and try again."),
                          code="rate_limited")
