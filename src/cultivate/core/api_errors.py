"""The error responses every API route may give, declared once for the OpenAPI schema.

Errors never pass through a route's `response=` models: exception handlers in cultivate/api.py
and the middlewares (core/api_guard.py, core/ratelimit.py) answer them. So rather than listing
them on each route, `document_error_responses` adds them to every operation of the schema,
by what the method can meet: any route can refuse a bad token (401), a hidden or missing object
(404), a rule (400, 403) or a malformed parameter (422); writes also meet conflicts (409),
bodies (413, 415) and the write limiter (429)."""

from http import HTTPStatus

from ninja import Schema
from ninja.openapi.schema import REF_TEMPLATE
from pydantic import Field


class ErrorDetail(Schema):
    code: str = Field(description="Stable and machine-readable, e.g. not_found")
    message: str = Field(description="For people, in the caller's language")
    fields: dict[str, list[str]] = Field(description="What is wrong with which input field")


class ErrorOut(Schema):
    error: ErrorDetail


WHEN = {
    400: "A rule refused the input (`fields` says which), or the request could not be read",
    401: "No session or token where one is needed, or a bad token",
    403: "Your standing does not allow it, or the CSRF check failed",
    404: "Missing, or hidden from you",
    409: "The request clashes with the current state",
    413: "The body or its file is larger than this server accepts",
    415: "The body is not application/json (uploads: not multipart/form-data)",
    422: "A parameter or the body does not match the schema",
    429: "Slow down: wait Retry-After seconds before writing again",
}
EVERY_ROUTE = (400, 401, 403, 404, 422)
BY_METHOD = {
    "post": EVERY_ROUTE + (409, 413, 415, 429),
    "put": EVERY_ROUTE + (409, 413, 415, 429),
    "patch": EVERY_ROUTE + (409, 413, 415, 429),
    "delete": EVERY_ROUTE + (409, 429),
}


def _error_response(status: int) -> dict:
    response = {
        "description": f"{HTTPStatus(status).phrase}: {WHEN[status]}",
        "content": {"application/json": {"schema": {"$ref": REF_TEMPLATE.format(
            model=ErrorOut.__name__)}}},
    }
    if status == 429:
        response["headers"] = {"Retry-After": {
            "description": "Seconds to wait", "schema": {"type": "integer"}}}
    return response


def _by_number(responses: dict) -> dict:
    """One key per status: ninja numbers its own, `openapi_extra` adds strings ("200"), and
    both would reach the JSON as the same key. The route's own declaration wins."""
    merged = {int(status): answer for status, answer in responses.items()
              if not isinstance(status, str)}
    merged.update({int(status): answer for status, answer in responses.items()
                   if isinstance(status, str)})
    return merged


def document_error_responses(schema: dict) -> dict:
    """Add the error shape and the errors each operation can give to an OpenAPI schema."""
    error_schema = ErrorOut.model_json_schema(ref_template=REF_TEMPLATE)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(error_schema.pop("$defs", {}))
    components[ErrorOut.__name__] = error_schema
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = _by_number(operation.get("responses", {}))
            for status in BY_METHOD.get(method, EVERY_ROUTE):
                responses.setdefault(status, _error_response(status))
            operation["responses"] = dict(sorted(responses.items(), key=lambda kv: int(kv[0])))
    return schema
