import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class ServerTimingMiddleware:
    """Adds `Server-Timing: app;dur=<ms>` so benchmarks read the server's own time per request.
    Only with DEBUG or CULTIVATE_SERVER_TIMING: timings tell an outsider what a request did."""

    def __init__(self, get_response):
        if not (settings.DEBUG or settings.CULTIVATE_SERVER_TIMING):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed_ms:.3f}"
        return response


class NotAllowedMiddleware:
    """Turns a policy refusal raised in an HTML view into 404 (hidden) or 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from cultivate.core.errors import NotAllowed

        if isinstance(exception, NotAllowed):
            if exception.hide:
                raise Http404(str(exception))
            raise PermissionDenied(str(exception))
        return None


BIGGEST_ID = 2**63 - 1  # the largest value of a 64-bit primary key


class RejectMalformedAddressMiddleware:
    """Refuses, for every route at once, addresses no page or API route can answer.

    A NUL character in the path or query string gets 400: no route has a use for it and
    PostgreSQL cannot compare text with it. A number too large for any id gets 404: it names
    nothing, and the database driver would fail converting it (a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in _decoded_query(request):
            return _refuse(request, 400, "bad_request", _(
                "The address holds a character no page accepts (NUL). Check the link."))
        if any(part.isdigit() and int(part) > BIGGEST_ID for part in _numbers_in(request.path)):
            return _refuse(request, 404, "not_found", _("There is nothing at this address."))
        return self.get_response(request)


def _decoded_query(request) -> str:
    return "".join(key + "".join(values) for key, values in request.GET.lists())


def _numbers_in(path: str):
    for segment in path.split("/"):
        yield segment.split(".", 1)[0]  # "123.ics" names event 123


def _refuse(request, status: int, code: str, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": code, "message": message, "fields": {}}},
                            status=status)
    return render(request, f"{status}.html", {"message": message}, status=status)
