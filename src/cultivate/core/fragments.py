"""Rendered pieces of pages shared by everyone who may see them, cached until what they show
changes.

A fragment is kept per active language and time zone and the caller's own key parts, and lives
while the scopes it names are unchanged (page_cache.py: `community_scope(pk)`, `scope_of(obj)`,
LANDSCAPE, or ANY for pieces that show everything). Fragments are rendered without the request,
so nothing personal (no CSRF token, no user) can leak into them.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from cultivate.core.page_cache import cached_value


def cached_fragment(name: str, *key_parts, scopes: tuple[str, ...],
                    render: Callable[[], str]) -> SafeString:
    return mark_safe(cached(name, *key_parts, scopes=scopes, compute=render))  # noqa: S308


def cached(name: str, *key_parts, scopes: tuple[str, ...], compute: Callable[[], Any]) -> Any:
    """Any picklable value computed from shared content, under the same keys as fragments."""
    if not settings.PAGE_CACHE_SECONDS:
        return compute()
    parts = repr((translation.get_language(), timezone.get_current_timezone_name(), key_parts))
    digest = hashlib.sha256(parts.encode()).hexdigest()
    return cached_value(f"cultivate:fragment:{name}:{digest}", tuple(scopes), compute)
