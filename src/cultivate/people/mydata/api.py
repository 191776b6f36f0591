"""API routes for one's own data: the archive, and the erasure request (ask, see, cancel)."""

from datetime import datetime
from typing import Literal

from django.http import FileResponse, HttpRequest
from ninja import Field, Router, Schema, Status

from cultivate import policy
from cultivate.core.errors import NotAllowed
from cultivate.people.mydata import erasure, exporting, queries

router = Router(tags=["your data"])

ZIP_RESPONSE = {"responses": {"200": {
    "description": "A ZIP archive of JSON files and a README.md explaining each.",
    "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
    "429": {"description": "You downloaded your data a moment ago; see Retry-After."}}}


class ErasureIn(Schema):
    mode: Literal["keep", "delete"] = Field(
        description='"keep": your contributions stay, shown as by "a former member"; '
                    '"delete": they are removed (see docs/my-data.md for what others built on).')


class ErasureOut(Schema):
    status: str
    mode: str
    requested_at: datetime
    due_at: datetime
    cancelled_at: datetime | None
    done_at: datetime | None


def _signed_in(request):
    if not policy.is_signed_in(request.user):
        raise NotAllowed("sign in first")
    return request.user


def _erasure(found) -> dict:
    return {"status": found.status, "mode": found.mode, "requested_at": found.requested_at,
            "due_at": found.due_at, "cancelled_at": found.cancelled_at,
            "done_at": found.done_at}


@router.get("/me/export", summary="Download an archive of your own data (ZIP of JSON files)",
            openapi_extra=ZIP_RESPONSE)
def export_my_data(request: HttpRequest):
    actor = _signed_in(request)
    archive = exporting.do_export_own_data(actor=actor)  # RateLimited answers 429
    return FileResponse(archive, as_attachment=True, content_type="application/zip",
                        filename=exporting.export_filename(actor))


@router.get("/me/erasure", response=ErasureOut,
            summary="Your latest erasure request (404 when you never asked)")
def erasure_status(request: HttpRequest):
    found = queries.latest_erasure(_signed_in(request))
    if found is None:
        raise NotAllowed("no erasure request", hide=True)
    return _erasure(found)


@router.post("/me/erasure", response={201: ErasureOut},
             summary="Ask for your account to be erased after the grace period")
def request_erasure(request: HttpRequest, payload: ErasureIn):
    found = erasure.do_request_erasure(actor=_signed_in(request), mode=payload.mode)
    return Status(201, _erasure(found))


@router.delete("/me/erasure", response=ErasureOut, summary="Cancel your pending erasure")
def cancel_erasure(request: HttpRequest):
    return _erasure(erasure.do_cancel_erasure(actor=_signed_in(request)))
