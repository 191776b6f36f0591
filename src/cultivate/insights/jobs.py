"""The recomputation: levels first (the network colours people by level), then the weekly
and community figures, then the interaction network. Each step reads the activity log once."""

import time
from contextlib import contextmanager

from django.db import DatabaseError, connection
from django.utils import timezone

from cultivate.communities.models import Community
from cultivate.core.page_cache import community_scope, expire, expire_all
from cultivate.insights import as_of, figures, levels
from cultivate.insights.models import InteractionEdge, MemberLevel, NetworkMember

# Steps other apps add after the network (name, callable(now=, community_ids=)): they read what
# this job stored, so the job runs them without knowing them (health registers its own).
LATER_STEPS: list[tuple[str, object]] = []


def recompute(*, now=None, community_ids=None) -> dict:
    """Recompute everything (or some communities); returns seconds per step. A community that
    holds only imported history is computed as of its last activity (as_of.py)."""
    from cultivate.insights import network  # numpy and networkx load only where the job runs

    now = now or timezone.now()
    seconds: dict[str, float] = {}
    with _planned_for_whole_results():
        for moment, ids, imported in _runs(now, community_ids):
            for name, step in (("levels", levels.compute_levels),
                               ("figures", figures.compute_figures),
                               ("network", network.compute_networks), *LATER_STEPS):
                extra = {"imported_history": imported} if name in ("levels", "figures") else {}
                started = time.perf_counter()
                step(now=moment, community_ids=ids, **extra)
                seconds[name] = round(seconds.get(name, 0) + time.perf_counter() - started, 3)
        _refresh_statistics()
    # Pages built on these figures (value creation's matrix and report, the health page) show
    # the new ones from now on.
    if community_ids is None:
        expire_all()
    else:
        expire(*(community_scope(pk) for pk in community_ids))
    return seconds


def _runs(now, community_ids) -> list[tuple]:
    """(moment, community ids, imported history) of each run of the steps: every community
    computed as of now at once, each one holding only imported history as of its own date."""
    past = as_of.default_moments(community_ids, now)
    if not past:
        return [(now, community_ids, False)]
    everyone = (Community.objects.values_list("pk", flat=True) if community_ids is None
                else community_ids)
    live = [pk for pk in everyone if pk not in past]
    runs = [(now, live, False)] if live else []
    return runs + [(moment, [pk], True) for pk, moment in sorted(past.items())]


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
