from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "cultivate.events"
    verbose_name = "Learning events"
