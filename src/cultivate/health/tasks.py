"""Background tasks of community health (django-tasks): never inside a request."""

from django_tasks import task


@task()
def send_pulse_invitations(survey_id: int) -> int:
    from cultivate.health.invitations import invite_to_pulse

    return invite_to_pulse(survey_id)
