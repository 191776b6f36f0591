"""The recomputation: levels first (the network colours people by level), then the weekly
and community figures, then the interaction network. Each step reads the activity log once."""

import time
from contextlib import contextmanager

from django.db import DatabaseError, connection
from django.utils import timezone

from cultivate.insights import figures, levels


def recompute(*, now=None, community_ids=None) -> dict:
    """Recompute everything (or some communities); returns seconds per step."""
    from cultivate.insights import network  # numpy and networkx load only where the job runs

    now = now or timezone.now()
    seconds = {}
    with _without_jit():
        for name, step in (("levels", levels.compute_levels),
                           ("figures", figures.compute_figures),
                           ("network", network.compute_networks)):
            started = time.perf_counter()
            step(now=now, community_ids=community_ids)
            seconds[name] = round(time.perf_counter() - started, 3)
    return seconds


@contextmanager
def _without_jit():
    """PostgreSQL compiles every costly query to machine code first: 60-70 ms each, spent
    again on each of the job's hundreds of per-community queries, more than most of them take
    to run (measured on the benchmark landscape)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET jit")
        except DatabaseError:  # an aborted transaction: its rollback undoes the SET anyway
            pass
