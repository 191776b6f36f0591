from django.http import JsonResponse


class JsonBodyOnlyMiddleware:
    """The API reads JSON bodies only; anything else gets a 415 in the API's error shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith("/api/")
            and request.method in ("POST", "PUT", "PATCH")
            and request.META.get("CONTENT_LENGTH") not in (None, "", "0")
            and request.content_type != "application/json"
        ):
            return JsonResponse(
                {"error": {"code": "unsupported_media_type",
                           "message": "Send the body as JSON with Content-Type: application/json.",
                           "fields": {}}},
                status=415,
            )
        return self.get_response(request)
