"""Whole-response cache for anonymous reads of public pages.

Visitors without a session (the landscape's public face, search engines, a projector) get the
same bytes for the same URL until something changes. Every action records Activity, and each
committed Activity bumps one content version that is part of the cache key, so a change shows
at once; edits made outside actions (the Django admin) show within PAGE_CACHE_SECONDS.
Signed-in people, token callers and htmx partials are never served from here.
"""

import hashlib
import re

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache, caches
from django.core.signals import request_started
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language_from_request

VERSION_KEY = "cultivate:content-version"
CACHEABLE_PATHS = re.compile(
    r"^/$|^/c/[-\w]+/(members/|topics/|t/\d+/)?$|^/people/[^/]+/$"
    r"|^/api/v1/communities(/[-\w]+(/members|/activity)?)?$|^/api/v1/people/[^/]+$"
)
PRIVATE_COOKIES = ("sessionid", "messages")


_this_request = Local()


def _forget_version(**kwargs) -> None:
    try:
        del _this_request.version
    except AttributeError:
        pass


request_started.connect(_forget_version)


def content_version() -> int:
    """The shared content version, read once per request."""
    version = getattr(_this_request, "version", None)
    if version is None:
        version = _this_request.version = cache.get(VERSION_KEY, 0)
    return version


def bump_content_version() -> None:
    """Call inside a write's transaction: cached pages expire once it commits."""
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)
    _forget_version()


def get_versioned(key: str):
    """Content stored under a versioned key never changes, so each process may keep its own
    copy: only the version itself must come from the shared cache."""
    local = caches["local"]
    value = local.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            local.set(key, value, settings.PAGE_CACHE_SECONDS)
    return value


def set_versioned(key: str, value) -> None:
    caches["local"].set(key, value, settings.PAGE_CACHE_SECONDS)
    cache.set(key, value, settings.PAGE_CACHE_SECONDS)


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
        return False
    if "HTTP_AUTHORIZATION" in request.META or "HTTP_HX_REQUEST" in request.META:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or any(c in cookies for c in PRIVATE_COOKIES):
        return False
    return bool(CACHEABLE_PATHS.match(request.path))


def _cacheable_response(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


class AnonymousPageCacheMiddleware:
    """Sits after SecurityMiddleware (the HTTPS redirect comes first) and answers only for a
    host in ALLOWED_HOSTS (get_host() raises DisallowedHost: 400); pages are kept per scheme and
    host. A page that used a CSP nonce gets the current request's nonce in place of the old."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = self._key(request)
        stored = get_versioned(key)
        if stored is not None:
            status, headers, content, nonce = stored
            if nonce:
                content = content.replace(nonce.encode(), str(request.csp_nonce).encode())
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _cacheable_response(response):
            nonce = getattr(request, "_csp_nonce", None)  # set once a template asked for it
            set_versioned(key, (response.status_code, list(response.items()), response.content,
                                nonce))
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def _key(request) -> str:
        origin = f"{request.scheme}://{request.get_host()}"
        version = content_version()
        language = get_language_from_request(request)
        url = hashlib.sha256(f"{origin}{request.get_full_path()}".encode()).hexdigest()
        return f"cultivate:page2:{version}:{language}:{request.method}:{url}"
