from django.core.management.base import BaseCommand

from cultivate.conversations.mailing import send_due_digests


class Command(BaseCommand):
    help = ("Send the daily and weekly digests that are due. Safe to run often (hourly from cron "
            "or a systemd timer) and from several machines: a digest is never sent twice.")

    def handle(self, *args, **options):
        sent = send_due_digests()
        self.stdout.write(f"{sent} digest(s) sent.")
