"""Read paths of applied records: counts beside "helpful", a member's own records, and the
records and follow-ups of a community in a period (indicators, stories, the report)."""

from django.db.models import Count

from cultivate.evaluation.applied import targets
from cultivate.evaluation.applied.models import AppliedRecord, Difference, FollowUp


def counts(kind: str, target_ids, viewer=None) -> tuple[dict[int, int], set[int]]:
    """How many applied each target, and which of them the viewer applied (one query)."""
    return tally(appliers(kind, target_ids), getattr(viewer, "pk", None))


def appliers(kind: str, target_ids) -> list[tuple[int, int]]:
    """(target id, user id) of every record on these targets."""
    ids = [int(i) for i in target_ids]
    if not ids:
        return []
    return list(AppliedRecord.objects
                .filter(target_type=targets.content_type_of(kind), target_id__in=ids)
                .values_list("target_id", "user_id"))


def tally(rows, viewer_id) -> tuple[dict[int, int], set[int]]:
    totals: dict[int, int] = {}
    mine: set[int] = set()
    for target_id, user_id in rows:
        totals[target_id] = totals.get(target_id, 0) + 1
        if viewer_id is not None and user_id == viewer_id:
            mine.add(target_id)
    return totals, mine


def record_of(user, kind: str, target_id) -> AppliedRecord | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (AppliedRecord.objects.filter(user=user, target_type=targets.content_type_of(kind),
                                         target_id=target_id)
            .select_related("follow_up").first())


def records_of(user, limit: int = 200) -> list[AppliedRecord]:
    """A member's own records, newest first, with their follow-ups and targets."""
    records = list(AppliedRecord.objects.filter(user=user).select_related("community",
                                                                           "follow_up")[:limit])
    found = targets.describe_many(records)
    for record in records:
        record.target = found.get(record.pk)
    return records


def community_records(community, period):
    return AppliedRecord.objects.filter(community=community, created_at__date__gte=period.start,
                                        created_at__date__lte=period.end)


def community_follow_ups(community, period, *, difference_only=False):
    follow_ups = FollowUp.objects.filter(applied__community=community,
                                         answered_at__date__gte=period.start,
                                         answered_at__date__lte=period.end)
    if difference_only:
        follow_ups = follow_ups.filter(difference=Difference.YES)
    return follow_ups


def applied_by_kind(community, period) -> dict[str, int]:
    rows = community_records(community, period).values("kind").annotate(n=Count("*")).order_by()
    return {row["kind"]: row["n"] for row in rows}
