"""`cultivate send-event-reminders`: mail everyone going to an event that starts within
CULTIVATE_EVENT_REMINDER_HOURS (each event once, however many copies run at the same time)."""

from django.core.management.base import BaseCommand

from cultivate.events.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Send the reminders of events that start soon (each event once)."

    def handle(self, *args, **options):
        sent = send_due_reminders()
        if options["verbosity"] > 0:
            self.stdout.write(f"Event reminders sent: {sent}")
