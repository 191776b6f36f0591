from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cultivate.audit"
    label = "audit"

    def ready(self):
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        from cultivate.audit.admin_log import audit_admin_entry

        # Staff edits in /admin/ write models directly, past our actions: Django's own admin
        # log is the one place that sees them all, so the audit copies each entry it writes.
        post_save.connect(audit_admin_entry, sender=LogEntry,
                          dispatch_uid="cultivate.audit.admin_entry")
