"""`cultivate mail-in`: receive replies by mail (docs/mail-in-listeners.md).

    cultivate mail-in                         listen on MAIL_IN_LISTEN (or --listen URL)
    cultivate mail-in --imap [--once]         poll MAIL_IN_IMAP_URL (or --imap URL)
    cultivate mail-in --stdin --sender=S --recipient=R
                                              one message from a Postfix/Exim pipe transport
"""

import signal
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cultivate.core import mail_imap
from cultivate.core.mail_listener import MailListener, Outcome, hand_over, parse_listen

# sysexits.h: what a pipe transport understands (75: keep it and retry, 65: bounce it).
EX_OK, EX_DATAERR, EX_TEMPFAIL = 0, 65, 75


class Command(BaseCommand):
    help = ("Receive mail for Cultivate: an SMTP or LMTP listener in the foreground, polling "
            "an IMAP mailbox, or one message on standard input (for a pipe transport).")
    requires_system_checks = []  # a pipe transport starts one process per message: be quick

    def add_arguments(self, parser):
        parser.add_argument("--listen", metavar="URL",
                            help="smtp://HOST:PORT or lmtp://HOST:PORT (default: "
                                 "MAIL_IN_LISTEN).")
        parser.add_argument("--imap", nargs="?", const="", metavar="URL",
                            help="Poll an IMAP mailbox instead (default: MAIL_IN_IMAP_URL).")
        parser.add_argument("--once", action="store_true",
                            help="With --imap: poll once and exit.")
        parser.add_argument("--batch", type=int, default=mail_imap.BATCH,
                            help="With --imap: messages per poll (default %(default)s).")
        parser.add_argument("--stdin", action="store_true",
                            help="Read one message from standard input and exit with a "
                                 "sysexits code (0 delivered, 65 refused, 75 try later).")
        parser.add_argument("--sender", default="",
                            help="With --stdin: the envelope sender (Postfix: ${sender}).")
        parser.add_argument("--recipient", action="append", default=[],
                            help="With --stdin: an envelope recipient (Postfix: "
                                 "${recipient}); repeat for several.")

    def handle(self, *args, listen, imap, once, batch, stdin, sender, recipient, **options):
        if stdin:
            code = self.receive_stdin(sender, recipient)
            if code != EX_OK:
                sys.exit(code)
        elif imap is not None:
            self.poll(imap or settings.MAIL_IN_IMAP_URL, once=once, batch=batch)
        else:
            self.listen(listen or settings.MAIL_IN_LISTEN)

    def receive_stdin(self, sender: str, recipients: list[str]) -> int:
        if not recipients:
            raise CommandError("--stdin needs --recipient (Postfix: --recipient=${recipient}).")
        raw = sys.stdin.buffer.read(settings.MAIL_IN_MAX_BYTES + 1)
        if len(raw) > settings.MAIL_IN_MAX_BYTES:
            self.stderr.write(f"Message larger than MAIL_IN_MAX_BYTES "
                              f"({settings.MAIL_IN_MAX_BYTES} bytes): not delivered.")
            return EX_DATAERR
        if not raw.strip():
            self.stderr.write("Empty message: not delivered.")
            return EX_DATAERR
        handed = hand_over(raw, sender, recipients)
        if handed.outcome is Outcome.DELIVERED:
            return EX_OK
        self.stderr.write(handed.smtp_reply())
        return EX_DATAERR if handed.outcome is Outcome.REFUSED else EX_TEMPFAIL

    def poll(self, url: str, *, once: bool, batch: int) -> None:
        if not url:
            raise CommandError("Set MAIL_IN_IMAP_URL or give --imap URL "
                               "(imaps://user:password@host/INBOX).")
        mailbox = mail_imap.parse_imap_url(url)
        if once:
            report = mail_imap.poll_once(mailbox, batch=batch)
            self.stdout.write(f"Polled {mailbox}: {report}.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Polling {mailbox} every {settings.MAIL_IN_IMAP_SECONDS} s (Ctrl+C to stop)."))
        stop = _stop_on_signals()
        mail_imap.poll_forever(mailbox, batch=batch, stop=stop)

    def listen(self, url: str) -> None:
        if not url:
            raise CommandError("Set MAIL_IN_LISTEN or give --listen smtp://HOST:PORT "
                               "(or lmtp://HOST:PORT).")
        listener = MailListener(parse_listen(url))
        listener.start()
        self.stdout.write(self.style.SUCCESS(
            f"Receiving mail at {listener.address} (Ctrl+C to stop)."))
        stop = _stop_on_signals()
        try:
            while not stop.wait(1):
                pass
        finally:
            listener.stop()


def _stop_on_signals() -> threading.Event:
    """An event that Ctrl+C or SIGTERM (a service manager stopping us) sets."""
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    return stop
