"""`cultivate send-follow-ups`: ask members whose "I applied this" is CULTIVATE_FOLLOW_UP_WEEKS
old whether it made a difference (each record once, however many copies run)."""

from django.core.management.base import BaseCommand

from cultivate.evaluation.applied.actions import send_due_follow_ups


class Command(BaseCommand):
    help = "Send the follow-ups of applied records that are due (each record once)."

    def handle(self, *args, **options):
        sent = send_due_follow_ups()
        if options["verbosity"] > 0:
            self.stdout.write(f"Follow-ups sent: {sent}")
