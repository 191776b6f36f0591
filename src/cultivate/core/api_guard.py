"""The API's boundary: JSON object bodies in, one error shape out, whatever Django answers."""

import re

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse

FALLBACK_CODES = {404: ("not_found", "No such API route."),
                  405: ("method_not_allowed", "This route does not accept that method."),
                  403: ("forbidden", "You may not do this here.")}


# Routes that take a file upload instead of a JSON object.
UPLOAD_ROUTES = re.compile(r"^/api/v1/communities/[-\w]+/attachments$")
# Routes that take a JSON object or, to send a file, a multipart body.
JSON_OR_UPLOAD_ROUTES = re.compile(r"^/api/v1/communities/[-\w]+/resources$")


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


def _refuse_body(request) -> JsonResponse | None:
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    if request.META.get("CONTENT_LENGTH") in (None, "", "0"):
        return None
    if UPLOAD_ROUTES.match(request.path):
        # Files come as multipart; UploadSizeMiddleware has already refused oversized bodies.
        if request.content_type == "multipart/form-data":
            return None
        return _error(415, "unsupported_media_type",
                      "Send the file as multipart/form-data in a field named file.")
    if JSON_OR_UPLOAD_ROUTES.match(request.path) and request.content_type == "multipart/form-data":
        return None  # UploadSizeMiddleware has already refused oversized bodies
    if request.content_type != "application/json":
        return _error(415, "unsupported_media_type",
                      "Send the body as JSON with Content-Type: application/json.")
    try:
        body = request.body
    except RequestDataTooBig:
        return _error(413, "too_large", "The body is larger than this server accepts.")
    if body.lstrip()[:1] != b"{":
        return _error(400, "bad_request", "The body must be a JSON object.")
    if b"\\u0000" in body or b"\x00" in body:  # PostgreSQL cannot store NUL in text
        return _error(400, "bad_request", "Text may not contain NUL characters.")
    return None


class ApiBoundaryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        refused = _refuse_body(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        is_json = response.get("Content-Type", "").startswith("application/json")
        if response.status_code in FALLBACK_CODES and not is_json:
            error = _error(response.status_code, *FALLBACK_CODES[response.status_code])
            if response.has_header("Allow"):  # a 405 says which methods the route takes
                error["Allow"] = response["Allow"]
            return error
        return response
