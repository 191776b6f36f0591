"""A member answers a topic from their mail program: the mail goes through the real listener
(SMTP, or LMTP as a Postfix relay speaks it) on a free port, and the reply is on the topic page,
without the quoted mail below it."""

import smtplib
import socket
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.test import Client

from cultivate.communities.actions import do_join_community
from cultivate.conversations.actions import do_start_topic
from cultivate.conversations.reply_address import reply_address
from cultivate.core.mail_listener import MailListener

pytestmark = pytest.mark.django_db(transaction=True)  # the listener writes from its thread


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def conversation(settings, make_user, make_community):
    settings.MAIL_IN_DOMAIN = "cop.example.org"
    convener, member = make_user("anahit"), make_user("milica")
    community = make_community(convener, "Budget Practitioners")
    do_join_community(actor=member, community=community)
    topic = do_start_topic(actor=convener, community=community, kind="question",
                           title="Which cash plans held?",
                           body="Which cash plan survived a mid-year cut?")
    return member, topic


def mail_from(member, to: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Milica <{member.email}>"
    message["To"] = to
    message["Subject"] = "Re: Which cash plans held?"
    message["Message-ID"] = make_msgid(domain="example.org")
    message.set_content(body)
    return message


QUOTED = ("\n\nOn Mon, 3 Mar 2025 at 09:12, Anahit <anahit@example.org> wrote:\n"
          "> Which cash plan survived a mid-year cut?\n")


def test_a_reply_by_smtp_is_a_post_on_the_topic_page(conversation):
    member, topic = conversation
    to = reply_address(member, topic=topic)
    with MailListener(f"smtp://127.0.0.1:{free_port()}") as listener:
        with smtplib.SMTP("127.0.0.1", listener.address.port) as client:
            refused = client.send_message(
                mail_from(member, to, "Ours did: a monthly review of the cash plan." + QUOTED),
                from_addr=member.email, to_addrs=[to])
    assert refused == {}
    page = Client().get(topic.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ours did: a monthly review of the cash plan." in text
    assert "3 Mar 2025" not in text  # the quoted mail is gone
    reply = topic.posts.order_by("-pk").first()
    assert reply.author == member and not reply.is_opening


def test_a_relay_speaking_lmtp_hears_delivered_for_each_reply(conversation, make_user):
    member, topic = conversation
    other = make_user("kwame")
    do_join_community(actor=other, community=topic.community)
    to_member, to_other = reply_address(member, topic=topic), reply_address(other, topic=topic)
    with MailListener(f"lmtp://127.0.0.1:{free_port()}") as listener:
        with smtplib.LMTP("127.0.0.1", listener.address.port) as client:
            client.ehlo()
            client.mail(member.email)
            client.rcpt(to_member)
            client.rcpt(to_other)
            first = client.data(mail_from(member, to_member, "Ours held too.").as_string())
            second = client.getreply()
    # Both recipients are handled and told 250; only the sender's own address posts (the
    # other one is refused by mail, not by SMTP, so the relay does not bounce it).
    assert (first[0], second[0]) == (250, 250)
    page = Client().get(topic.get_absolute_url()).content.decode()
    assert page.count("Ours held too.") == 1
