"""Background tasks of events (django-tasks), enqueued by the server's clock."""

from django_tasks import task


@task()
def send_feedback_requests() -> int:
    from cultivate.events.feedback_requests import send_feedback_requests as send

    return send()


def enqueue_event_work() -> None:
    """For the server's clock: ask attendees of occurrences that just ended for feedback."""
    send_feedback_requests.enqueue()
