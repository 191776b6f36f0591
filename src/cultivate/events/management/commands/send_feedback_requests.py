"""`cultivate send-feedback-requests`: ask attendees of occurrences that ended how useful they
were (each attendance once, however many copies run)."""

from django.core.management.base import BaseCommand

from cultivate.events.feedback_requests import send_feedback_requests


class Command(BaseCommand):
    help = "Ask attendees of events that just ended for their feedback (each once)."

    def handle(self, *args, **options):
        asked = send_feedback_requests()
        if options["verbosity"] > 0:
            self.stdout.write(f"Feedback requests sent: {asked}")
