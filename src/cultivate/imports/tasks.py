"""The import as a background task (django-tasks). With TASKS_BACKEND=database the task is
queued and `cultivate db_worker` runs it. With the embedded tier's immediate backend,
enqueueing would run a long import inside the admin's request; it runs in a thread of the
server instead (as the clock's jobs do), so the request returns at once and the job page
follows it."""

import threading

from django import db
from django.db import transaction
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

THREADS: list[threading.Thread] = []  # imports running in this process (tests wait on them)


@task()
def run_import_job(job_id: int) -> str:
    from cultivate.imports.running import run_job

    return run_job(job_id)


def start_after_commit(job_id: int) -> None:
    """Called inside the transaction that created the job: it runs once the job is visible."""
    transaction.on_commit(lambda: dispatch(job_id))


def dispatch(job_id: int) -> None:
    if not isinstance(run_import_job.get_backend(), ImmediateBackend):
        run_import_job.enqueue(job_id)
        return
    thread = threading.Thread(target=_run_here, args=(job_id,), daemon=True,
                              name=f"cultivate-import-{job_id}")
    THREADS[:] = [t for t in THREADS if t.is_alive()] + [thread]
    thread.start()


def _run_here(job_id: int) -> None:
    try:
        run_import_job.enqueue(job_id)
    finally:
        db.connections.close_all()  # this thread's connections end with it


def wait_for_imports(timeout: float = 120) -> None:
    for thread in list(THREADS):
        thread.join(timeout)
