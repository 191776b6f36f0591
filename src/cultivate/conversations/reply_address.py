"""The addresses members write to: `reply+<token>@<domain>` answers a topic (or a post),
`<community slug>@<domain>` starts a topic (docs/email-in.md).

A token names the person, the topic and maybe the post, and when it was issued; an HMAC under
its own salt signs it, so nobody can forge an address that posts as someone else, and it
expires after settings.MAIL_IN_TOKEN_DAYS. It is lowercase base 36 and base 32 only, so a mail
server that lowercases the local part changes nothing, and at most 58 characters, so
`reply+<token>` fits the 64 characters RFC 5321 allows a local part.
"""

import base64
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlparse

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

REPLY_PREFIX = "reply+"
SALT = "cultivate.conversations.reply_address"
SIGNATURE_BYTES = 10  # 80 bits: 16 base-32 characters
MAX_LOCAL_PART = 64


@dataclass(frozen=True)
class ReplyTarget:
    """What a valid reply address names."""

    user_id: int
    topic_id: int
    post_id: int | None
    issued_at: datetime

    @property
    def expires_at(self) -> datetime:
        return self.issued_at + timedelta(days=settings.MAIL_IN_TOKEN_DAYS)


def mail_domain() -> str:
    """The domain of our addresses: MAIL_IN_DOMAIN, else SITE_URL's host. Read at each call:
    `cultivate run --port` changes SITE_URL after settings load."""
    return (settings.MAIL_IN_DOMAIN
            or (urlparse(settings.SITE_URL).hostname or "localhost")).lower()


def address_domain() -> str:
    """The domain as it is written in an address: an IP address (an embedded site served on
    127.0.0.1) becomes an address literal, `[127.0.0.1]`, as RFC 5321 wants."""
    domain = mail_domain()
    try:
        ipaddress.ip_address(domain)
    except ValueError:
        return domain
    return f"[{domain}]"


def is_our_domain(domain: str) -> bool:
    return domain.strip().strip("[]").lower() == mail_domain()


def reply_address(user, *, topic=None, post=None, now: datetime | None = None) -> str:
    """Where a reply by mail goes: answering `post` (in its topic), or `topic`."""
    if post is not None:
        topic_id, post_id = post.topic_id, post.pk
    elif topic is not None:
        topic_id, post_id = topic.pk, None
    else:
        raise ValueError("a reply address needs a topic or a post")
    issued = int((now or timezone.now()).timestamp())
    payload = ".".join(_base36(n) for n in (user.pk, topic_id, post_id or 0, issued))
    local = f"{REPLY_PREFIX}{payload}.{_sign(payload)}"
    if len(local) > MAX_LOCAL_PART:  # only with ids beyond 36**8; still refuse to send junk
        raise ValueError("reply token too long")
    return f"{local}@{address_domain()}"


def community_address(community) -> str:
    """Where members of the community start a topic by mail."""
    return f"{community.slug}@{address_domain()}"


def read_reply_address(address: str, *, now: datetime | None = None) -> ReplyTarget | None:
    """The target of a reply address we signed and that has not expired; None otherwise."""
    target = decode(address)
    if target is None or is_expired(target, now=now):
        return None
    return target


def decode(address: str) -> ReplyTarget | None:
    """The target of a reply address we signed, expired or not (mail_in tells the two
    refusals apart); None for anything else."""
    local = local_part(address)
    if not local.startswith(REPLY_PREFIX):
        return None
    payload, _dot, signature = local.removeprefix(REPLY_PREFIX).rpartition(".")
    if not payload or not hmac.compare_digest(signature, _sign(payload)):
        return None
    try:
        user_id, topic_id, post_id, issued = (int(part, 36) for part in payload.split("."))
    except ValueError:
        return None
    return ReplyTarget(user_id=user_id, topic_id=topic_id, post_id=post_id or None,
                       issued_at=datetime.fromtimestamp(issued, tz=UTC))


def is_expired(target: ReplyTarget, *, now: datetime | None = None) -> bool:
    return (now or timezone.now()) >= target.expires_at


def local_part(address: str) -> str:
    """The lowercased part before the @ of an address, with or without a display name."""
    address = parseaddr(address or "")[1] or (address or "").strip()
    return (address.rpartition("@")[0] if "@" in address else address).lower()


def _sign(payload: str) -> str:
    digest = salted_hmac(SALT, payload, algorithm="sha256").digest()[:SIGNATURE_BYTES]
    return base64.b32encode(digest).decode("ascii").lower()


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if number < 0:
        raise ValueError("negative id")
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text
