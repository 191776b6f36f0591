from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


class JsonBodyOnlyMiddleware:
    """The API reads JSON objects only; anything else is refused in the API's error shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith("/api/")
            and request.method in ("POST", "PUT", "PATCH")
            and request.META.get("CONTENT_LENGTH") not in (None, "", "0")
        ):
            if request.content_type != "application/json":
                return _error(415, "unsupported_media_type",
                              "Send the body as JSON with Content-Type: application/json.")
            try:
                body = request.body
            except RequestDataTooBig:
                return _error(413, "too_large", "The body is larger than this server accepts.")
            if not body.lstrip()[:1] == b"{":
                return _error(400, "bad_request", "The body must be a JSON object.")
        return self.get_response(request)
