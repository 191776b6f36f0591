from cultivate.activity.models import Activity


def recent_activity_for_community(community, *, limit: int = 20):
    """The latest entries of one community, with actors loaded (one query)."""
    return list(
        Activity.objects.filter(community=community)
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:limit]
    )
