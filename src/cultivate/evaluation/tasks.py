"""Background tasks of value creation (django-tasks): immediate in the embedded tier, queued
for `cultivate db_worker` when TASKS_BACKEND=database. Never run inside a request."""

from django_tasks import task


@task()
def send_follow_ups() -> int:
    from cultivate.evaluation.applied.actions import send_due_follow_ups

    return send_due_follow_ups()


@task()
def propose_stories() -> int:
    from cultivate.evaluation.stories.proposals import propose_story_drafts

    return propose_story_drafts()


def enqueue_value_work() -> None:
    """For the server's clock: follow-ups that are due and first drafts of stories."""
    send_follow_ups.enqueue()
    propose_stories.enqueue()
