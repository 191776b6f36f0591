"""Read paths of value-creation stories shared by pages, the matrix, the report and the API."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q

from cultivate import policy
from cultivate.evaluation.periods import Period
from cultivate.evaluation.stories.models import (
    Corroboration,
    Evidence,
    StoryStatus,
    StoryStep,
    StoryVisibility,
    ValueStory,
)


def _steps() -> Prefetch:
    return Prefetch("steps", queryset=StoryStep.objects.prefetch_related(
        "evidence", Prefetch("corroborations",
                             queryset=Corroboration.objects.select_related("user"))))


def strongest_stories(user, communities, period: Period, *, limit: int = 5) -> list[ValueStory]:
    """The published stories of these communities the user may read, touched in the period,
    strongest first: most cycles reached (not aspirational), then most corroborations.
    Each comes with its steps (and their evidence and corroborations) prefetched."""
    stories = policy.readable_value_stories(user, ValueStory.objects.filter(
        community__in=communities, updated_at__date__gte=period.start,
        created_at__date__lte=period.end))
    stories = stories.annotate(
        reached=Count("steps", filter=Q(steps__aspirational=False), distinct=True),
        corroborated=Count("steps__corroborations", distinct=True),
    ).order_by("-reached", "-corroborated", "-updated_at")
    found = list(stories.select_related("community", "teller")
                 .prefetch_related(_steps())[:limit])
    mark_removed_evidence(found)
    return found


def community_stories(user, community, standing) -> dict:
    """The stories page: published ones the reader may read, the reader's own drafts and
    proposals, and (for stewards) those waiting for wider visibility."""
    published = policy.readable_value_stories(user, ValueStory.objects.filter(
        community=community)).select_related("teller").prefetch_related("steps")
    mine = ValueStory.objects.none()
    waiting = ValueStory.objects.none()
    if policy.is_signed_in(user):
        mine = (ValueStory.objects.filter(community=community)
                .filter(Q(teller=user) | Q(written_by=user))
                .filter(status__in=[StoryStatus.DRAFT, StoryStatus.PROPOSED])
                .prefetch_related("steps"))
        if standing in policy.STEWARDS:
            waiting = (ValueStory.objects.filter(community=community,
                                                 visibility_approved_at__isnull=True)
                       .exclude(visibility=StoryVisibility.COMMUNITY)
                       .exclude(status=StoryStatus.DISMISSED).select_related("teller"))
    return {"published": list(published[:100]), "mine": list(mine[:50]),
            "waiting": list(waiting[:50])}


def story_with_steps(story: ValueStory) -> ValueStory:
    return stories_with_steps([story])[0]


def stories_with_steps(stories) -> list[ValueStory]:
    """The stories again, in the same order, each with its steps, evidence and
    corroborations (the same few queries for one story or fifty)."""
    ids = [story.pk for story in stories]
    found = ValueStory.objects.select_related(
        "community", "teller", "written_by", "visibility_approved_by",
    ).prefetch_related(_steps()).in_bulk(ids)
    ordered = [found[pk] for pk in ids if pk in found]
    mark_removed_evidence(ordered)
    if len(ordered) < len(ids):
        raise ValueStory.DoesNotExist
    return ordered


def mark_removed_evidence(stories) -> None:
    """Set `removed` on every evidence row whose thing was deleted (one query per kind)."""
    rows = [e for story in stories for step in story.steps.all() for e in step.evidence.all()]
    by_type: dict[int, set[int]] = {}
    for row in rows:
        row.removed = False
        if row.target_type_id:
            by_type.setdefault(row.target_type_id, set()).add(row.target_id)
    alive: set[tuple[int, int]] = set()
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        found = model.objects.filter(pk__in=ids)
        if any(f.name == "deleted_at" for f in model._meta.get_fields()):
            found = found.filter(deleted_at__isnull=True)
        alive |= {(type_id, pk) for pk in found.values_list("pk", flat=True)}
    for row in rows:
        if row.target_type_id and (row.target_type_id, row.target_id) not in alive:
            row.removed = True


def evidence_count(story) -> int:
    return Evidence.objects.filter(step__story=story).count()
