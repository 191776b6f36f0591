"""What can be applied, found by kind and id: the object, its community, a title and a link.
One place that knows the other apps' models, so the rest of value creation does not."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from cultivate.evaluation.applied.models import AppliedKind

MODELS = {
    AppliedKind.POST: "conversations.Post",
    AppliedKind.METHOD: "practice.Method",
    AppliedKind.METHOD_STORY: "practice.Story",
    AppliedKind.RESOURCE: "resources.Resource",
    AppliedKind.FORMAT: "formats.CommunityFormat",
    AppliedKind.LIVE_QUESTION: "live.Item",
    AppliedKind.EVENT: "events.Event",
}


@dataclass
class Target:
    kind: str
    obj: object
    community: object
    title: str
    url: str


def model_of(kind: str):
    return apps.get_model(MODELS[kind])


def content_type_of(kind: str) -> ContentType:
    return ContentType.objects.get_for_model(model_of(kind))


def kind_of_model(model) -> str | None:
    label = model._meta.label
    return next((kind for kind, name in MODELS.items() if name == label), None)


def find(kind: str, target_id) -> Target | None:
    """The live object of this kind and id, or None (missing, deleted, or not appliable)."""
    if kind not in MODELS or not str(target_id).isdigit() or int(target_id) > 2**62:
        return None
    obj = model_of(kind).objects.filter(pk=int(target_id)).first()
    if obj is None or getattr(obj, "deleted_at", None) is not None:
        return None
    return describe(kind, obj)


def describe(kind: str, obj) -> Target | None:
    if kind == AppliedKind.POST:
        topic = obj.topic
        return Target(kind, obj, topic.community, topic.title,
                      f"{topic.get_absolute_url()}#post-{obj.pk}")
    if kind == AppliedKind.LIVE_QUESTION:
        if obj.harvested_topic_id is None:
            return None  # only questions harvested into the community's conversations
        topic = obj.harvested_topic
        return Target(kind, obj, topic.community, topic.title, topic.get_absolute_url())
    if kind == AppliedKind.FORMAT:
        return Target(kind, obj, obj.community, obj.format.name, obj.get_absolute_url())
    return Target(kind, obj, obj.community, obj.title, obj.get_absolute_url())


def describe_many(records) -> dict[int, Target | None]:
    """Targets of applied records by record id, one query per kind."""
    by_kind: dict[str, list] = {}
    for record in records:
        by_kind.setdefault(record.kind, []).append(record)
    found: dict[int, Target | None] = {}
    for kind, group in by_kind.items():
        objects = model_of(kind).objects.in_bulk({r.target_id for r in group})
        for record in group:
            obj = objects.get(record.target_id)
            alive = obj is not None and getattr(obj, "deleted_at", None) is None
            found[record.pk] = describe(kind, obj) if alive else None
    return found
