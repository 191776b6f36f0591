"""The inbound mail listener: a small SMTP or LMTP server (aiosmtpd) that hands each message to
`core.inbound.deliver`, for the embedded tier or behind a Postfix/Exim relay
(docs/mail-in-listeners.md).

The handler touches the database, so it runs in a worker thread, never on the event loop.
The answers a relay understands: 250 delivered, 550 refused for good, 451 try again later
(the database is down), 552 too large (SIZE in EHLO and again at the end of DATA)."""

import asyncio
import enum
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from django import db
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cultivate.core import inbound

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"smtp": 25, "lmtp": 24}
WORKER_THREADS = 4  # messages handled at once; each holds one database connection


def worker_threads() -> int:
    """SQLite has one writer at a time, and a writer kept waiting by another polls with
    growing sleeps (up to 100 ms each): one delivery thread, queueing fairly in order, is
    faster there. PostgreSQL writes in parallel, but the web requests of the same process
    share its connection pool: at most half of it."""
    if db.connections["default"].vendor == "sqlite":
        return 1
    pool = getattr(settings, "DATABASE_POOL_SIZE", 0)
    return max(1, min(WORKER_THREADS, pool // 2)) if pool else WORKER_THREADS


class Outcome(enum.Enum):
    DELIVERED = "delivered"
    REFUSED = "refused"  # for good: the relay bounces it
    TRY_LATER = "try later"  # the relay keeps it and tries again


@dataclass(frozen=True)
class Handed:
    outcome: Outcome
    reason: str = ""

    def smtp_reply(self) -> str:
        reason = " ".join(self.reason.split())[:200]  # one line, whatever the handler said
        if self.outcome is Outcome.DELIVERED:
            return "250 2.0.0 Delivered"
        if self.outcome is Outcome.REFUSED:
            return f"550 5.7.1 Not delivered: {reason or 'refused'}"
        return "451 4.3.0 Could not be stored now, try again later"


def hand_over(raw: bytes, envelope_sender: str, recipients: list[str]) -> Handed:
    """Give one message to the registered handler (synchronously, in the caller's thread) and
    say what the sender should be told. Any failure is temporary: the mail stays with the
    relay (or in the mailbox) and comes back, nothing is lost."""
    db.close_old_connections()
    try:
        delivery = inbound.deliver(raw, envelope_sender, recipients)
    except db.Error:
        logger.exception("The database failed while receiving mail; the sender will retry")
        return Handed(Outcome.TRY_LATER, "database unavailable")
    except Exception:  # a bug must not lose the mail either
        logger.exception("Receiving a mail failed; the sender will retry")
        return Handed(Outcome.TRY_LATER, "internal error")
    finally:
        db.close_old_connections()
    if delivery.accepted:
        return Handed(Outcome.DELIVERED, delivery.reason)
    logger.info("Mail from %r to %r refused: %s", envelope_sender, recipients, delivery.reason)
    return Handed(Outcome.REFUSED, delivery.reason)


@dataclass(frozen=True)
class ListenAddress:
    protocol: str  # "smtp" or "lmtp"
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.protocol}://{host}:{self.port}"


def parse_listen(url: str) -> ListenAddress:
    """`smtp://127.0.0.1:2525` or `lmtp://[::1]:2424` -> where and how to listen."""
    parts = urlsplit(url.strip())
    protocol = parts.scheme.lower()
    if protocol not in DEFAULT_PORTS:
        raise ImproperlyConfigured(
            f"MAIL_IN_LISTEN is {url!r}; write smtp://HOST:PORT or lmtp://HOST:PORT "
            "(e.g. lmtp://127.0.0.1:2424).")
    try:
        port = parts.port or DEFAULT_PORTS[protocol]
    except ValueError as error:
        raise ImproperlyConfigured(f"MAIL_IN_LISTEN {url!r}: {error}") from None
    return ListenAddress(protocol, parts.hostname or "127.0.0.1", port)


class InboundHandler:
    """aiosmtpd's handler: the message goes to `hand_over` in a worker thread."""

    def __init__(self, *, lmtp: bool, executor: ThreadPoolExecutor):
        self.lmtp = lmtp
        self.executor = executor

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        sender, recipients = envelope.mail_from or "", list(envelope.rcpt_tos)
        loop = asyncio.get_running_loop()
        if not self.lmtp:
            handed = await loop.run_in_executor(
                self.executor, hand_over, raw, sender, recipients)
            return handed.smtp_reply()
        # LMTP: each recipient is its own delivery and gets its own answer, in RCPT order.
        replies = []
        for recipient in recipients:
            handed = await loop.run_in_executor(
                self.executor, hand_over, raw, sender, [recipient])
            replies.append(handed.smtp_reply())
        return "\r\n".join(replies)


class _Controller(Controller):
    def __init__(self, handler, *, lmtp: bool, **kwargs):
        self.lmtp = lmtp
        super().__init__(handler, **kwargs)

    def factory(self):
        return (LMTP if self.lmtp else SMTP)(self.handler, **self.SMTP_kwargs)


class MailListener:
    """A running listener (its own thread and event loop): `start()`, then `stop()`."""

    def __init__(self, address: ListenAddress | str, *, max_bytes: int | None = None):
        self.address = parse_listen(address) if isinstance(address, str) else address
        self.executor = ThreadPoolExecutor(worker_threads(), thread_name_prefix="cultivate-mail")
        lmtp = self.address.protocol == "lmtp"
        self.controller = _Controller(
            InboundHandler(lmtp=lmtp, executor=self.executor), lmtp=lmtp,
            hostname=self.address.host, port=self.address.port,
            server_hostname=settings.MAIL_IN_DOMAIN or "cultivate",
            data_size_limit=max_bytes if max_bytes is not None else settings.MAIL_IN_MAX_BYTES,
            enable_SMTPUTF8=True, ident="Cultivate",
        )

    def start(self) -> "MailListener":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
        self.executor.shutdown(wait=True)

    def __enter__(self) -> "MailListener":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def start_listener(url: str | None = None) -> MailListener:
    """Listen where `url` (default MAIL_IN_LISTEN) says, in a background thread."""
    return MailListener(url or settings.MAIL_IN_LISTEN).start()
