from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "cultivate.history"
    label = "history"
