"""Shared, cached renderings of value pages. Everyone allowed to see a community's matrix or
report (its stewards and sponsors, platform admins) reads every published story of it, so the
rendering is the same for all of them: cached until content changes (every write's Activity
bumps the content version, and so does the hourly job once it stored new figures)."""

from django.template.loader import render_to_string

from cultivate.core.fragments import cached_fragment
from cultivate.core.page_cache import community_scope


def shared_body(name: str, template: str, community, period, build, **context) -> str:
    return cached_fragment(
        name, community.pk, period.key, sorted(context.items()),
        scopes=(community_scope(community.pk),),
        render=lambda: render_to_string(template, {**build(), **context}))
