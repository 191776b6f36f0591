from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cultivate.core"
    label = "core"

    def ready(self) -> None:
        from cultivate.core import checks  # noqa: F401  (registers the deploy checks)
