"""The recomputation: levels first (the network colours people by level), then the weekly
and community figures, then the interaction network. Each step reads the activity log once."""

import time

from django.utils import timezone

from cultivate.insights import figures, levels


def recompute(*, now=None, community_ids=None) -> dict:
    """Recompute everything (or some communities); returns seconds per step."""
    from cultivate.insights import network  # numpy and networkx load only where the job runs

    now = now or timezone.now()
    seconds = {}
    for name, step in (("levels", levels.compute_levels), ("figures", figures.compute_figures),
                       ("network", network.compute_networks)):
        started = time.perf_counter()
        step(now=now, community_ids=community_ids)
        seconds[name] = round(time.perf_counter() - started, 3)
    return seconds
