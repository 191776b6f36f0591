"""Rendered pieces of pages shared by everyone who may see them, cached until content changes.

A fragment's key holds the content version (bumped by every committed Activity, see
page_cache.py), the active language and time zone, and the caller's own key parts. Fragments are
rendered without the request, so nothing personal (no CSRF token, no user) can leak into them.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from cultivate.core.page_cache import content_version, get_versioned, set_versioned


def cached_fragment(name: str, *key_parts, render: Callable[[], str]) -> SafeString:
    return mark_safe(cached(name, *key_parts, compute=render))  # noqa: S308 - our templates


def cached(name: str, *key_parts, compute: Callable[[], Any]) -> Any:
    """Any picklable value computed from shared content, under the same keys as fragments."""
    seconds = settings.PAGE_CACHE_SECONDS
    if not seconds:
        return compute()
    parts = repr((translation.get_language(), timezone.get_current_timezone_name(), key_parts))
    digest = hashlib.sha256(parts.encode()).hexdigest()
    key = f"cultivate:fragment:{name}:{content_version()}:{digest}"
    value = get_versioned(key)
    if value is None:
        value = compute()
        set_versioned(key, value)
    return value
