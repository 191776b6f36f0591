"""The recomputation: levels first (the network colours people by level), then the weekly
and community figures, then the interaction network. Each step reads the activity log once."""

import time
from contextlib import contextmanager

from django.db import DatabaseError, connection
from django.utils import timezone

from cultivate.core.page_cache import community_scope, expire, expire_all
from cultivate.insights import figures, levels
from cultivate.insights.models import InteractionEdge, MemberLevel, NetworkMember

# Steps other apps add after the network (name, callable(now=, community_ids=)): they read what
# this job stored, so the job runs them without knowing them (health registers its own).
LATER_STEPS: list[tuple[str, object]] = []


def recompute(*, now=None, community_ids=None) -> dict:
    """Recompute everything (or some communities); returns seconds per step."""
    from cultivate.insights import network  # numpy and networkx load only where the job runs

    now = now or timezone.now()
    seconds = {}
    with _planned_for_whole_results():
        for name, step in (("levels", levels.compute_levels),
                           ("figures", figures.compute_figures),
                           ("network", network.compute_networks), *LATER_STEPS):
            started = time.perf_counter()
            step(now=now, community_ids=community_ids)
            seconds[name] = round(time.perf_counter() - started, 3)
        _refresh_statistics()
    # Pages built on these figures (value creation's matrix and report, the health page) show
    # the new ones from now on.
    if community_ids is None:
        expire_all()
    else:
        expire(*(community_scope(pk) for pk in community_ids))
    return seconds


def _refresh_statistics() -> None:
    """Let PostgreSQL's planner see the rows just written before autovacuum gets to them: after
    a first run it took the large community's 48,000 network rows for 1,000 and scanned them
    for the picture's 250 (27 ms of the network page instead of 2)."""
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (MemberLevel, NetworkMember, InteractionEdge)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


@contextmanager
def _planned_for_whole_results():
    """PostgreSQL settings for the job's session (measured on the benchmark landscape):
    - the job reads its results to the end in chunks (server-side cursors), which PostgreSQL
      otherwise plans for the first tenth only: nested loops 10x slower than the hash joins
      and parallel scans of a plan for every row (cursor_tuple_fraction);
    - it would compile every costly query to machine code first, 60-70 ms each, spent again on
      each of the job's per-community queries, more than most of them take to run (jit)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        cursor.execute("SET cursor_tuple_fraction = 1.0")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET jit")
                cursor.execute("RESET cursor_tuple_fraction")
        except DatabaseError:  # an aborted transaction: its rollback undoes the SET anyway
            pass
