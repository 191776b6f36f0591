"""Sending mail: rendered in the recipient's language, after the transaction commits, and never
to an address that keeps bouncing (MailBounce: every path here checks it, just before sending)."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cultivate.core.i18n import language_of
from cultivate.core.models import MailBounce


def render_mail(template: str, context: dict, language: str | None = None) -> tuple[str, str]:
    """The subject and plain-text body of `<template>_subject.txt` and `<template>_body.txt`,
    in `language` (the recipient's: core.i18n.language_of) or the current one."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or translation.get_language()):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        return subject, render_to_string(f"{template}_body.txt", context)


def send_after_commit(*, to: list[str], template: str, context: dict,
                      language: str | None = None, headers: dict | None = None) -> None:
    """Send a plain-text mail once the surrounding transaction commits (never for a rollback)."""
    subject, body = render_mail(template, context, language)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, list(to),
                           headers=headers or {})
    transaction.on_commit(lambda: send_messages([message]))


def send_to_people_after_commit(people, *, template: str, context: dict) -> None:
    """One mail per language among `people` (who have `email` and `language`), on commit."""
    by_language: dict[str, list[str]] = {}
    for person in people:
        by_language.setdefault(language_of(person), []).append(person.email)
    for language, to in sorted(by_language.items()):
        send_after_commit(to=sorted(set(to)), template=template, context=context,
                          language=language)


def list_message(*, to: str, template: str, context: dict, unsubscribe_url: str,
                 list_id: str, language: str | None = None,
                 headers: dict | None = None, reply_to: str = "") -> EmailMessage:
    """A message from a mailing list, with RFC 2369 / RFC 8058 one-click unsubscribe headers
    (and whatever threading headers the caller adds)."""
    subject, body = render_mail(template, {**context, "unsubscribe_url": unsubscribe_url},
                                language)
    headers = {
        "List-Id": f"<{list_id}>",
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        **(headers or {}),
    }
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers=headers,
                        reply_to=[reply_to] if reply_to else None)


def send_messages(messages: list[EmailMessage]) -> int:
    """Send many messages over one connection, leaving out addresses whose mail is off."""
    messages = _without_suppressed(messages)
    if not messages:
        return 0
    with get_connection(fail_silently=False) as connection:
        return connection.send_messages(messages)


def send_messages_after_commit(messages: list[EmailMessage]) -> None:
    if messages:
        transaction.on_commit(lambda: send_messages(messages))


# --- bounces -------------------------------------------------------------------------------

def suppressed_among(addresses) -> set[str]:
    """The addresses (lowercased) Cultivate no longer mails because they kept bouncing."""
    wanted = {address.strip().lower() for address in addresses if address}
    if not wanted:
        return set()
    return set(MailBounce.objects.filter(email__in=wanted, suppressed_at__isnull=False)
               .values_list("email", flat=True))


def _without_suppressed(messages: list[EmailMessage]) -> list[EmailMessage]:
    off = suppressed_among(address for message in messages for address in message.recipients())
    if not off:
        return list(messages)
    kept = []
    for message in messages:
        message.to = [a for a in message.to if a.lower() not in off]
        message.cc = [a for a in message.cc if a.lower() not in off]
        message.bcc = [a for a in message.bcc if a.lower() not in off]
        if message.recipients():
            kept.append(message)
    return kept


def record_bounce(address: str, reason: str = "", *, now=None) -> MailBounce:
    """Count one more bounce in a row; at settings.MAIL_BOUNCE_LIMIT mail to it stops."""
    now = now or timezone.now()
    email = address.strip().lower()
    bounce, _created = MailBounce.objects.get_or_create(email=email)
    MailBounce.objects.filter(pk=bounce.pk).update(
        bounces_in_row=F("bounces_in_row") + 1, last_bounce_at=now, last_reason=reason[:300])
    bounce.refresh_from_db()
    if bounce.suppressed_at is None and bounce.bounces_in_row >= settings.MAIL_BOUNCE_LIMIT:
        bounce.suppressed_at = now
        bounce.save(update_fields=["suppressed_at"])
    return bounce


def reset_bounces(address: str) -> None:
    """The address works (mail came from it): the count starts again; mail stays off if the
    owner has not turned it back on, since sending working does not prove receiving does."""
    MailBounce.objects.filter(email=address.strip().lower()).update(bounces_in_row=0)


def resume_mail(address: str) -> bool:
    """Mail the address again, bounce count cleared. True when it was off."""
    rows = MailBounce.objects.filter(email=address.strip().lower())
    was_off = rows.filter(suppressed_at__isnull=False).exists()
    rows.delete()
    return was_off


def mail_off_for(address: str) -> MailBounce | None:
    if not address:
        return None
    return MailBounce.objects.filter(email=address.strip().lower(),
                                     suppressed_at__isnull=False).first()
