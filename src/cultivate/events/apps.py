from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "cultivate.events"
    verbose_name = "Learning events"

    def ready(self) -> None:
        from cultivate.communities.inbox import SOURCES
        from cultivate.events.inbox import events_to_record

        if events_to_record not in SOURCES:
            SOURCES.append(events_to_record)
