"""The embedded server's clock: periodic jobs that apps register, run in a daemon thread.

Each app appends its own jobs in its AppConfig.ready (`register(job)`), as it brings its models
and URLs: digests, event reminders, the recomputation of levels and dashboards, erasures that
came due, the daily purge, value creation's follow-ups. Production may run the same jobs from
cron or the task worker instead and set CULTIVATE_DIGEST_CLOCK_MINUTES to 0.
"""

import logging
import threading
import time
from collections.abc import Callable

from django import db

logger = logging.getLogger(__name__)

PERIODIC_JOBS: list[Callable[[], object]] = []


def register(job: Callable[[], object]) -> None:
    if job not in PERIODIC_JOBS:
        PERIODIC_JOBS.append(job)


def run_jobs_once() -> None:
    for job in list(PERIODIC_JOBS):
        try:
            job()
        except Exception:  # a mail server hiccup must not stop the clock
            logger.exception("%s failed; trying again next time", job.__name__)
        finally:
            db.close_old_connections()


def start(minutes: int) -> threading.Thread | None:
    """Every `minutes`, run each registered job once (none when `minutes` is 0)."""
    if minutes <= 0:
        return None

    def tick():
        while True:
            time.sleep(minutes * 60)
            run_jobs_once()

    clock = threading.Thread(target=tick, name="cultivate-clock", daemon=True)
    clock.start()
    return clock
