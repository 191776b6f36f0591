"""Invitations leave through a real SMTP server (aiosmtpd on loopback)."""

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from cultivate.communities.actions import do_invite_member


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_invitation_is_delivered_over_smtp(smtp_server, make_user, make_community):
    ana = make_user("ana", display_name="Ana Lima")
    community = make_community(ana, name="Humanitarian Logistics")
    invitation = do_invite_member(actor=ana, community=community, email="cleo@example.org",
                                  message="We would love your field experience.")
    assert len(smtp_server.messages) == 1
    delivered = smtp_server.messages[0]
    assert delivered["To"] == "cleo@example.org"
    assert "Humanitarian Logistics" in delivered["Subject"]
    body = delivered.get_payload(decode=True).decode()
    assert f"/invitations/{invitation.token}/" in body
    assert "Ana Lima invites you" in body


@pytest.mark.django_db(transaction=True)
def test_no_mail_when_the_transaction_rolls_back(smtp_server, make_user, make_community):
    from django.db import transaction

    ana = make_user("ana")
    community = make_community(ana, name="Humanitarian Logistics")
    with pytest.raises(RuntimeError), transaction.atomic():
        do_invite_member(actor=ana, community=community, email="cleo@example.org")
        raise RuntimeError("something later failed")
    assert smtp_server.messages == []
