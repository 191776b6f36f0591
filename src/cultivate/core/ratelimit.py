"""Rate limits on writes, and a `Retry-After` on every 429 (docs/configuration.md lists the rates).

Each group has its own bucket, so exhausting one never blocks another:
- writes (and, apart, Markdown previews) by this middleware, keyed by the person (session or any of
  their tokens: one bucket per person) or, for anyone else, by the client address;
- sign-in, failed sign-ins, sign-up and password resets by allauth, per action
  (settings.ACCOUNT_RATE_LIMITS); this middleware leaves those forms to it.
A write is counted only once CSRF has accepted it: a forged or stale form costs its sender nothing.
"""

import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django_ratelimit import UNSAFE
from django_ratelimit.core import _split_rate, is_ratelimited
from ninja.utils import check_csrf

WRITE_GROUP = "cultivate.writes"
PREVIEW_GROUP = "cultivate.previews"

# Previews write nothing but run on every pause in typing: they count apart, more generously.
PREVIEW_PATHS = ("/markdown/preview/", "/api/v1/markdown/preview")

# Account forms allauth limits itself, per action (route name -> allauth action).
ALLAUTH_ACTIONS = {
    "account_login": "login",
    "account_signup": "signup",
    "account_reset_password": "reset_password",
    "account_reset_password_from_key": "reset_password_from_key",
    "account_change_password": "change_password",
    "account_set_password": "change_password",
    "account_email": "manage_email",
    "account_reauthenticate": "reauthenticate",
}


def write_rate(group, request) -> str:
    if request.path in PREVIEW_PATHS:
        return settings.CULTIVATE_PREVIEW_RATE
    return settings.CULTIVATE_WRITE_RATE


def bearer_token(request) -> str:
    """The token of an `Authorization: Bearer` header, whatever the scheme's case, or ""."""
    scheme, _sep, value = request.headers.get("Authorization", "").strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def client_address(request) -> str:
    """The client's address as allauth sees it (ALLAUTH_TRUSTED_PROXY_COUNT behind a proxy)."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter().get_client_ip(request)
    except PermissionDenied:
        return request.META.get("REMOTE_ADDR", "")


# Who an API token belongs to (people registers its lookup): token -> user id or None.
TOKEN_OWNER: list = []


def writer_key(group, request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    token = bearer_token(request)
    if token and TOKEN_OWNER:
        owner = TOKEN_OWNER[0](token)
        if owner is not None:
            return f"user:{owner}"  # all of one person's tokens share their bucket
    # No (valid) token: made-up tokens must not buy fresh buckets.
    return "ip:" + client_address(request)


def rate_seconds(rate: str) -> int:
    return int(_split_rate(rate)[1])


def retry_after_seconds(rate: str | None = None) -> int:
    return rate_seconds(rate or settings.CULTIVATE_WRITE_RATE)


def _refused_by_csrf_later(request, view_func) -> bool:
    """API routes are CSRF-exempt for tokens; a cookie session is checked by the route itself."""
    if not getattr(view_func, "csrf_exempt", False) or bearer_token(request):
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return check_csrf(request) is not None


class WriteRateLimitMiddleware:
    """Answers 429 with Retry-After once a writer exceeds CULTIVATE_WRITE_RATE.

    It works in process_view, so it must come after CsrfViewMiddleware: requests CSRF refuses
    never reach it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in UNSAFE:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in ALLAUTH_ACTIONS:
            return None
        if _refused_by_csrf_later(request, view_func):
            return None
        group = PREVIEW_GROUP if request.path in PREVIEW_PATHS else WRITE_GROUP
        if is_ratelimited(request, group=group, key=writer_key, rate=write_rate, method=UNSAFE,
                          increment=True):
            return self.too_many(request, write_rate(group, request))
        return None

    @staticmethod
    def too_many(request, rate: str | None = None):
        message = _("You are doing that too often. Wait a moment and try again.")
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"error": {"code": "rate_limited", "message": message, "fields": {}}}, status=429
            )
        else:
            response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(retry_after_seconds(rate))
        return response


def seconds_until_allowed(request, action: str, key: str | None = None) -> int:
    """How long until allauth lets this client try `action` again (its longest period when the
    counters cannot tell, e.g. a per-key limit without the key)."""
    from allauth.core.internal import ratelimit as allauth_ratelimit
    from django.core.cache import cache

    rates = allauth_ratelimit.get_rates(app="allauth.account", action=action)
    now, wait = time.time(), 0.0
    for rate in rates:
        if rate.per == "key" and key is None:
            wait = max(wait, rate.duration)
            continue
        try:
            cache_key = allauth_ratelimit.get_cache_key(
                request, app="allauth.account", action=action, rate=rate, key=key,
                user=getattr(request, "user", None))
        except Exception:  # noqa: BLE001 - e.g. a per-user limit reached anonymously
            wait = max(wait, rate.duration)
            continue
        history = [ts for ts in cache.get(cache_key, []) if ts > now - rate.duration]
        if len(history) >= rate.amount:
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return max(1, int(wait + 0.999)) if wait else 60


def _allauth_key(request, action: str) -> str | None:
    if action == "reset_password" and request.method == "POST":
        return request.POST.get("email", "").strip().lower() or None
    return None


class RetryAfterMiddleware:
    """Every 429 says when to come back, allauth's own included (they come without)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            match = request.resolver_match
            action = ALLAUTH_ACTIONS.get(match.url_name) if match is not None else None
            seconds = (seconds_until_allowed(request, action, _allauth_key(request, action))
                       if action else 60)
            response["Retry-After"] = str(seconds)
        return response
