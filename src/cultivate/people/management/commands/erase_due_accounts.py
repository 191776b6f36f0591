from django.core.management.base import BaseCommand

from cultivate.people.mydata.erasure import carry_out_due_erasures


class Command(BaseCommand):
    help = ("Carry out the account erasures whose grace period has ended (`cultivate run` "
            "does this on its clock; run it from cron when the clock is off).")

    def handle(self, *args, **options):
        done, refused = carry_out_due_erasures()
        self.stdout.write(f"{done} accounts erased, {refused} refused (see the log).")
