"""The recomputation as a background task: queued in the database for `db_worker` in
production, run at once in the embedded tier."""

import pytest
from django.core.management import call_command

from cultivate.activity.actions import Verb
from cultivate.insights.models import MemberLevel
from cultivate.insights.tasks import enqueue_recompute

pytestmark = pytest.mark.django_db(transaction=True)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                              "QUEUES": ["default"]}}


def test_queued_recomputation_waits_for_the_worker_then_levels_appear(cast, act, settings):
    from django_tasks_db.models import DBTaskResult

    community, people = cast
    for n in range(3):
        act(people["regular"], Verb.STORY_TOLD, community, days_ago=1 + n)
    settings.TASKS = DATABASE_TASKS
    enqueue_recompute([community.pk])
    assert DBTaskResult.objects.count() == 1
    assert not MemberLevel.objects.exists()  # nothing happens until a worker takes it
    call_command("db_worker", batch=True, verbosity=0)
    assert MemberLevel.objects.get(user=people["regular"]).level == "active"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_immediate_tasks_run_at_once(cast, act):
    community, people = cast
    act(people["regular"], Verb.ANSWER_POSTED, community, days_ago=1)
    enqueue_recompute([community.pk])
    assert MemberLevel.objects.get(user=people["regular"]).level == "occasional"
