from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


def send_after_commit(*, to: list[str], template: str, context: dict) -> None:
    """Send a plain-text mail once the surrounding transaction commits (never for a rollback).

    `template` names a pair: `<template>_subject.txt` and `<template>_body.txt`.
    """
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)

    def deliver():
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)

    transaction.on_commit(deliver)
