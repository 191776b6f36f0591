"""Inbound mail, from receipt to a visible post, through the real SMTP listener (issue 18).

    .venv/bin/python bench/mail_in.py [--database-url URL] [--data-dir DIR] [--mails 1000]
        [--warmup 8] [--members 50] [--connections 4] [--protocol smtp|lmtp]
        [--write docs/benchmarks.md] [--section mail-in]

Builds a community with one topic and `--members` members (in a fresh SQLite data directory
unless told otherwise), starts the real listener (core/mail_listener.py) in this process on a
free loopback port, and sends `--mails` replies, each from a member to their own signed reply
address, over `--connections` concurrent SMTP connections. For each mail it records when the
client began the transaction (MAIL FROM: the listener's receipt), when the listener answered
250, and when the post was first readable from the database through another connection
(polled every 2 ms). A few warm-up mails go first, one at a time, and are reported apart.
Target: receipt to readable <= 1 s for every mail. Exits 0 either way: a measurement, not a
test.
"""

import argparse
import os
import platform
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from benchenv import setup_django  # noqa: E402 - after the path is set

TARGET_SECONDS = 1.0
DOMAIN = "bench-mail.example.org"
SLUG = "bench-mail-in"
POLL_SECONDS = 0.002
GIVE_UP_SECONDS = 30  # a post not readable by then counts as lost


@dataclass
class Timing:
    transaction: float  # MAIL FROM sent to 250 received
    after_reply: float  # 250 received to the post readable
    refused: str = ""

    @property
    def receipt_to_readable(self) -> float:
        return self.transaction + self.after_reply


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in the data dir")
    parser.add_argument("--data-dir", help="CULTIVATE_DATA_DIR (default: a new temporary one)")
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--connections", type=int, default=4,
                        help="concurrent SMTP client connections")
    parser.add_argument("--warmup", type=int, default=8,
                        help="mails sent first, one at a time, and not counted")
    parser.add_argument("--protocol", choices=("smtp", "lmtp"), default="smtp")
    parser.add_argument("--write", type=Path, help="update this Markdown file's section")
    parser.add_argument("--section",
                        help="marker name (default: mail-in, or mail-in-pg on PostgreSQL)")
    args = parser.parse_args()
    if not (1 <= args.mails <= 100_000 and 1 <= args.members <= 10_000
            and 1 <= args.connections <= 32):
        parser.error("--mails 1..100000, --members 1..10000, --connections 1..32")
    return args


def prepare(args) -> None:
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="cultivate-mail-in-")
    os.environ["CULTIVATE_MAIL_IN_DOMAIN"] = DOMAIN
    os.environ["CULTIVATE_WARM_UP"] = "0"
    os.environ.pop("DEBUG", None)  # DEBUG keeps every query in memory
    setup_django(args.database_url, data_dir)
    from django.conf import settings
    from django.core.management import call_command

    # Refusal answers would go to the console; none are expected, none are wanted here.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)


def build_community(members: int):
    """The bench community, its topic and its members (reused when they exist)."""
    from allauth.account.models import EmailAddress

    from cultivate.communities.actions import do_create_community, do_join_community
    from cultivate.communities.models import Community
    from cultivate.conversations.actions import do_start_topic
    from cultivate.people.models import User

    def person(username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username, email=f"{username}@example.org", password=None,
                date_joined=datetime.now(UTC) - timedelta(days=30))
            EmailAddress.objects.create(user=user, email=user.email, verified=True,
                                        primary=True)
        return user

    convener = person("mailbench-convener")
    community = Community.objects.filter(slug=SLUG).first() or do_create_community(
        actor=convener, name="Bench Mail In", slug=SLUG,
        charter_domain="Replies by mail.", charter_community="Members who answer by mail.",
        charter_practice="Answering from the inbox.", visibility="public", join_policy="open")
    people = []
    for number in range(members):
        member = person(f"mailbench-{number}")
        if not community.memberships.filter(user=member).exists():
            do_join_community(actor=member, community=community)
        people.append(member)
    topic = community.topics.order_by("pk").first() or do_start_topic(
        actor=convener, community=community, kind="question", title="What held in your budget?",
        body="Tell us what held when the mid-year cut came.")
    return topic, people


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reply_mail(member, to: str, number: int) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"] = member.email, to
    message["Subject"] = "Re: What held in your budget?"
    message["Message-ID"] = make_msgid(idstring=f"bench{number}", domain="example.org")
    message.set_content(f"Reply {number}: the monthly review held.\n\n"
                        f"On Mon, 3 Mar 2025, Convener <mailbench-convener@example.org> wrote:\n"
                        f"> Tell us what held when the mid-year cut came.\n")
    return message


def readable(message_id: str) -> bool:
    from cultivate.conversations.models import InboundMail

    return InboundMail.objects.filter(message_id=message_id, outcome="posted",
                                      post__deleted_at__isnull=True).exists()


def send_share(port: int, protocol: str, mails: list[tuple[str, str, EmailMessage]],
               timings: list[Timing], lock: threading.Lock) -> None:
    """One client connection sending its share of the mails one after another."""
    from django import db

    client_class = smtplib.LMTP if protocol == "lmtp" else smtplib.SMTP
    with client_class("127.0.0.1", port, timeout=60) as client:
            for sender, to, message in mails:
                started = time.perf_counter()
                refused = ""
                try:
                    client.send_message(message, from_addr=sender, to_addrs=[to])
                except smtplib.SMTPException as error:
                    refused = str(error)
                answered = time.perf_counter()
                while not refused and not readable(message["Message-ID"]):
                    if time.perf_counter() - answered > GIVE_UP_SECONDS:
                        refused = "not readable in time"
                        break
                    time.sleep(POLL_SECONDS)
                seen = time.perf_counter()
                db.connection.close()  # back to the pool the listener draws from too
                with lock:
                    timings.append(Timing(answered - started, seen - answered, refused))


def measure(args, topic, people) -> tuple[list[Timing], list[Timing], float]:
    """(the warm-up's timings, the measured ones, the measured run's seconds)"""
    from django import db

    from cultivate.conversations.reply_address import reply_address
    from cultivate.core.mail_listener import MailListener

    mails = []
    for number in range(args.warmup + args.mails):
        member = people[number % len(people)]
        to = reply_address(member, topic=topic)
        mails.append((member.email, to, reply_mail(member, to, number)))
    warmup, mails = mails[:args.warmup], mails[args.warmup:]
    shares = [mails[index::args.connections] for index in range(args.connections)]
    db.connection.close()  # this thread waits from here: its connection back to the pool
    timings: list[Timing] = []
    warm: list[Timing] = []
    lock = threading.Lock()
    with MailListener(f"{args.protocol}://127.0.0.1:{free_port()}") as listener:
        # The first mails load the mail parsing libraries and fill the connection pool.
        send_share(listener.address.port, args.protocol, warmup, warm, lock)
        started = time.perf_counter()
        with ThreadPoolExecutor(args.connections) as pool:
            for future in [pool.submit(send_share, listener.address.port, args.protocol,
                                       share, timings, lock) for share in shares]:
                future.result()
        elapsed = time.perf_counter() - started
    return warm, timings, elapsed


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def database_version(connection) -> str:
    if connection.vendor != "postgresql":
        import sqlite3

        return sqlite3.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,  # noqa: S607
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        return "unknown"


def report(args, warm: list[Timing], timings: list[Timing], elapsed: float,
           members: int) -> tuple[str, bool]:
    from django.db import connection

    from cultivate.core.mail_listener import worker_threads

    delivered = [t for t in timings if not t.refused]
    lost = len(timings) - len(delivered)
    rows = []
    for label, values in (
            ("receipt to readable (MAIL FROM to post in the database)",
             [t.receipt_to_readable for t in delivered]),
            ("SMTP transaction (MAIL FROM to 250)", [t.transaction for t in delivered]),
            ("250 to readable", [t.after_reply for t in delivered])):
        if values:
            rows.append(f"| {label} | {statistics.median(values) * 1000:.1f} | "
                        f"{percentile(values, 0.95) * 1000:.1f} | {max(values) * 1000:.1f} |")
    worst = max((t.receipt_to_readable for t in delivered), default=float("inf"))
    met = not lost and worst <= TARGET_SECONDS
    engine = connection.vendor
    version = database_version(connection)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    body = "\n".join([
        f"## Inbound mail, receipt to visible post (issue 18), {engine}", "",
        f"Measured {when} with `bench/mail_in.py --mails {args.mails} --warmup {args.warmup} "
        f"--members {members} --connections {args.connections} --protocol {args.protocol}`: "
        f"the real {args.protocol.upper()} listener (core/mail_listener.py, "
        f"{worker_threads()} delivery threads) in the benchmark's process on loopback; each "
        "mail a member's reply to their own signed reply address, with a quoted mail to "
        "strip, into one topic. The conversations handler checks the token and the sender, "
        "strips the quote, writes the post and its log row in one transaction, then the "
        "listener answers 250. Readable: the post found through another database connection "
        "(polled every 2 ms).", "",
        f"- Database: {engine} {version}",
        f"- {len(delivered):,} of {len(timings):,} mails posted, {lost} refused or lost; "
        f"{len(delivered) / elapsed:.0f} mails a second over {args.connections} connections",
        f"- Before them, {len(warm)} mails one at a time, not counted (the first mails after "
        "the start load the mail parsing libraries and open database connections): slowest "
        f"{max((t.receipt_to_readable for t in warm), default=0) * 1000:.0f} ms",
        f"- Code: commit {commit()}; {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, load average {load:.1f}", "",
        "| Time per mail | median ms | p95 ms | max ms |",
        "|---|--:|--:|--:|", *rows, "",
        f"Target: every mail readable <= {TARGET_SECONDS:g} s after its receipt: "
        f"**{'met' if met else 'missed'}** (max {worst * 1000:.0f} ms).", ""])
    return body, met


def main() -> None:
    args = parse_args()
    prepare(args)
    topic, people = build_community(args.members)
    warm, timings, elapsed = measure(args, topic, people)
    body, _met = report(args, warm, timings, elapsed, len(people))
    print(body)
    if args.write:
        from django.db import connection

        from pages import write_section

        default = "mail-in-pg" if connection.vendor == "postgresql" else "mail-in"
        write_section(args.write, args.section or default, body)


if __name__ == "__main__":
    main()
