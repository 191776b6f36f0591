from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "cultivate.insights"
    verbose_name = "Participation insights"

    def ready(self) -> None:
        from cultivate.core import clock
        from cultivate.insights.tasks import enqueue_recompute

        clock.register(enqueue_recompute)  # levels and dashboards, at once or by the worker
