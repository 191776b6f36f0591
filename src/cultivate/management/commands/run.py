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
        from cultivate.core import clock
        from cultivate.core.site import adopt_serving_address, local_address

        address = adopt_serving_address(host, port)
        call_command("migrate", interactive=False, verbosity=0)  # also names the site record
        if not no_demo and not Community.objects.exists():
            self.stdout.write("Empty database: loading the demo landscape…")
            call_command("seed_demo")
        call_command("collectstatic", interactive=False, verbosity=0)
        # The jobs every app registered (core/clock.py): digests, reminders, recomputation,
        # erasures, the daily purge, value creation's and events' follow-ups.
        clock.start(settings.CULTIVATE_DIGEST_CLOCK_MINUTES)
        serving = local_address(host, port)
        self.stdout.write(self.style.SUCCESS(f"Cultivate is at {serving}/"))
        if address != serving:
            self.stdout.write(f"Links in mails, feeds and files use SITE_URL: {address}/")
        if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
            self.stdout.write("Mail (sign-up confirmations, invitations) is printed here.")
        uvicorn.run("cultivate.asgi:application", host=host, port=port, workers=workers,
                    log_level="warning", proxy_headers=True, lifespan="on")
