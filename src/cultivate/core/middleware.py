import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed


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
