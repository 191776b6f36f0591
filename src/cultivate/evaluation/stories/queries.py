"""Read paths of value-creation stories shared by pages, the matrix, the report and the API."""

from django.db.models import Count, Prefetch, Q

from cultivate import policy
from cultivate.evaluation.periods import Period
from cultivate.evaluation.stories.models import StoryStep, ValueStory


def strongest_stories(user, communities, period: Period, *, limit: int = 5) -> list[ValueStory]:
    """The published stories of these communities the user may read, touched in the period,
    strongest first: most cycles reached (not aspirational), then most corroborations.
    Each comes with its steps (and their evidence and corroborations) prefetched.
    (A first version: the stories work refines the ranking.)"""
    stories = policy.readable_value_stories(user, ValueStory.objects.filter(
        community__in=communities, updated_at__date__gte=period.start,
        created_at__date__lte=period.end))
    stories = stories.annotate(
        reached=Count("steps", filter=Q(steps__aspirational=False), distinct=True),
        corroborated=Count("steps__corroborations", distinct=True),
    ).order_by("-reached", "-corroborated", "-updated_at")
    steps = StoryStep.objects.prefetch_related("evidence", "corroborations")
    return list(stories.select_related("community", "teller")
                .prefetch_related(Prefetch("steps", queryset=steps))[:limit])
