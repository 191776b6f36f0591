"""GET the text history of any kind that keeps one (see history.kinds)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from cultivate.history import queries
from cultivate.history.kinds import KINDS, access_object

router = Router(tags=["history"])


class EditorOut(Schema):
    id: int
    username: str
    display_name: str


class TextRevisionOut(Schema):
    field: str
    previous: str
    replaced_by: str
    edited_by: EditorOut | None
    edited_at: datetime


@router.get("/history/{kind}/{object_id}", response=list[TextRevisionOut],
            summary="Earlier texts of an object, newest first (whoever may read it)",
            description="`kind` is one of: " + ", ".join(f"`{k}`" for k in KINDS)
            + ". Each revision holds the text a field had before an edit and the text that "
              "replaced it.")
def text_history(request: HttpRequest, kind: str, object_id: str):
    _kind, obj = access_object(request.user, kind, object_id)
    return [{"field": change.revision.field, "previous": change.revision.previous,
             "replaced_by": change.replaced_by, "edited_by": _person(change.revision.edited_by),
             "edited_at": change.revision.edited_at} for change in queries.changes_of(obj)]


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "display_name": user.public_name}
