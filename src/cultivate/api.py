"""The versioned JSON API: one NinjaAPI, routers from each app, one error shape.

Every error answers `{"error": {"code": str, "message": str, "fields": {name: [messages]}}}`.
"""

import logging

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import SessionAuth

from cultivate.attachments.api import router as attachments_router
from cultivate.audit.api import router as audit_router
from cultivate.communities.api import router as communities_router
from cultivate.conversations.api import router as conversations_router
from cultivate.core.api_errors import document_error_responses
from cultivate.core.errors import ActionError, NotAllowed, RateLimited
from cultivate.evaluation.api import router as evaluation_router
from cultivate.events.api import router as events_router
from cultivate.formats.api import router as formats_router
from cultivate.health.api import router as health_router
from cultivate.history.api import router as history_router
from cultivate.insights.api import router as insights_router
from cultivate.insights.levels_api import router as levels_router
from cultivate.insights.network_api import router as network_router
from cultivate.live.api import router as live_router
from cultivate.live.harvest_api import router as live_harvest_router
from cultivate.people.api import claims_router
from cultivate.people.api import router as people_router
from cultivate.people.api_auth import PersonalAccessTokenAuth
from cultivate.practice.api import router as practice_router
from cultivate.resources.api import router as resources_router

logger = logging.getLogger(__name__)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def anonymous_read(request):
    """Anyone may read what the policy shows to anonymous visitors; writes need a user."""
    return "anonymous" if request.method in SAFE_METHODS else None


class CultivateAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_error_responses(schema)


api = CultivateAPI(
    title="Cultivate API",
    version="1",
    description="Communities of practice: charters, membership, roles, profiles.",
    urls_namespace="api",
    auth=[PersonalAccessTokenAuth(), SessionAuth(), anonymous_read],
    docs_url="/docs",
)
api.add_router("/", communities_router)
api.add_router("/", people_router)
api.add_router("/", claims_router)
api.add_router("/", conversations_router)
api.add_router("/", attachments_router)
api.add_router("/", formats_router)
api.add_router("/", practice_router)
api.add_router("/", resources_router)
api.add_router("/", live_router)
api.add_router("/", live_harvest_router)
api.add_router("/", levels_router)
api.add_router("/", network_router)
api.add_router("/", events_router)
api.add_router("/", insights_router)
api.add_router("/", history_router)
api.add_router("/", audit_router)
api.add_router("/", evaluation_router)
api.add_router("/", health_router)


@api.get("/bench/floor", response=dict, include_in_schema=False)
def floor(request):
    """The API's benchmark floor: authentication and serialisation, nothing else."""
    return {"ok": True}


def error_response(request, status: int, code: str, message: str, fields=None):
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return api.create_response(request, body, status=status)


LOCATIONS = ("body", "query", "path", "form", "file", "header", "cookie")


def _field_name(loc) -> str:
    """("body", "payload", "charter", "domain") -> "charter.domain"; ("file", "file") -> "file".
    Only the location and the parameter's own name go: a field may be called "body" too."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in LOCATIONS:
        parts = parts[1:]
        if len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def _field_messages() -> dict[str, str]:
    """Pydantic's messages are English: the common kinds, in the caller's language."""
    return {
        "missing": _("Required."), "string_type": _("Give text."),
        "int_parsing": _("Give a whole number."), "int_type": _("Give a whole number."),
        "int_from_float": _("Give a whole number."), "float_parsing": _("Give a number."),
        "float_type": _("Give a number."), "bool_parsing": _("Give true or false."),
        "bool_type": _("Give true or false."), "list_type": _("Give a list."),
        "dict_type": _("Give an object."), "model_type": _("Give an object."),
        "literal_error": _("Not one of the allowed values."),
        "enum": _("Not one of the allowed values."),
        "datetime_parsing": _("Give a date and time such as 2026-03-14T15:00:00Z."),
        "datetime_from_date_parsing": _("Give a date and time such as 2026-03-14T15:00:00Z."),
        "date_parsing": _("Give a date such as 2026-03-14."),
        "date_from_datetime_parsing": _("Give a date such as 2026-03-14."),
        "string_too_long": _("Too long."), "json_invalid": _("The body is not valid JSON."),
        "greater_than_equal": _("Too small."), "less_than_equal": _("Too large."),
        "greater_than": _("Too small."), "less_than": _("Too large."),
    }


def _field_message(error: dict) -> str:
    return _field_messages().get(error.get("type", ""), error.get("msg", ""))


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(_field_message(error))
    return error_response(request, 422, "validation_error",
                          _("The request has invalid or missing fields."), fields)


@api.exception_handler(ActionError)
def on_action_error(request, exc: ActionError):
    details = getattr(exc, "details", None)
    if details:
        body = {"error": {"code": exc.code, "message": exc.message, "fields": exc.fields,
                          "details": details}}
        response = api.create_response(request, body, status=exc.status)
    else:
        response = error_response(request, exc.status, exc.code, exc.message, exc.fields)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NotAllowed)
def on_not_allowed(request, exc: NotAllowed):
    if exc.hide:
        return error_response(request, 404, "not_found", _("Not found."))
    if not request.user.is_authenticated:
        return error_response(request, 401, "not_authenticated", _("Sign in or send a token."))
    return error_response(request, 403, "forbidden", _("You may not do this here."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc: AuthenticationError):
    message = str(exc.message) if exc.message != "Unauthorized" else _("Sign in or send a token.")
    return error_response(request, 401, "not_authenticated", message)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
             429: "rate_limited"}
    return error_response(request, exc.status_code, codes.get(exc.status_code, "error"),
                          str(exc.message))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return error_response(request, 403, "forbidden", _("You may not do this here."))


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request, exc):
    return error_response(request, 400, "bad_request",
                          _("The multipart body could not be read: send the file as "
                            "multipart/form-data with a boundary."))


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request, exc):
    return error_response(request, 400, "bad_request", _("The request could not be accepted."))


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(request, 500, "server_error", _("Something went wrong on our side."))
