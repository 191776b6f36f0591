"""Per-user (or per-token, or per-address) limits on writes, for every view and API route."""

import hashlib

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django_ratelimit import UNSAFE
from django_ratelimit.core import is_ratelimited

WRITE_GROUP = "cultivate.writes"


# Previews write nothing but run on every pause in typing: they count apart, more generously.
PREVIEW_PATHS = ("/markdown/preview/", "/api/v1/markdown/preview")


def write_rate(group, request) -> str:
    if request.path in PREVIEW_PATHS:
        return settings.CULTIVATE_PREVIEW_RATE
    return settings.CULTIVATE_WRITE_RATE


def writer_key(group, request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return "token:" + hashlib.sha256(auth.encode()).hexdigest()
    return "ip:" + request.META.get("REMOTE_ADDR", "")


def retry_after_seconds() -> int:
    unit = settings.CULTIVATE_WRITE_RATE.rsplit("/", 1)[-1][-1:]
    return {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(unit, 60)


class WriteRateLimitMiddleware:
    """Answers 429 with Retry-After once a writer exceeds CULTIVATE_WRITE_RATE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        group = "cultivate.previews" if request.path in PREVIEW_PATHS else WRITE_GROUP
        if request.method in UNSAFE and is_ratelimited(
            request, group=group, key=writer_key, rate=write_rate, method=UNSAFE,
            increment=True,
        ):
            return self.too_many(request)
        return self.get_response(request)

    @staticmethod
    def too_many(request):
        message = _("You are doing that too often. Wait a moment and try again.")
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"error": {"code": "rate_limited", "message": message, "fields": {}}}, status=429
            )
        else:
            response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(retry_after_seconds())
        return response
