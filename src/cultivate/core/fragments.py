"""Rendered pieces of pages shared by everyone who may see them, cached until content changes.

A fragment's key holds the content version (bumped by every committed Activity, see
page_cache.py), the active language and time zone, and the caller's own key parts. Fragments are
rendered without the request, so nothing personal (no CSRF token, no user) can leak into them.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from cultivate.core.page_cache import content_version, get_versioned, set_versioned


def cached_fragment(name: str, *key_parts, render: Callable[[], str]) -> SafeString:
    seconds = settings.PAGE_CACHE_SECONDS
    if not seconds:
        return mark_safe(render())  # noqa: S308 - rendered by our own templates
    parts = repr((translation.get_language(), timezone.get_current_timezone_name(), key_parts))
    digest = hashlib.sha256(parts.encode()).hexdigest()
    key = f"cultivate:fragment:{name}:{content_version()}:{digest}"
    html = get_versioned(key)
    if html is None:
        html = render()
        set_versioned(key, html)
    return mark_safe(html)  # noqa: S308 - rendered by our own templates
