"""Limits shared by every worker (through the cache): per participant on writes (one flooding
participant is refused, everyone else carries on), per address on guessing join codes and on
joining as a guest."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from cultivate.core.errors import RateLimited

UNITS = {"s": 1, "m": 60, "h": 3600}


def parse_rate(rate: str) -> tuple[int, int]:
    """"6/m" -> (6, 60); "30/10m" -> (30, 600)."""
    count, per = rate.split("/", 1)
    return int(count), UNITS[per[-1]] * int(per[:-1] or 1)


def _window(key: str, rate: str) -> tuple[str, int, int, int]:
    """The counter's key in the current fixed window, the limit, the window's length and the
    seconds until it ends (what Retry-After says)."""
    limit, window = parse_rate(rate)
    now = time.time()
    return f"{key}:{int(now // window)}", limit, window, int(window - now % window) + 1


def _used(key: str, rate: str) -> tuple[int, int, int]:
    counter, limit, _window_length, retry_after = _window(key, rate)
    return cache.get(counter, 0), limit, retry_after


def _count(key: str, rate: str) -> tuple[int, int, int]:
    counter, limit, window, retry_after = _window(key, rate)
    cache.add(counter, 0, timeout=window + 1)
    try:
        used = cache.incr(counter)
    except ValueError:  # evicted between add and incr
        cache.set(counter, 1, timeout=window + 1)
        used = 1
    return used, limit, retry_after


def check_rate(participant_id: int, what: str) -> None:
    rate = {"post": settings.CULTIVATE_LIVE_POST_RATE,
            "vote": settings.CULTIVATE_LIVE_VOTE_RATE}[what]
    used, limit, retry_after = _count(f"live-rate:{what}:{participant_id}", rate)
    if used > limit:
        raise RateLimited(_("You are posting too fast. Wait a moment and try again."),
                          retry_after=retry_after)


def _address_key(address: str) -> str:
    """Addresses are not kept in the cache as they are."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


def check_code_guesses(address: str) -> None:
    """Refuse lookups by code from an address that got too many codes wrong lately."""
    used, limit, retry_after = _used(f"live-wrong-code:{_address_key(address)}",
                                     settings.CULTIVATE_LIVE_CODE_GUESS_RATE)
    if used >= limit:
        raise RateLimited(_("Too many wrong codes. Wait a minute and try again."),
                          retry_after=retry_after)


def count_wrong_code(address: str) -> None:
    _count(f"live-wrong-code:{_address_key(address)}", settings.CULTIVATE_LIVE_CODE_GUESS_RATE)


def check_guest_join(address: str, channel_id: int) -> None:
    """Count one new guest pass from this address for this channel; refuse past the limit
    (rejoining from the same browser returns the same pass and is not counted)."""
    used, limit, retry_after = _count(f"live-guest-join:{channel_id}:{_address_key(address)}",
                                      settings.CULTIVATE_LIVE_GUEST_JOIN_RATE)
    if used > limit:
        raise RateLimited(_("Too many guests joined from this network just now. Wait a few "
                            "minutes and try again."), retry_after=retry_after)
