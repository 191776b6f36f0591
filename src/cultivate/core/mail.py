from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from cultivate.core.i18n import language_of


def render_mail(template: str, context: dict, language: str | None = None) -> tuple[str, str]:
    """The subject and plain-text body of `<template>_subject.txt` and `<template>_body.txt`,
    in `language` (the recipient's: core.i18n.language_of) or the current one."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or translation.get_language()):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        return subject, render_to_string(f"{template}_body.txt", context)


def send_after_commit(*, to: list[str], template: str, context: dict,
                      language: str | None = None) -> None:
    """Send a plain-text mail once the surrounding transaction commits (never for a rollback)."""
    subject, body = render_mail(template, context, language)

    def deliver():
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)

    transaction.on_commit(deliver)


def send_to_people_after_commit(people, *, template: str, context: dict) -> None:
    """One mail per language among `people` (who have `email` and `language`), on commit."""
    by_language: dict[str, list[str]] = {}
    for person in people:
        by_language.setdefault(language_of(person), []).append(person.email)
    for language, to in sorted(by_language.items()):
        send_after_commit(to=sorted(set(to)), template=template, context=context,
                          language=language)


def list_message(*, to: str, template: str, context: dict, unsubscribe_url: str,
                 list_id: str, language: str | None = None) -> EmailMessage:
    """A message from a mailing list, with RFC 2369 / RFC 8058 one-click unsubscribe headers."""
    subject, body = render_mail(template, {**context, "unsubscribe_url": unsubscribe_url},
                                language)
    headers = {
        "List-Id": f"<{list_id}>",
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers=headers)


def send_messages(messages: list[EmailMessage]) -> int:
    """Send many messages over one connection."""
    if not messages:
        return 0
    with get_connection(fail_silently=False) as connection:
        return connection.send_messages(messages)


def send_messages_after_commit(messages: list[EmailMessage]) -> None:
    if messages:
        transaction.on_commit(lambda: send_messages(messages))
