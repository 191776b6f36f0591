"""The one way edit actions keep earlier text: call `record_revision` inside the action's
transaction, before the new values are set on the object."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cultivate.history.kinds import kind_of_model
from cultivate.history.models import TextRevision


def record_revision(obj, *, fields, actor) -> list[TextRevision]:
    """Keep the current text of each of `fields` the object's kind tracks (others are ignored,
    so callers may pass every changed field). Call before assigning the new values."""
    kind = kind_of_model(type(obj))
    if kind is None:
        raise LookupError(f"{obj._meta.label_lower} keeps no text history")
    tracked = [name for name in fields if name in kind.fields]
    if not tracked:
        return []
    content_type = ContentType.objects.get_for_model(obj)
    editor = actor if actor is not None and actor.is_authenticated else None
    now = timezone.now()
    return TextRevision.objects.bulk_create([
        TextRevision(content_type=content_type, object_id=obj.pk, field=name,
                     previous=getattr(obj, name) or "", edited_by=editor, edited_at=now)
        for name in tracked])
