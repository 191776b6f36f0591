"""Shared, cached renderings of value pages. Everyone allowed to see a community's matrix or
report (its stewards and sponsors, platform admins) reads every published story of it, so the
rendering is the same for all of them: cached until content changes (every write's Activity
bumps the content version) or the hourly job refreshes the community's figures."""

from django.template.loader import render_to_string

from cultivate.core.fragments import cached_fragment
from cultivate.insights.models import CommunityFigures


def figures_stamp(community) -> str:
    """When the hourly job last computed the community's figures (part of the cache key)."""
    stamp = (CommunityFigures.objects.filter(community=community)
             .values_list("computed_at", flat=True).first())
    return stamp.isoformat() if stamp else ""


def shared_body(name: str, template: str, community, period, build, **context) -> str:
    return cached_fragment(
        name, community.pk, period.key, figures_stamp(community), sorted(context.items()),
        render=lambda: render_to_string(template, {**build(), **context}))
