"""Receiving mail by polling an IMAP mailbox, for sites that cannot take SMTP connections
(docs/mail-in-listeners.md). MAIL_IN_IMAP_URL names the mailbox:

    imaps://user:password@imap.example.org/INBOX         (TLS, port 993)
    imap+starttls://user:password@imap.example.org/INBOX (STARTTLS, port 143)
    imap://user:password@127.0.0.1:143/INBOX             (plain, loopback only)

Each poll reads up to a batch of unseen messages without marking them (BODY.PEEK), hands each
to `core.inbound.deliver`, then deletes those delivered (or moves them to `?move_to=Folder`)
and marks those refused as seen, so they stay for the operator but are not read again. A
message whose delivery failed stays unseen and comes back at the next poll."""

import imaplib
import logging
import ssl
import threading
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cultivate.core.mail_listener import Outcome, hand_over

logger = logging.getLogger(__name__)

BATCH = 100  # messages per poll: a full mailbox drains over several polls, never all at once
TIMEOUT_SECONDS = 60
# scheme: (default port, implicit TLS, STARTTLS)
SCHEMES = {"imaps": (993, True, False), "imap+starttls": (143, False, True),
           "imap": (143, False, False)}
# Headers a delivering server writes with the envelope recipient, before the visible ones.
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    implicit_tls: bool = False
    starttls: bool = False
    move_to: str = ""

    def __str__(self) -> str:
        scheme = ("imaps" if self.implicit_tls else "imap+starttls" if self.starttls
                  else "imap")
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"


def parse_imap_url(url: str) -> Mailbox:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ImproperlyConfigured(
            f"MAIL_IN_IMAP_URL has the scheme {scheme!r}; use one of {', '.join(SCHEMES)} "
            "(e.g. imaps://user:password@imap.example.org/INBOX).")
    default_port, implicit_tls, starttls = SCHEMES[scheme]
    try:
        port = parts.port or default_port
    except ValueError as error:
        raise ImproperlyConfigured(f"MAIL_IN_IMAP_URL is not valid: {error}") from None
    if not parts.hostname or not parts.username:
        raise ImproperlyConfigured(
            "MAIL_IN_IMAP_URL needs a user and a host: imaps://user:password@host/INBOX.")
    query = parse_qs(parts.query)
    return Mailbox(
        host=parts.hostname, port=port, user=unquote(parts.username),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.strip("/")) or "INBOX",
        implicit_tls=implicit_tls, starttls=starttls,
        move_to=query.get("move_to", [""])[0],
    )


@dataclass
class PollReport:
    delivered: int = 0
    refused: int = 0
    failed: int = 0  # left unseen for the next poll
    waiting: int = 0  # unseen messages beyond this poll's batch

    def __str__(self) -> str:
        return (f"{self.delivered} delivered, {self.refused} refused, {self.failed} left for "
                f"the next poll, {self.waiting} beyond this batch")


def connect(mailbox: Mailbox) -> imaplib.IMAP4:
    if mailbox.implicit_tls:
        imap = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS,
                                 ssl_context=ssl.create_default_context())
    else:
        imap = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
        if mailbox.starttls:
            imap.starttls(ssl.create_default_context())
    imap.login(mailbox.user, mailbox.password)
    return imap


def poll_once(mailbox: Mailbox | str | None = None, *, batch: int = BATCH) -> PollReport:
    """Deliver up to `batch` unseen messages of the mailbox (default MAIL_IN_IMAP_URL).
    Connection and login errors propagate (imaplib.IMAP4.error, OSError)."""
    if not isinstance(mailbox, Mailbox):
        mailbox = parse_imap_url(mailbox or settings.MAIL_IN_IMAP_URL)
    imap = connect(mailbox)
    try:
        _check(imap.select(_quoted(mailbox.folder)), f"select {mailbox.folder}")
        uids = _check(imap.uid("SEARCH", None, "UNSEEN"), "search")[0].split()
        report = PollReport(waiting=max(0, len(uids) - batch))
        done = []
        for uid in uids[:batch]:
            outcome = _deliver_one(imap, uid)
            if outcome is Outcome.DELIVERED:
                report.delivered += 1
                done.append(uid)
            elif outcome is Outcome.REFUSED:
                report.refused += 1
                imap.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)")
            else:
                report.failed += 1
        if done:
            _remove(imap, mailbox, b",".join(done).decode())
        return report
    finally:
        _logout(imap)


def _deliver_one(imap: imaplib.IMAP4, uid: bytes) -> Outcome:
    try:
        fetched = _check(imap.uid("FETCH", uid, "(BODY.PEEK[])"), "fetch")
        raw = next(part[1] for part in fetched if isinstance(part, tuple))
    except (StopIteration, imaplib.IMAP4.error):
        logger.warning("IMAP message %s could not be fetched; trying again next poll", uid)
        return Outcome.TRY_LATER
    sender, recipients = envelope_of(raw)
    return hand_over(raw, sender, recipients).outcome


def envelope_of(raw: bytes) -> tuple[str, list[str]]:
    """A mailbox keeps no envelope: the sender from Return-Path (else From), the recipients
    from the headers a delivering server adds (Delivered-To, X-Original-To), then To and Cc."""
    headers = BytesHeaderParser().parsebytes(raw)
    sender = parseaddr(str(headers.get("Return-Path") or headers.get("From") or ""))[1]
    recipients = []
    for name in RECIPIENT_HEADERS:
        for _name, address in getaddresses([str(value) for value in headers.get_all(name, [])]):
            if address and address.lower() not in (known.lower() for known in recipients):
                recipients.append(address)
    return sender, recipients


def _remove(imap: imaplib.IMAP4, mailbox: Mailbox, uids: str) -> None:
    imap.uid("STORE", uids, "+FLAGS.SILENT", r"(\Seen)")  # before a copy, which keeps flags
    if mailbox.move_to:
        _check(imap.uid("COPY", uids, _quoted(mailbox.move_to)), f"copy to {mailbox.move_to}")
    imap.uid("STORE", uids, "+FLAGS.SILENT", r"(\Deleted)")
    if "UIDPLUS" in _capabilities(imap):
        imap.uid("EXPUNGE", uids)  # only ours, not what another client flagged
    else:
        imap.expunge()


def _capabilities(imap: imaplib.IMAP4) -> set[str]:
    """After login: servers announce more than in their greeting (imaplib keeps that one)."""
    data = _check(imap.capability(), "capability")
    return {word.upper() for word in (data[0] or b"").decode("ascii", "replace").split()}


def _check(response: tuple[str, list], doing: str) -> list:
    status, data = response
    if status != "OK":
        raise imaplib.IMAP4.error(f"IMAP {doing} failed: {data!r}")
    return data


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _logout(imap: imaplib.IMAP4) -> None:
    try:
        imap.logout()
    except (imaplib.IMAP4.error, OSError):
        pass


def poll_forever(mailbox: Mailbox | str | None = None, *, seconds: int | None = None,
                 stop: threading.Event | None = None, batch: int = BATCH) -> None:
    """Poll every `seconds` (default MAIL_IN_IMAP_SECONDS) until `stop` is set; a full batch
    polls again at once. A server that is down is logged and tried again next time."""
    mailbox = mailbox if isinstance(mailbox, Mailbox) else parse_imap_url(
        mailbox or settings.MAIL_IN_IMAP_URL)
    seconds = seconds if seconds is not None else settings.MAIL_IN_IMAP_SECONDS
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            report = poll_once(mailbox, batch=batch)
        except (imaplib.IMAP4.error, OSError) as error:
            logger.warning("Polling %s failed (%s); trying again in %s s", mailbox, error,
                           seconds)
            report = PollReport()
        if report.delivered or report.refused or report.failed:
            logger.info("Polled %s: %s", mailbox, report)
        if not report.waiting or report.failed:
            stop.wait(max(1, seconds))


def start_poller(url: str | None = None) -> tuple[threading.Thread, threading.Event]:
    """Poll MAIL_IN_IMAP_URL in a daemon thread; set the returned event to stop it."""
    mailbox = parse_imap_url(url or settings.MAIL_IN_IMAP_URL)
    stop = threading.Event()
    thread = threading.Thread(target=poll_forever, args=(mailbox,), kwargs={"stop": stop},
                              name="cultivate-imap", daemon=True)
    thread.start()
    return thread, stop
