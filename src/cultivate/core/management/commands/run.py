from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Migrate if needed, load the demo landscape into an empty database, collect static "
        "files and serve Cultivate with uvicorn."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--no-demo", action="store_true",
                            help="Do not load the demo landscape into an empty database.")

    def handle(self, *args, host, port, workers, no_demo, **options):
        import uvicorn

        from cultivate.communities.models import Community
        from cultivate.conversations.mailing import start_digest_clock
        from cultivate.core.site import adopt_serving_address, local_address

        address = adopt_serving_address(host, port)
        call_command("migrate", interactive=False, verbosity=0)  # also names the site record
        if not no_demo and not Community.objects.exists():
            self.stdout.write("Empty database: loading the demo landscape…")
            call_command("seed_demo")
        call_command("collectstatic", interactive=False, verbosity=0)
        from cultivate.core.retention import purge_when_due
        from cultivate.evaluation.tasks import enqueue_value_work
        from cultivate.events.reminders import send_due_reminders
        from cultivate.events.tasks import enqueue_event_work
        from cultivate.insights.tasks import enqueue_recompute
        from cultivate.people.mydata.erasure import carry_out_due_erasures

        # One clock: digests, the reminders of events that start soon, the recomputation of
        # levels and dashboards (run at once, or queued for the task worker), the account
        # erasures whose grace period ended, and once a day the purge of deletions past their
        # restore window; value creation's follow-ups and proposed stories, and the feedback
        # forms of events that just ended (task worker).
        start_digest_clock(settings.CULTIVATE_DIGEST_CLOCK_MINUTES,
                           also=[send_due_reminders, enqueue_recompute, carry_out_due_erasures,
                                 purge_when_due, enqueue_value_work, enqueue_event_work])
        serving = local_address(host, port)
        self.stdout.write(self.style.SUCCESS(f"Cultivate is at {serving}/"))
        if address != serving:
            self.stdout.write(f"Links in mails, feeds and files use SITE_URL: {address}/")
        if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
            self.stdout.write("Mail (sign-up confirmations, invitations) is printed here.")
        uvicorn.run("cultivate.asgi:application", host=host, port=port, workers=workers,
                    log_level="warning", proxy_headers=True, lifespan="on")
