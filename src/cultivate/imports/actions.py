"""Starting an import from the admin: a job row, an audit entry, and the task once committed."""

from pathlib import Path

from django.db import transaction

from cultivate import policy
from cultivate.audit.actions import record_audit
from cultivate.core.errors import NotAllowed
from cultivate.imports.folder import relative
from cultivate.imports.models import ImportJob
from cultivate.imports.tasks import start_after_commit


@transaction.atomic
def do_start_import(*, actor, kind: str, source: Path, community=None,
                    category_map: dict[str, str] | None = None, site: str = "",
                    list_name: str = "", uploaded_name: str = "") -> ImportJob:
    """`source` is already inside the import folder (folder.resolve_source/receive_upload)."""
    if not policy.is_platform_admin(actor):
        raise NotAllowed()
    job = ImportJob.objects.create(
        kind=kind, community=community, category_map=category_map or {},
        source=relative(source), uploaded_name=uploaded_name[:255], site=site,
        list_name=list_name, started_by=actor)
    record_audit(actor=actor, verb="import.started", target=job, community=community,
                 details={"kind": kind, "source": job.source})
    start_after_commit(job.pk)
    return job
