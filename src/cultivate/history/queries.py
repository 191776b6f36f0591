"""Reading an object's text history, each revision with what replaced it."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from cultivate.history.diffing import line_diff
from cultivate.history.models import TextRevision


@dataclass
class Change:
    revision: TextRevision
    label: str  # the field's name as the form shows it
    replaced_by: str  # the text that came next: a later revision's, or today's

    @property
    def diff(self):
        return line_diff(self.revision.previous, self.replaced_by)


def revisions_of(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return (TextRevision.objects.filter(content_type=content_type, object_id=obj.pk)
            .select_related("edited_by"))


def changes_of(obj) -> list[Change]:
    """Newest first. Per field, each revision's text was replaced by the next one's."""
    changes, following = [], {}
    for revision in revisions_of(obj):  # newest first
        name = revision.field
        replaced_by = following.get(name, getattr(obj, name, "") or "")
        label = str(obj._meta.get_field(name).verbose_name) if hasattr(obj, name) else name
        changes.append(Change(revision, label.capitalize(), replaced_by))
        following[name] = revision.previous
    return changes
