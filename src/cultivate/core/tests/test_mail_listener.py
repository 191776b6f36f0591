"""The inbound SMTP and LMTP listeners on real sockets, spoken to with smtplib, and
`cultivate mail-in --stdin` for pipe transports: what a relay is told for each message."""

import io
import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from cultivate.core import inbound
from cultivate.core.inbound import Delivery
from cultivate.core.mail_listener import ListenAddress, MailListener, parse_listen

pytestmark = pytest.mark.django_db(transaction=True)  # handlers run in worker threads

CULTIVATE = Path(sys.executable).with_name("cultivate")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """A handler that keeps what it was given and answers what the test says: a Delivery,
    or an exception to raise."""

    def __init__(self):
        self.delivered: list[tuple[bytes, str, list[str]]] = []
        self.answers: dict[str, object] = {}  # recipient -> Delivery or exception

    def __call__(self, raw: bytes, sender: str, recipients: list[str]) -> Delivery:
        answer = self.answers.get(recipients[0], Delivery(accepted=True))
        if isinstance(answer, Exception):
            raise answer
        if answer == "query a missing table":
            with connection.cursor() as cursor:  # a real database error, from the real database
                cursor.execute("SELECT * FROM no_such_table_for_mail")
        if answer.accepted:
            self.delivered.append((raw, sender, recipients))
        return answer


@pytest.fixture
def handler():
    previous = inbound._handler
    recorder = Recorder()
    inbound.set_handler(recorder)
    yield recorder
    inbound._handler = previous


@pytest.fixture
def smtp_listener(handler, settings):
    settings.MAIL_IN_MAX_BYTES = 50_000
    with MailListener(f"smtp://127.0.0.1:{free_port()}") as listener:
        yield listener


@pytest.fixture
def lmtp_listener(handler, settings):
    settings.MAIL_IN_MAX_BYTES = 50_000
    with MailListener(f"lmtp://127.0.0.1:{free_port()}") as listener:
        yield listener


def reply(body: str = "Thanks, that worked for us too.", to: str = "reply+abc@cop.example.org"):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "ana@example.org", to, "Re: Cash plans"
    message.set_content(body)
    return message


def test_a_reply_sent_over_smtp_reaches_the_handler_whole(smtp_listener, handler):
    with smtplib.SMTP("127.0.0.1", smtp_listener.address.port) as client:
        refused = client.send_message(reply("Ours held, with a monthly review. Čestitke!"),
                                      from_addr="ana@example.org",
                                      to_addrs=["reply+abc@cop.example.org"])
    assert refused == {}
    [(raw, sender, recipients)] = handler.delivered
    assert (sender, recipients) == ("ana@example.org", ["reply+abc@cop.example.org"])
    parsed = BytesParser(policy=default_policy).parsebytes(raw)
    assert parsed["Subject"] == "Re: Cash plans"
    assert "Čestitke!" in parsed.get_content()


def test_the_size_limit_is_announced_and_enforced(smtp_listener, handler):
    with smtplib.SMTP("127.0.0.1", smtp_listener.address.port) as client:
        client.ehlo()
        assert client.has_extn("size") and client.esmtp_features["size"] == "50000"
        # A client that says the size first is refused before it sends anything...
        code, _ = client.mail("ana@example.org", ["SIZE=60000"])
        assert code == 552
        client.rset()
        # ...one that does not is refused at the end of DATA.
        assert client.mail("ana@example.org")[0] == 250
        assert client.rcpt("reply+abc@cop.example.org")[0] == 250
        code, said = client.data(reply(("x" * 70 + "\n") * 900).as_string())
    assert code == 552, said
    assert handler.delivered == []


def test_a_failing_database_asks_the_relay_to_try_again(smtp_listener, handler):
    handler.answers["reply+abc@cop.example.org"] = "query a missing table"
    with smtplib.SMTP("127.0.0.1", smtp_listener.address.port) as client:
        with pytest.raises(smtplib.SMTPDataError) as later:
            client.send_message(reply())
        assert later.value.smtp_code == 451
        # The relay retries once the database is back, on the same connection even.
        del handler.answers["reply+abc@cop.example.org"]
        assert client.send_message(reply()) == {}
    assert len(handler.delivered) == 1


def test_a_handler_refusal_is_permanent_and_says_why(smtp_listener, handler):
    handler.answers["nobody@cop.example.org"] = Delivery(accepted=False,
                                                         reason="unknown address")
    with smtplib.SMTP("127.0.0.1", smtp_listener.address.port) as client:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.send_message(reply(to="nobody@cop.example.org"))
    assert refused.value.smtp_code == 550
    assert b"unknown address" in refused.value.smtp_error


def test_lmtp_answers_each_recipient_on_its_own(lmtp_listener, handler):
    handler.answers["gone@cop.example.org"] = Delivery(accepted=False, reason="unknown address")
    handler.answers["later@cop.example.org"] = ConnectionError("database restarting")
    recipients = ["reply+a@cop.example.org", "gone@cop.example.org", "later@cop.example.org"]
    with smtplib.LMTP("127.0.0.1", lmtp_listener.address.port) as client:
        code, _ = client.ehlo()  # smtplib's LMTP sends LHLO
        assert code == 250
        assert client.mail("ana@example.org")[0] == 250
        for recipient in recipients:
            assert client.rcpt(recipient)[0] == 250
        first = client.data(reply(to=", ".join(recipients)).as_string())
        replies = [first, client.getreply(), client.getreply()]
    assert [code for code, _ in replies] == [250, 550, 451]
    assert [recipients for _raw, _sender, recipients in handler.delivered] == [
        ["reply+a@cop.example.org"]]


def test_lmtp_refuses_what_is_too_large_for_every_recipient(lmtp_listener, handler):
    with smtplib.LMTP("127.0.0.1", lmtp_listener.address.port) as client:
        client.ehlo()
        client.mail("ana@example.org")
        client.rcpt("reply+a@cop.example.org")
        code, _ = client.data(reply(("y" * 70 + "\n") * 900).as_string())
    assert code == 552
    assert handler.delivered == []


def test_listen_addresses_are_read_and_bad_ones_explained():
    assert parse_listen("lmtp://127.0.0.1:2424") == ListenAddress("lmtp", "127.0.0.1", 2424)
    assert parse_listen("smtp://[::1]:2525") == ListenAddress("smtp", "::1", 2525)
    assert str(parse_listen("smtp://0.0.0.0")) == "smtp://0.0.0.0:25"
    for wrong in ("http://127.0.0.1:25", "127.0.0.1:2525", "smtp://host:port"):
        with pytest.raises(ImproperlyConfigured, match="MAIL_IN_LISTEN"):
            parse_listen(wrong)


# --- `cultivate mail-in --stdin`: one message from a pipe transport ------------------------


def run_stdin(monkeypatch, raw: bytes, *arguments: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    try:
        call_command("mail_in", "--stdin", *arguments, stderr=io.StringIO())
    except SystemExit as exit_:
        return exit_.code
    return 0


def test_stdin_exit_codes_tell_the_pipe_what_to_do(monkeypatch, handler, settings):
    settings.MAIL_IN_MAX_BYTES = 50_000
    envelope = ("--sender=ana@example.org", "--recipient=reply+abc@cop.example.org")
    assert run_stdin(monkeypatch, reply().as_bytes(), *envelope) == 0
    [(raw, sender, recipients)] = handler.delivered
    assert (sender, recipients) == ("ana@example.org", ["reply+abc@cop.example.org"])
    assert b"Subject: Re: Cash plans" in raw

    too_large = reply(("z" * 70 + "\n") * 900).as_bytes()
    assert run_stdin(monkeypatch, too_large, *envelope) == 65
    assert run_stdin(monkeypatch, b"\n", *envelope) == 65  # empty
    handler.answers["reply+abc@cop.example.org"] = Delivery(accepted=False, reason="no topic")
    assert run_stdin(monkeypatch, reply().as_bytes(), *envelope) == 65
    handler.answers["reply+abc@cop.example.org"] = "query a missing table"
    assert run_stdin(monkeypatch, reply().as_bytes(), *envelope) == 75  # Postfix keeps it
    assert len(handler.delivered) == 1


def test_stdin_needs_a_recipient(monkeypatch, handler):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--recipient"):
        run_stdin(monkeypatch, reply().as_bytes(), "--sender=ana@example.org")


def test_the_command_listens_in_the_foreground_until_stopped(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"CULTIVATE_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "cultivate.settings",
            "CULTIVATE_MAIL_IN_MAX_BYTES": "123456"}
    process = subprocess.Popen(  # noqa: S603 - our own command
        [str(CULTIVATE), "mail-in", "--listen", f"lmtp://127.0.0.1:{port}"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first_line = process.stdout.readline()
        assert f"Receiving mail at lmtp://127.0.0.1:{port}" in first_line
        with smtplib.LMTP("127.0.0.1", port) as client:
            client.ehlo()
            assert client.esmtp_features["size"] == "123456"
        process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert process.returncode == 0, process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
