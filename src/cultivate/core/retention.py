"""How long deleted posts and resources can be restored, and the daily purge after that.

Within CULTIVATE_DELETED_RETENTION_DAYS of its deletion whoever deleted an item (or a steward)
can restore it; after that `cultivate purge-deleted` removes it for good: a resource's row and
stored file go, a post becomes a tombstone (conversations.actions.do_purge_deleted_posts)."""

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cultivate.core.errors import Conflict

logger = logging.getLogger(__name__)
DAY_SECONDS = 24 * 60 * 60


def window() -> timedelta:
    return timedelta(days=settings.CULTIVATE_DELETED_RETENTION_DAYS)


def restorable_until(deleted_at: datetime | None) -> datetime | None:
    return None if deleted_at is None else deleted_at + window()


def purge_cutoff(now: datetime | None = None) -> datetime:
    """Whatever was deleted before this moment is past its window."""
    return (now or timezone.now()) - window()


def is_restorable(deleted_at: datetime | None, now: datetime | None = None) -> bool:
    return deleted_at is not None and (now or timezone.now()) < restorable_until(deleted_at)


def check_restorable(deleted_at: datetime) -> None:
    if not is_restorable(deleted_at):
        ended = formats.date_format(timezone.localtime(restorable_until(deleted_at)),
                                    "DATE_FORMAT")
        raise Conflict(_("The time to restore it ended on %(date)s; it is removed for good.")
                       % {"date": ended}, code="restore_window_over")


# What can be deleted and restored registers how to remove it for good (conversations' posts,
# the library's resources): {name: purge(now=...) -> count}.
PURGERS: dict[str, Callable[..., int]] = {}


def purge_deleted(now: datetime | None = None) -> dict[str, int]:
    """Remove for good everything deleted before the window; returns counts by kind."""
    return {name: purge(now=now) for name, purge in PURGERS.items()}


_last_purge = 0.0


def purge_when_due() -> None:
    """For the clock of `cultivate run`, which ticks more often: purge at most once a day."""
    global _last_purge
    if time.monotonic() - _last_purge < DAY_SECONDS and _last_purge:
        return
    _last_purge = time.monotonic()
    purged = purge_deleted()
    if any(purged.values()):
        logger.info("Removed for good: %s", purged)
