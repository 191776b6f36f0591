from cultivate.activity.models import Activity

# Recorded for analytics, not news: who read what is nobody else's business; the purge of old
# deletions is housekeeping.
NOT_SHOWN = ("community.visited", "post.purged", "resource.purged")


def recent_activity_for_community(community, *, limit: int = 20):
    """The latest entries of one community, with actors loaded (one query)."""
    return list(
        Activity.objects.filter(community=community).exclude(verb__in=NOT_SHOWN)
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:limit]
    )
