"""Running one import job: the importer in its one transaction, live progress in a file,
and the outcome (counts, what the source lacked, or the error in plain words) on the row."""

import logging
from collections.abc import Callable
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate.communities.models import Community
from cultivate.conversations.import_base import (
    BaseReport,
    Progress,
    recompute_figures_after_import,
)
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.imports.folder import resolve_source, visible_entries
from cultivate.imports.models import ImportJob, ImportKind, JobStatus
from cultivate.imports.progress import STALE_AFTER, ProgressFile, read_progress

logger = logging.getLogger(__name__)


def _folder(source: Path) -> Path:
    return source if source.is_dir() else source.parent


def _stackexchange(job: ImportJob, source: Path, progress: Progress) -> BaseReport:
    from cultivate.conversations.importing import do_import_stackexchange

    directory = _folder(source)
    return do_import_stackexchange(actor=job.started_by, community=_community(job),
                                   directory=directory, site=job.site or directory.name,
                                   progress=progress)


def _mbox(job: ImportJob, source: Path, progress: Progress) -> BaseReport:
    from cultivate.conversations.mbox_import import do_import_mbox

    entries = visible_entries(source)
    if len(entries) == 1 and entries[0].is_file():  # an uploaded .mbox, or a zip of one
        source = entries[0]
    return do_import_mbox(actor=job.started_by, community=_community(job), path=source,
                          list_name=job.list_name, progress=progress)


def _discourse(job: ImportJob, source: Path, progress: Progress) -> BaseReport:
    from cultivate.conversations.discourse_import import do_import_discourse

    return do_import_discourse(actor=job.started_by, directory=_folder(source),
                               community=job.community, category_map=job.category_map or None,
                               progress=progress)


def _community(job: ImportJob):
    if job.community is None:
        raise ActionError(_("The community this import was meant for no longer exists."),
                          code="no_community")
    return job.community


# Each kind's importer, called as (job, source, progress) -> report; tests may wrap one.
IMPORTERS: dict[str, Callable[[ImportJob, Path, Progress], BaseReport]] = {
    ImportKind.STACKEXCHANGE: _stackexchange,
    ImportKind.MBOX: _mbox,
    ImportKind.DISCOURSE: _discourse,
}


def run_job(job_id: int) -> str:
    """Run a queued job once (a second delivery of the task finds it claimed and stops)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now())
    if not claimed:
        return "not queued"
    job = ImportJob.objects.select_related("community", "started_by").get(pk=job_id)
    tracker = ProgressFile(job.pk)
    tracker.write(_("Starting"), 0, None)
    try:
        with tracker.heartbeat():
            report = _import(job, tracker)
    except ImportFailed as failure:
        _end(job, JobStatus.FAILED, error=str(failure))
    else:
        _end(job, JobStatus.DONE, counts=report.counts(), absent=[str(a) for a in report.absent])
        if report.changed:
            recompute_figures_after_import(_communities_of(job))
    tracker.remove()
    return job.status


def _communities_of(job: ImportJob) -> list[int]:
    slugs = list((job.category_map or {}).values())
    return [job.community_id, *Community.objects.filter(slug__in=slugs)
            .values_list("pk", flat=True)]


class ImportFailed(Exception):
    """The import stopped; the message says why in words an admin can act on."""


def _import(job: ImportJob, tracker: ProgressFile) -> BaseReport:
    try:
        if job.started_by is None or not job.started_by.is_active:
            raise ActionError(_("The person who started this import can no longer act."),
                              code="no_actor")
        return IMPORTERS[job.kind](job, resolve_source(job.source), tracker.track)
    except ActionError as error:
        raise ImportFailed(_("%(error)s Nothing was imported.") % {"error": error.message}) \
            from error
    except NotAllowed as error:
        raise ImportFailed(_("The person who started this import may not change the "
                             "community. Nothing was imported.")) from error
    except ModuleNotFoundError as error:
        if not (error.name or "").startswith("cultivate."):
            raise ImportFailed(_("The import needs a module this server lacks (%(name)s).")
                               % {"name": error.name}) from error
        raise ImportFailed(_("This server has no importer for %(kind)s yet.")
                           % {"kind": job.get_kind_display()}) from error
    except Exception as error:
        logger.exception("import job %s failed", job.pk)
        raise ImportFailed(_("The import stopped on an error it did not expect (%(error)s). "
                             "Nothing was imported; the server's log has the details.")
                           % {"error": f"{type(error).__name__}: {error}"}) from error


def _end(job: ImportJob, status: str, **outcome) -> None:
    last = read_progress(job.pk) or {}
    job.status = status
    job.stage = (last.get("stage") or "")[:200]
    job.done = last.get("done") or 0
    job.total = last.get("total")
    job.finished_at = timezone.now()
    for name, value in outcome.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "stage", "done", "total", "finished_at", *outcome])


def give_up_if_abandoned(job: ImportJob) -> bool:
    """A running job whose runner stopped beating (the process ended) is marked failed: its
    transaction was rolled back with the process, so nothing was imported."""
    if job.status != JobStatus.RUNNING:
        return False
    live = read_progress(job.pk)
    if live is not None and not live["stale"]:
        return False
    started = job.started_at or timezone.now()
    if live is None and (timezone.now() - started).total_seconds() < STALE_AFTER:
        return False
    error = _("The import stopped without finishing: the process running it ended (perhaps "
              "the server restarted). Nothing was imported; start it again.")
    gave_up = ImportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED, error=error, finished_at=timezone.now())
    if gave_up:
        job.refresh_from_db()
    return bool(gave_up)
