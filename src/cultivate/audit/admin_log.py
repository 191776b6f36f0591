"""Copying Django's admin log into the audit trail.

A post_save signal is the exception to "actions write" here: the admin saves models itself.
A bulk "delete selected" of several rows writes its log entries with bulk_create, which sends
no signal, so readers of the audit first copy whatever entries are still missing.
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models import Exists, OuterRef

from cultivate.audit.models import AuditEntry

VERBS = {ADDITION: "admin.added", CHANGE: "admin.changed", DELETION: "admin.deleted"}


def _community_id(entry: LogEntry) -> int | None:
    """The community the changed row belongs to, so its conveners see the entry too."""
    content_type = entry.content_type
    if content_type is None or not str(entry.object_id).isdigit():
        return None
    model = content_type.model_class()
    if model is None:
        return None
    rows = model._default_manager.filter(pk=entry.object_id)
    if model._meta.label_lower == "communities.community":
        return rows.values_list("pk", flat=True).first()
    if "community" not in {f.name for f in model._meta.concrete_fields}:
        return None
    return rows.values_list("community_id", flat=True).first()


def _entry_of(entry: LogEntry) -> AuditEntry:
    content_type = entry.content_type
    user = entry.user
    return AuditEntry(
        occurred_at=entry.action_time, actor=user, actor_label=user.get_username() if user else "",
        verb=VERBS.get(entry.action_flag, "admin.other"),
        target_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        target_id=str(entry.object_id or "")[:64], target_label=entry.object_repr[:200],
        community_id=_community_id(entry),
        details={"change_message": entry.get_change_message()}, admin_log_id=entry.pk)


def audit_admin_entry(sender, instance: LogEntry, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        _entry_of(instance).save()


def copy_missing_admin_entries() -> int:
    """Copy admin log entries no audit row holds yet (those written in bulk)."""
    copied = AuditEntry.objects.filter(admin_log_id=OuterRef("pk"))
    missing = (LogEntry.objects.filter(~Exists(copied))
               .select_related("user", "content_type").order_by("pk"))
    copied = AuditEntry.objects.bulk_create([_entry_of(entry) for entry in missing],
                                            ignore_conflicts=True)
    return len(copied)
