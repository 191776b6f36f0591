"""Shared caching of pages and fragments, expired by scope, rebuilt once.

What a cache entry was built from is named by **scopes**: `community:12` (anything written in
that community), an object's own scope (`conversations.topic:7`, see `scope_of`), `landscape`
(the communities' own rows: the directory), `any` (every write anywhere: pages that show
everything) and `epoch` (expires everything: the hourly recomputation). Each scope has a
version token in the shared cache; an entry keeps the tokens it was built with and is good
while they are current. A write calls `expire(...)` with the scopes it touched, after its
transaction commits, so a reply in one community leaves every other community's pages warm.

A missing entry is built by one request: the others wait for it (`single_flight`), so ten
readers of a page that a write just expired cause one rebuild, not ten.

The whole-response cache below serves anonymous reads of public pages the same way. Signed-in
people, token callers and htmx partials are never served from it.
"""

import hashlib
import re
import time
import uuid
from collections.abc import Callable, Iterable

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache, caches
from django.core.signals import request_started
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language_from_request

EPOCH, ANY, LANDSCAPE = "epoch", "any", "landscape"
BUILD_SECONDS = 30  # a builder that died frees its claim after this
WAIT_SECONDS = 5  # then a waiter builds for itself
WAIT_STEP = 0.005
CACHEABLE_PATHS = re.compile(
    r"^/$|^/c/[-\w]+/(members/|topics/|t/\d+/)?$|^/people/[^/]+/$"
    r"|^/api/v1/communities(/[-\w]+(/members|/activity)?)?$|^/api/v1/people/[^/]+$"
)
PRIVATE_COOKIES = ("sessionid", "messages")
MISSING = object()

# Apps name the scopes a write to one of their objects touches beyond its own (a post: its
# topic), by model label: {"conversations.post": fn(post) -> [scope, ...]}.
RELATED_SCOPES: dict[str, Callable] = {}


def community_scope(community_id) -> str:
    return f"community:{community_id}"


def scope_of(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def scopes_of(obj) -> list[str]:
    """The object's own scope and those its app relates to it."""
    related = RELATED_SCOPES.get(obj._meta.label_lower)
    return [scope_of(obj), *(related(obj) if related else ())]


# --- Version tokens, read once per request --------------------------------------------------

_this_request = Local()


def _tokens_seen() -> dict:
    seen = getattr(_this_request, "tokens", None)
    if seen is None:
        seen = _this_request.tokens = {}
    return seen


def _forget_tokens(**kwargs) -> None:
    _this_request.tokens = {}


request_started.connect(_forget_tokens)


def _key(scope: str) -> str:
    return f"cultivate:scope:{scope}"


def versions(scopes: Iterable[str], *, fresh: bool = False) -> tuple:
    """The current token of each scope, remembered for the rest of the request: what a page
    shows was read after its tokens, so an entry never claims newer content than it holds."""
    scopes = tuple(scopes)
    seen = {} if fresh else _tokens_seen()
    missing = [s for s in scopes if s not in seen]
    if missing:
        found = cache.get_many([_key(s) for s in missing])
        for scope in missing:
            token = found.get(_key(scope))
            if token is None:  # never written, or evicted: a new token matches no old entry
                token = uuid.uuid4().hex
                if not cache.add(_key(scope), token, None):
                    token = cache.get(_key(scope), token)
            seen[scope] = token
        if not fresh:
            _tokens_seen().update(seen)
    return tuple(seen[s] for s in scopes)


def expire(*scopes: str) -> None:
    """Call inside a write's transaction: entries built from these scopes (and pages that show
    everything) expire once it commits; a rolled-back write expires nothing."""
    transaction.on_commit(lambda: _renew({*scopes, ANY}))


def expire_all() -> None:
    transaction.on_commit(lambda: _renew({EPOCH, ANY}))


def _renew(scopes: set[str]) -> None:
    cache.set_many({_key(s): uuid.uuid4().hex for s in scopes}, None)
    seen = _tokens_seen()
    for scope in scopes:
        seen.pop(scope, None)


# --- Entries: (scopes, tokens, value), in this process and in the shared cache ---------------


def _current(entry) -> bool:
    return entry is not None and versions(entry[0]) == entry[1]


def lookup(key: str):
    """The entry's value if it was built from current tokens, else MISSING. A process keeps
    its own copy: only the tokens come from the shared cache on a hit."""
    local = caches["local"]
    entry = local.get(key)
    if _current(entry):
        return entry[2]
    entry = cache.get(key)
    if _current(entry):
        local.set(key, entry, settings.PAGE_CACHE_SECONDS)
        return entry[2]
    return MISSING


def store(key: str, scopes: tuple, value) -> None:
    entry = (scopes, versions(scopes), value)
    caches["local"].set(key, entry, settings.PAGE_CACHE_SECONDS)
    cache.set(key, entry, settings.PAGE_CACHE_SECONDS)


def single_flight(key: str, build: Callable[[], object]):
    """Run build() unless another request is building the same key: then wait for its entry
    (at most WAIT_SECONDS) and return it; MISSING from build means "nothing to share"."""
    claim = f"{key}:building"
    if not cache.add(claim, 1, BUILD_SECONDS):
        deadline = time.monotonic() + WAIT_SECONDS
        while cache.get(claim) is not None and time.monotonic() < deadline:
            time.sleep(WAIT_STEP)
        _this_request.tokens = {}  # what the builder saw is at least as new as ours
        value = lookup(key)
        if value is not MISSING:
            return value
        return build()
    try:
        return build()
    finally:
        cache.delete(claim)


def cached_value(key: str, scopes: tuple, compute: Callable[[], object]):
    """compute()'s value, shared while the scopes are unchanged, computed once at a time."""
    scopes = (EPOCH, *scopes)
    versions(scopes)  # before anything is read: see versions()
    value = lookup(key)
    if value is not MISSING:
        return value

    def build():
        value = compute()
        store(key, scopes, value)
        return value

    return single_flight(key, build)


# --- Whole anonymous responses ---------------------------------------------------------------


def depends_on(request, *scopes: str) -> None:
    """A view declares what its page shows; an anonymous copy then lives until one of these
    changes. Pages that declare nothing depend on every write (ANY)."""
    request.cache_scopes = (*getattr(request, "cache_scopes", ()), *scopes)
    versions(scopes)


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
        stored = lookup(key)
        if stored is MISSING:
            outcome = {}
            stored = single_flight(key, lambda: self._build(request, key, outcome))
            if "response" in outcome:  # this request built it
                return outcome["response"]
            if stored is MISSING:  # the builder's page was not for sharing: render our own
                return self.get_response(request)
        return self._replay(request, stored)

    def _build(self, request, key: str, outcome: dict):
        versions((EPOCH, ANY))  # a page that declares nothing depends on these
        response = outcome["response"] = self.get_response(request)
        if not _cacheable_response(response):
            return MISSING
        nonce = getattr(request, "_csp_nonce", None)  # set once a template asked for it
        scopes = (EPOCH, *(getattr(request, "cache_scopes", ()) or (ANY,)))
        page = (response.status_code, list(response.items()), response.content, nonce)
        store(key, scopes, page)
        response["X-Cache"] = "miss"
        return page

    @staticmethod
    def _replay(request, stored) -> HttpResponse:
        status, headers, content, nonce = stored
        if nonce:
            content = content.replace(nonce.encode(), str(request.csp_nonce).encode())
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response["X-Cache"] = "hit"
        return response

    @staticmethod
    def _key(request) -> str:
        origin = f"{request.scheme}://{request.get_host()}"
        language = get_language_from_request(request)
        url = hashlib.sha256(f"{origin}{request.get_full_path()}".encode()).hexdigest()
        return f"cultivate:page3:{language}:{request.method}:{url}"
