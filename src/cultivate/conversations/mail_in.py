"""What becomes of a received mail (docs/email-in.md): a reply posted in its topic, a topic
started in a community, a bounce counted, or a refusal explained by an answer mail.

Listeners (core.inbound: SMTP/LMTP, IMAP polling) hand every message to `receive`. A reply
address's signed token is the authority for who writes where; the From address must also be
the token owner's. Everything one message writes (attachments, post, log row) is one
transaction: a refusal leaves nothing behind but its InboundMail row.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from enum import StrEnum

from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from mailparser_reply import EmailMessage as ReplyText
from mailparser_reply.constants import MAIL_LANGUAGES
from markdownify import markdownify

from cultivate import policy
from cultivate.attachments.actions import do_upload_attachment
from cultivate.communities.models import Community
from cultivate.conversations import actions, reply_address
from cultivate.conversations.models import InboundMail, InboundOutcome, Post, Topic
from cultivate.core.errors import ActionError, Conflict, NotAllowed
from cultivate.core.i18n import language_of
from cultivate.core.inbound import Delivery
from cultivate.core.mail import record_bounce, reset_bounces, send_after_commit
from cultivate.core.ratelimit import rate_seconds
from cultivate.people.models import User
from cultivate.policy import Can

logger = logging.getLogger(__name__)

HEADER_BYTES = 64 * 1024  # enough to read the headers of a message too large to parse
# Every language the quote and signature stripper knows: members write in many.
REPLY_LANGUAGES = list(MAIL_LANGUAGES)
# Parts mail programs add that are not the member's attachments.
IGNORED_PARTS = {"application/pgp-signature", "application/pkcs7-signature",
                 "application/x-pkcs7-signature", "application/ms-tnef", "text/vcard",
                 "text/x-vcard", "text/directory"}
OUR_POST_ID = re.compile(r"<post-(\d+)\.(\d+)@([^>\s]+)>", re.IGNORECASE)
OUT_OF_OFFICE = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response)|out of (the )?office|autoreply|auto:|"
    r"r[ée]ponse automatique|absence|absent|abwesenheit|automatische antwort|"
    r"respuesta autom[áa]tica|fuera de la oficina|自动回复|自動回覆|автоответ|"
    r"автоматический ответ|رد تلقائي)", re.IGNORECASE)
SUBJECT_PREFIXES = re.compile(r"^\s*((re|fwd?|tr|aw|wg|rv|sv|vs|回复|答复|转发|ответ|رد)\s*:\s*)+",
                              re.IGNORECASE)


class Reason(StrEnum):
    POSTED = "posted"
    STARTED = "started"
    BOUNCE = "bounce"
    AUTO_REPLY = "auto_reply"
    DUPLICATE = "duplicate"
    # Refusals, each explained by the answer mail (conversations/email/refused_body.txt):
    BAD_TOKEN = "bad_token"  # noqa: S105 - a word for the log
    EXPIRED_TOKEN = "expired_token"  # noqa: S105 - a word for the log
    WRONG_SENDER = "wrong_sender"
    NOT_ALLOWED = "not_allowed"
    TOO_LARGE = "too_large"
    EMPTY = "empty"
    TOPIC_CLOSED = "topic_closed"
    TOPIC_GONE = "topic_gone"
    UNKNOWN_COMMUNITY = "unknown_community"
    REPLY_WITHOUT_TOKEN = "reply_without_token"  # noqa: S105 - a word for the log
    TOO_FAST = "too_fast"
    ATTACHMENT_REFUSED = "attachment_refused"
    INVALID = "invalid"


class Refusal(Exception):
    def __init__(self, reason: Reason, detail: str = "", *, user=None, topic=None,
                 community=None):
        super().__init__(reason)
        self.reason, self.detail = reason, detail
        self.user, self.topic, self.community = user, topic, community


@dataclass
class Incoming:
    """One received message and what its headers say."""

    message: EmailMessage
    envelope_sender: str
    size: int
    too_large: bool = False
    from_address: str = ""
    message_id: str = ""
    subject: str = ""
    parent_ids: list[tuple[int, int]] = field(default_factory=list)  # (post, topic) we sent

    @property
    def answer_to(self) -> str:
        """Where an answer goes: the envelope sender (RFC 3834), else From."""
        return self.envelope_sender or self.from_address


# --- the entry point ---------------------------------------------------------------------

def receive(raw: bytes, envelope_sender: str, recipients: list[str]) -> Delivery:
    """Handle one received message for each of its recipients; never raises for bad input."""
    incoming = _read(raw, envelope_sender)
    if _is_bounce(incoming):
        _record_bounces(incoming, recipients)
        return Delivery(accepted=True, reason=Reason.BOUNCE)
    if _is_auto_reply(incoming.message):
        for recipient in _unique(recipients):
            _log(incoming, recipient, InboundOutcome.AUTO_REPLY, Reason.AUTO_REPLY)
        return Delivery(accepted=True, reason=Reason.AUTO_REPLY)
    reasons = [_handle(incoming, recipient) for recipient in _unique(recipients)]
    return Delivery(accepted=True, reason=",".join(reasons))


def _read(raw: bytes, envelope_sender: str) -> Incoming:
    size = len(raw)
    too_large = size > settings.MAIL_IN_MAX_BYTES
    parser = BytesHeaderParser if too_large else BytesParser
    message = parser(policy=email_policy.default).parsebytes(
        raw[:HEADER_BYTES] if too_large else raw)
    # IMAP polling knows no envelope: the final MTA's Return-Path header carries it there
    # (empty, "<>", for bounces).
    envelope = _clean_address(envelope_sender) or _clean_address(_header(message, "Return-Path"))
    incoming = Incoming(message=message, envelope_sender=envelope, size=size,
                        too_large=too_large)
    incoming.from_address = _clean_address(_header(message, "From"))
    incoming.message_id = _header(message, "Message-ID")[:300]
    incoming.subject = " ".join(_header(message, "Subject").split())[:300]
    parents = f"{_header(message, 'References')} {_header(message, 'In-Reply-To')}"
    incoming.parent_ids = [(int(post), int(topic)) for post, topic, domain
                           in OUR_POST_ID.findall(parents)
                           if reply_address.is_our_domain(domain)]
    return incoming


def _header(message, name: str) -> str:
    """A header's text, or "" when it is missing or too broken to read."""
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError, AttributeError):
        return ""
    return str(value or "").strip()


def _clean_address(value: str) -> str:
    from email.utils import parseaddr

    address = parseaddr(value or "")[1].strip()
    return address if "@" in address else ""


def _unique(recipients) -> list[str]:
    return list(dict.fromkeys(r.strip().lower() for r in recipients if r and r.strip()))


# --- bounces and automatic replies -------------------------------------------------------

def _is_bounce(incoming: Incoming) -> bool:
    message = incoming.message
    if message.get_content_type() == "multipart/report":
        return message.get_param("report-type", "").lower() == "delivery-status"
    sender = incoming.envelope_sender.lower()
    return (not sender or sender.startswith("mailer-daemon@")
            or incoming.from_address.lower().startswith("mailer-daemon@"))


def _failed_recipients(message) -> list[tuple[str, str]]:
    """(address, status) of each recipient a delivery report says failed for good."""
    failed = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in part.get_payload()[1:] if isinstance(part.get_payload(), list) else []:
            action = str(block.get("Action", "")).strip().lower()
            status = str(block.get("Status", "")).strip()
            recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient")
                            or "")
            address = recipient.split(";", 1)[-1].strip()
            if address and (action == "failed" or status.startswith("5")):
                failed.append((address, status))
    for value in message.get_all("X-Failed-Recipients") or []:  # Exim, without a report
        failed += [(address.strip(), "") for address in str(value).split(",")
                   if "@" in address]
    return failed


def _record_bounces(incoming: Incoming, recipients) -> None:
    failed = [] if incoming.too_large else _failed_recipients(incoming.message)
    with transaction.atomic():
        for address, status in dict(failed).items():
            record_bounce(address, reason=f"{status} {incoming.subject}".strip())
        for recipient in _unique(recipients) or [""]:
            _log(incoming, recipient, InboundOutcome.BOUNCE, Reason.BOUNCE,
                 detail=", ".join(address for address, _status in failed))


def _is_auto_reply(message) -> bool:
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if any(message.get(name) for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply")):
        return True
    if _header(message, "Precedence").lower() in {"bulk", "junk", "list", "auto_reply"}:
        return True
    if message.get_content_type() == "multipart/report":  # read receipts and the like
        return True
    return bool(OUT_OF_OFFICE.match(_header(message, "Subject")))


# --- one recipient -----------------------------------------------------------------------

def _handle(incoming: Incoming, recipient: str) -> str:
    if _already_posted(incoming, recipient):
        _log(incoming, recipient, InboundOutcome.DUPLICATE, Reason.DUPLICATE)
        return Reason.DUPLICATE
    try:
        if incoming.too_large:
            raise Refusal(Reason.TOO_LARGE, user=_person_with_address(incoming.from_address))
        if reply_address.local_part(recipient).startswith(reply_address.REPLY_PREFIX):
            return _post_reply(incoming, recipient)
        return _start_topic(incoming, recipient)
    except Refusal as refusal:
        _refuse(incoming, recipient, refusal)
        return refusal.reason
    except IntegrityError:
        if not _already_posted(incoming, recipient):
            raise
        _log(incoming, recipient, InboundOutcome.DUPLICATE, Reason.DUPLICATE)
        return Reason.DUPLICATE


def _too_fast(user) -> bool:
    """Posting by mail keeps the site's pace for writers (CULTIVATE_WRITE_RATE, "60/m")."""
    rate = settings.CULTIVATE_WRITE_RATE
    since = timezone.now() - timedelta(seconds=rate_seconds(rate))
    return InboundMail.objects.filter(
        user=user, outcome__in=[InboundOutcome.POSTED, InboundOutcome.STARTED],
        received_at__gte=since).count() >= int(rate.split("/")[0])


def _already_posted(incoming: Incoming, recipient: str) -> bool:
    return bool(incoming.message_id) and InboundMail.objects.filter(
        message_id=incoming.message_id, recipient=recipient,
        outcome__in=[InboundOutcome.POSTED, InboundOutcome.STARTED]).exists()


def _post_reply(incoming: Incoming, recipient: str) -> str:
    target = reply_address.decode(recipient)
    if target is None:
        raise Refusal(Reason.BAD_TOKEN, user=_person_with_address(incoming.from_address))
    user = User.objects.filter(pk=target.user_id, is_active=True).first()
    if user is None:
        raise Refusal(Reason.BAD_TOKEN, user=_person_with_address(incoming.from_address))
    topic = Topic.objects.select_related("community").filter(pk=target.topic_id).first()
    if not _owns_address(user, incoming.from_address) or _spoofed(incoming.message):
        raise Refusal(Reason.WRONG_SENDER, user=_person_with_address(incoming.from_address))
    if reply_address.is_expired(target):
        raise Refusal(Reason.EXPIRED_TOKEN, user=user, topic=topic)
    if topic is None:
        raise Refusal(Reason.TOPIC_GONE, user=user)
    community = topic.community
    with translation.override(language_of(user)):
        if not policy.can(user, Can.REPLY, community):
            raise Refusal(Reason.NOT_ALLOWED, user=user, topic=topic)
        if not topic.accepts_replies:
            raise Refusal(Reason.TOPIC_CLOSED, user=user, topic=topic)
        if _too_fast(user):
            raise Refusal(Reason.TOO_FAST, user=user, topic=topic)
        reply_to = _replied_post(topic, target.post_id, incoming.parent_ids)
        with _writing(incoming, recipient, InboundOutcome.POSTED, user) as writing:
            body = _post_text(incoming, user, community, writing.stored, topic=topic)
            writing.log.post = _as_refusal(lambda: actions.do_reply(
                actor=user, topic=topic, body=body, reply_to=reply_to), user, topic)
    reset_bounces(incoming.from_address)
    return Reason.POSTED


def _start_topic(incoming: Incoming, recipient: str) -> str:
    person = _person_with_address(incoming.from_address)
    local, _at, domain = recipient.rpartition("@")
    community = Community.objects.filter(slug=local.lower()).first()
    if (community is None or not reply_address.is_our_domain(domain)
            or not policy.can(person, Can.SEE, community)):
        raise Refusal(Reason.UNKNOWN_COMMUNITY, user=person)
    if any(Post.objects.filter(pk=post_id, topic_id=topic_id, topic__community=community)
           .exists() for post_id, topic_id in incoming.parent_ids):
        raise Refusal(Reason.REPLY_WITHOUT_TOKEN, user=person, community=community)
    authors = [user for user in _people_with_address(incoming.from_address)
               if policy.can(user, Can.START_TOPIC, community)]
    if not authors or _spoofed(incoming.message):
        raise Refusal(Reason.NOT_ALLOWED, user=person, community=community)
    user = authors[0]
    if _too_fast(user):
        raise Refusal(Reason.TOO_FAST, user=user, community=community)
    with translation.override(language_of(user)):
        with _writing(incoming, recipient, InboundOutcome.STARTED, user) as writing:
            body = _post_text(incoming, user, community, writing.stored)
            title = SUBJECT_PREFIXES.sub("", incoming.subject).strip()
            topic = _as_refusal(lambda: actions.do_start_topic(
                actor=user, community=community, title=title, body=body), user, None,
                community=community)
            writing.log.post = topic.posts.get(is_opening=True)
    reset_bounces(incoming.from_address)
    return Reason.STARTED


class _writing:
    """One transaction for everything a message writes, with its log row reserved first: the
    unique (Message-ID, recipient) of posted mail stops a second copy arriving meanwhile.
    Files stored before a failure are removed (a rollback does not remove files)."""

    def __init__(self, incoming: Incoming, recipient: str, outcome: str, user):
        self.log = _log_row(incoming, recipient, outcome, outcome, user=user)
        self.atomic = transaction.atomic()
        self.stored: list = []  # attachments saved so far

    def __enter__(self) -> "_writing":
        self.atomic.__enter__()
        self.log.save()
        return self

    def __exit__(self, kind, error, trace):
        if kind is None:
            self.log.save(update_fields=["post"])
        self.atomic.__exit__(kind, error, trace)
        if kind is not None:
            for attachment in self.stored:
                attachment.file.delete(save=False)
        return False


def _as_refusal(write, user, topic, *, community=None):
    """Run a conversations action; what it refuses becomes a refusal explained by mail."""
    try:
        return write()
    except Conflict as error:
        reason = Reason.TOPIC_CLOSED if error.code == "topic_locked" else Reason.INVALID
        raise Refusal(reason, _error_text(error), user=user, topic=topic,
                      community=community) from error
    except ActionError as error:
        raise Refusal(Reason.INVALID, _error_text(error), user=user, topic=topic,
                      community=community) from error
    except NotAllowed as error:
        raise Refusal(Reason.NOT_ALLOWED, user=user, topic=topic,
                      community=community) from error


def _error_text(error: ActionError) -> str:
    details = [message for messages in error.fields.values() for message in messages]
    return " ".join([error.message, *details])


def _replied_post(topic: Topic, token_post_id: int | None, parent_ids) -> Post | None:
    """The post the reply answers: the token's, else the newest of ours it threads under."""
    candidates = [token_post_id] if token_post_id else []
    candidates += [post_id for post_id, topic_id in reversed(parent_ids)
                   if topic_id == topic.pk]
    for post_id in candidates:
        post = Post.objects.filter(pk=post_id, topic=topic, deleted_at__isnull=True).first()
        if post is not None:
            return None if post.is_opening else post
    return None


# --- who wrote -----------------------------------------------------------------------------

def _people_with_address(address: str) -> list[User]:
    """Active accounts whose address this is: their main one, or another they verified."""
    if not address:
        return []
    return list(User.objects.filter(
        Q(email__iexact=address)
        | Q(emailaddress__email__iexact=address, emailaddress__verified=True),
        is_active=True).distinct().order_by("pk"))


def _person_with_address(address: str) -> User | None:
    people = _people_with_address(address)
    return people[0] if people else None


def _owns_address(user: User, address: str) -> bool:
    if not address:
        return False
    return (user.email or "").lower() == address.lower() or policy.has_verified_email(
        user, address)


def _spoofed(message) -> bool:
    """The receiving relay checked the sender's domain and found the From forged (DMARC)."""
    return any("dmarc=fail" in str(value).lower()
               for value in message.get_all("Authentication-Results") or [])


# --- the text and the files ------------------------------------------------------------------

def _post_text(incoming: Incoming, user, community, stored: list, *, topic=None) -> str:
    """The new text of the mail, quotes and signature stripped, with its attachments linked."""
    message = incoming.message
    body_part = message.get_body(preferencelist=("plain", "html"))
    text = strip_quotes_and_signature(_part_text(body_part)) if body_part is not None else ""
    text = re.sub(r"!\[[^\]]*\]\(cid:[^)]*\)", "", text).strip()  # inline images come below
    links = []
    for upload in _attached_files(message, body_part):
        try:
            attachment = do_upload_attachment(actor=user, community=community,
                                              uploaded_file=upload)
        except ActionError as error:
            raise Refusal(Reason.ATTACHMENT_REFUSED, f"{upload.name}: {_error_text(error)}",
                          user=user, topic=topic, community=community) from error
        except NotAllowed as error:
            raise Refusal(Reason.NOT_ALLOWED, user=user, topic=topic,
                          community=community) from error
        stored.append(attachment)
        links.append(attachment.markdown)
    if not text and not links:
        raise Refusal(Reason.EMPTY, user=user, topic=topic, community=community)
    return "\n\n".join(part for part in (text, "\n".join(links)) if part)


def _part_text(part) -> str:
    try:
        text = part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError):
        text = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if not isinstance(text, str):
        return ""
    if part.get_content_subtype() == "html":
        soup = BeautifulSoup(text, "html.parser")
        for noise in soup(["head", "style", "script", "title"]):
            noise.decompose()
        text = markdownify(str(soup), heading_style="ATX")
    return text.replace("\x00", "")


def strip_quotes_and_signature(text: str) -> str:
    """The new text of a reply: quoted earlier mail ("On ... wrote:", "-----Original
    Message-----", "Le ... a écrit :", bottom quotes) and the signature removed."""
    parsed = ReplyText(text=text, languages=list(REPLY_LANGUAGES), keep_hyphen_lists=True)
    replies = parsed.read().replies
    if not replies or replies[0].headers:  # nothing above the first quote header
        return ""
    lines = replies[0].body.splitlines()
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()  # a quote below the reply, without a header line
    return "\n".join(lines).strip()


def _attached_files(message, body_part) -> list[SimpleUploadedFile]:
    """Parts with a file name (attachments and inline files) and inline images."""
    files = []
    for part in message.walk():
        if part.is_multipart() or part is body_part:
            continue
        content_type = part.get_content_type()
        if content_type in IGNORED_PARTS or content_type.startswith("message/"):
            continue
        name = part.get_filename()
        if not name and part.get_content_maintype() != "image":
            continue  # another rendering of the text (text/html beside text/plain)
        content = part.get_payload(decode=True) or b""
        name = name or f"image.{part.get_content_subtype()}"
        files.append(SimpleUploadedFile(name, content, content_type=content_type))
    return files


# --- the log and refusals ----------------------------------------------------------------

def _log_row(incoming: Incoming, recipient: str, outcome: str, reason: str, *, user=None,
             detail: str = "") -> InboundMail:
    return InboundMail(message_id=incoming.message_id, sender=incoming.from_address[:254],
                       envelope_sender=incoming.envelope_sender[:254],
                       recipient=recipient[:254], subject=incoming.subject[:300],
                       outcome=outcome, reason=reason, detail=detail[:500], user=user,
                       size=min(incoming.size, 2**31 - 1))


def _log(incoming: Incoming, recipient: str, outcome: str, reason: str, **fields) -> None:
    _log_row(incoming, recipient, outcome, reason, **fields).save()


def _refuse(incoming: Incoming, recipient: str, refusal: Refusal) -> None:
    """Log the refusal and, unless it would loop or the sender had enough answers this hour,
    explain it by mail in the sender's language."""
    logger.info("mail in refused: %s from %s to %s", refusal.reason, incoming.from_address,
                recipient)
    with transaction.atomic():
        row = _log_row(incoming, recipient, InboundOutcome.REFUSED, refusal.reason,
                       user=refusal.user, detail=refusal.detail)
        to = incoming.answer_to
        if _may_answer(to):
            row.answered_to = to[:254]
            _send_refusal(incoming, refusal, to)
        row.save()


def _may_answer(address: str) -> bool:
    if not address or "@" not in address:
        return False
    local, _at, domain = address.lower().rpartition("@")
    if reply_address.is_our_domain(domain) or local in {"mailer-daemon", "postmaster"}:
        return False  # never answer ourselves: no loops
    if address.lower() == _clean_address(settings.DEFAULT_FROM_EMAIL).lower():
        return False
    hour_ago = timezone.now() - timedelta(hours=1)
    answered = InboundMail.objects.filter(answered_to__iexact=address,
                                          received_at__gte=hour_ago).count()
    return answered < settings.MAIL_IN_REFUSALS_PER_HOUR


def _send_refusal(incoming: Incoming, refusal: Refusal, to: str) -> None:
    topic = refusal.topic
    community = refusal.community or (topic.community if topic else None)
    context = {
        "reason": str(refusal.reason), "detail": refusal.detail, "person": refusal.user,
        "subject": incoming.subject, "topic": topic, "community": community,
        "topic_url": settings.SITE_URL + topic.get_absolute_url() if topic else "",
        "token_days": settings.MAIL_IN_TOKEN_DAYS,
        "max_mb": max(1, settings.MAIL_IN_MAX_BYTES // (1024 * 1024)),
    }
    headers = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    if incoming.message_id:
        headers |= {"In-Reply-To": incoming.message_id, "References": incoming.message_id}
    language = language_of(refusal.user) if refusal.user else settings.LANGUAGE_CODE
    send_after_commit(to=[to], template="conversations/email/refused", context=context,
                      language=language, headers=headers)
