from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "cultivate.events"
    verbose_name = "Learning events"

    def ready(self) -> None:
        from cultivate.communities.inbox import SOURCES
        from cultivate.events.inbox import events_to_record
        from cultivate.policy import Can

        if (Can.PLAN_EVENTS, events_to_record) not in SOURCES:
            SOURCES.append((Can.PLAN_EVENTS, events_to_record))
        from cultivate.core import clock
        from cultivate.events.reminders import send_due_reminders
        from cultivate.events.tasks import enqueue_event_work

        clock.register(send_due_reminders)  # the reminders of events that start soon
        clock.register(enqueue_event_work)  # feedback forms of events that just ended
