"""The history page of an object: each earlier text, who replaced it, when, and the diff."""

from django.shortcuts import render

from cultivate.history import queries
from cultivate.history.kinds import access_object


def history(request, kind, object_id):
    _kind, obj = access_object(request.user, kind, object_id)
    return render(request, "history/history.html", {
        "object": obj, "changes": queries.changes_of(obj)})
