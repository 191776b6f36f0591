"""A community's activity stream: what happened, by whom, with a link to it.

Only news that every reader of the community may follow belongs here. Who asked to join, was
invited, removed or flagged is stewards' business (their inbox shows it); who read what is
nobody's; value-creation stories and "I applied this" records have readers of their own (a
story may be for members only), so their pages list them, not the stream.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from cultivate.activity.actions import Verb
from cultivate.activity.models import Activity

STREAM_VERBS = (
    Verb.COMMUNITY_CREATED, Verb.CHARTER_EDITED, Verb.MEMBER_JOINED, Verb.TOPIC_STARTED,
    Verb.QUESTION_ASKED, Verb.POST_REPLIED, Verb.ANSWER_POSTED, Verb.ANSWER_ACCEPTED,
    Verb.TOPIC_MOVED, Verb.METHOD_CREATED, Verb.METHOD_EDITED, Verb.STORY_TOLD,
    Verb.STORY_COMMENTED, Verb.PRACTITIONER_ADDED, "format.adapted", Verb.RESOURCE_ADDED,
    Verb.KEY_RESOURCES_CURATED, Verb.LIVE_HARVESTED, Verb.EVENT_PLANNED, Verb.EVENT_CANCELLED,
    Verb.EVENT_OUTCOME_RECORDED, Verb.IMPORT_COMPLETED,
)


@dataclass(frozen=True)
class StreamEntry:
    activity: Activity
    title: str = ""  # what it happened to, when that still exists and has a page
    link: str = ""


def community_stream(community, *, limit: int = 20) -> list[StreamEntry]:
    """The latest news of one community, each linked to its target (one query per kind)."""
    rows = list(Activity.objects.filter(community=community, verb__in=STREAM_VERBS)
                .select_related("actor").order_by("-occurred_at", "-id")[:limit])
    targets = _targets_of(rows, community)
    return [StreamEntry(row, *targets.get((row.target_type_id, row.target_id), ("", "")))
            for row in rows]


def _targets_of(rows, community) -> dict:
    wanted: dict[int, set[int]] = {}
    for row in rows:
        if row.target_type_id and row.target_id:
            wanted.setdefault(row.target_type_id, set()).add(row.target_id)
    found = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None or not hasattr(model, "get_absolute_url"):
            continue
        if isinstance(community, model):  # the community itself: no query
            found[(type_id, community.pk)] = (str(community), community.get_absolute_url())
            continue
        objects = model._default_manager.filter(pk__in=ids)
        if _has_field(model, "topic"):
            objects = objects.select_related("topic")
        for obj in objects:
            if _gone(obj):
                continue
            _reuse_community(obj, community)
            found[(type_id, obj.pk)] = (_title_of(obj), obj.get_absolute_url())
    return found


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def _gone(obj) -> bool:
    return getattr(obj, "deleted_at", None) is not None


def _reuse_community(obj, community) -> None:
    """Links name the community's slug: hand over the one we have instead of a query each."""
    for holder in (obj, getattr(obj, "topic", None)):
        if holder is not None and getattr(holder, "community_id", None) == community.pk:
            holder.community = community


def _title_of(obj) -> str:
    topic = getattr(obj, "topic", None)
    return str(topic if topic is not None and not hasattr(obj, "title") else obj)
