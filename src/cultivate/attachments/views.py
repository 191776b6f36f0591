"""Uploading from the composers (JSON for attach.js) and serving files with permission checks."""

from django.http import FileResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cultivate import policy
from cultivate.attachments import actions
from cultivate.attachments.models import Attachment
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.policy import Can

# Even if a browser were tricked into rendering a file as a page, it could run nothing.
FILE_CSP = "default-src 'none'; sandbox"


def describe(attachment: Attachment) -> dict:
    return {"id": attachment.pk, "url": attachment.get_absolute_url(),
            "name": attachment.original_name, "markdown": attachment.markdown}


def json_error(status: int, code: str, message: str, fields=None) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": str(message),
                                   "fields": fields or {}}}, status=status)


@require_POST
def upload(request, slug):
    """POST multipart `file` (CSRF token in X-CSRFToken): 201 with id, url, name, markdown."""
    try:
        community, _standing = policy.access_community(request.user, slug, Can.REPLY)
        attachment = actions.do_upload_attachment(
            actor=request.user, community=community, uploaded_file=request.FILES.get("file"))
    except NotAllowed as refusal:
        if refusal.hide:
            return json_error(404, "not_found", _("Not found."))
        if not policy.is_signed_in(request.user):
            return json_error(403, "not_authenticated", _("Sign in to attach files."))
        return json_error(403, "forbidden", _("Only members who may post here can attach "
                                              "files."))
    except ActionError as error:
        return json_error(error.status, error.code, error.message, error.fields)
    return JsonResponse(describe(attachment), status=201)


@require_safe
def serve(request, attachment_id, name):
    """The file itself, for whoever may read its community; 404 for everyone else."""
    attachment = Attachment.objects.select_related("community").filter(pk=attachment_id).first()
    if (attachment is None or name != attachment.original_name
            or not policy.can(request.user, Can.READ, attachment.community)):
        raise NotAllowed("no such file", hide=True)
    try:
        stored = attachment.file.open("rb")
    except (OSError, ValueError) as missing:  # gone from storage, or no file on the row
        raise NotAllowed("file missing from storage", hide=True) from missing
    response = FileResponse(stored, content_type=attachment.content_type,
                            as_attachment=not attachment.is_image,
                            filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, private=True, max_age=3600)
    return response
