"""Background tasks (django-tasks): immediate in the embedded tier, queued for
`cultivate db_worker` when TASKS_BACKEND=database."""

from django_tasks import task

from cultivate.insights import jobs


@task()
def recompute_insights(community_ids: list[int] | None = None) -> dict:
    return jobs.recompute(community_ids=community_ids)


def enqueue_recompute(community_ids: list[int] | None = None) -> None:
    """For the server's clock and after thresholds change."""
    recompute_insights.enqueue(community_ids=community_ids)
