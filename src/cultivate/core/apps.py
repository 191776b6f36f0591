from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cultivate.core"
    label = "core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from cultivate.core import checks  # noqa: F401  (registers the deploy checks)
        from cultivate.core.site import sync_site_record

        post_migrate.connect(sync_site_record, sender=self)
        from cultivate.core import clock
        from cultivate.core.retention import purge_when_due

        clock.register(purge_when_due)
