from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "cultivate.insights"
    verbose_name = "Participation insights"
