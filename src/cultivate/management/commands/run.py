import hashlib
import os

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand

STATIC_STAMP = ".cultivate-collected"


class Command(BaseCommand):
    help = (
        "Migrate if needed, load the demo landscape into an empty database, collect static "
        "files and serve Cultivate with uvicorn."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("WEB_WORKERS", "1")))
        parser.add_argument(
            "--max-requests", type=int, default=int(os.environ.get("WEB_MAX_REQUESTS", "0")),
            help="Restart a worker after this many requests (plus up to 10%% jitter, so "
                 "workers do not restart together); 0: never (docs/configuration.md).")
        parser.add_argument("--no-demo", action="store_true",
                            help="Do not load the demo landscape into an empty database.")

    def handle(self, *args, host, port, workers, max_requests, no_demo, **options):
        import uvicorn

        from cultivate.communities.models import Community
        from cultivate.core import clock
        from cultivate.core.site import adopt_serving_address, local_address

        address = adopt_serving_address(host, port)
        call_command("migrate", interactive=False, verbosity=0)  # also names the site record
        if not no_demo and not Community.objects.exists():
            self.stdout.write("Empty database: loading the demo landscape…")
            call_command("seed_demo")
        collect_static_if_changed()
        # The jobs every app registered (core/clock.py): digests, reminders, recomputation,
        # erasures, the daily purge, value creation's and events' follow-ups.
        clock.start(settings.CULTIVATE_DIGEST_CLOCK_MINUTES)
        serving = local_address(host, port)
        self.stdout.write(self.style.SUCCESS(f"Cultivate is at {serving}/"))
        if address != serving:
            self.stdout.write(f"Links in mails, feeds and files use SITE_URL: {address}/")
        if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
            self.stdout.write("Mail (sign-up confirmations, invitations) is printed here.")
        self.start_receiving_mail()
        limits = ({"limit_max_requests": max_requests,
                   "limit_max_requests_jitter": max(1, max_requests // 10)}
                  if max_requests > 0 else {})
        uvicorn.run("cultivate.asgi:application", host=host, port=port, workers=workers,
                    log_level="warning", proxy_headers=True, lifespan="on", **limits)

    def start_receiving_mail(self) -> None:
        """Replies by mail (docs/mail-in-listeners.md): the listener and the IMAP poller run
        in background threads of this process when configured."""
        if settings.MAIL_IN_LISTEN:
            from cultivate.core.mail_listener import start_listener

            listener = start_listener(settings.MAIL_IN_LISTEN)
            self.stdout.write(f"Receiving mail at {listener.address}")
        if settings.MAIL_IN_IMAP_URL:
            from cultivate.core.mail_imap import parse_imap_url, start_poller

            start_poller(settings.MAIL_IN_IMAP_URL)
            self.stdout.write(f"Polling {parse_imap_url(settings.MAIL_IN_IMAP_URL)} for mail "
                              f"every {settings.MAIL_IN_IMAP_SECONDS} s")


def collect_static_if_changed() -> bool:
    """collectstatic compresses every file (about 30 s on two cores): only when the files
    differ from what was collected last time. Returns whether it ran."""
    stamp = settings.STATIC_ROOT / STATIC_STAMP
    fingerprint = _static_fingerprint()
    if stamp.exists() and stamp.read_text() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    return True


def _static_fingerprint() -> str:
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            info = os.stat(storage.path(path))
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()
