"""How fast `cultivate import-mbox` imports a mailing-list archive (issue 18).

    .venv/bin/python bench/mbox_import.py [--messages 100000] [--database-url URL]
        [--data-dir DIR] [--seed 18] [--write docs/benchmarks.md] [--section mbox-import]

Writes a generated mbox (seeded random): threads of one to forty messages by 2,000 people over
years, replies that quote their parent under an "On ... wrote:" line, signatures, some HTML-only
messages, some without Message-ID or threading headers, a few small attachments. Then imports
it into a fresh community of an empty database (SQLite in a new data directory by default;
`--database-url postgres://...` for PostgreSQL, whose tables are emptied first) with
`do_import_mbox`, the function the command calls, and reports messages a second.
Target: >= 2,000 messages a second. Exits 0 either way: a measurement, not a test.
"""

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from benchenv import setup_django  # noqa: E402 - after the path is set

TARGET = 2_000  # messages a second
LOAD: list[float] = []  # the machine's 1-minute load average as the import starts and ends
LIST = "practice-l"
WORDS = ("budget reform indicator evaluation logistics warehouse convoy ministry audit "
         "procurement pilot rollout training facilitation workshop baseline survey outcome "
         "impact community practice learning peer review case clinic field visit dashboard "
         "medium-term framework costing gender tagging supply chain cold storage fleet "
         "district health water sanitation school nutrition data quality report").split()
FIRST = ("Amina Bruno Chen Dana Efua Farid Grace Hugo Ines Jonas Kofi Lena Mateo Nadia Omar "
         "Priya Quentin Rosa Samir Tariq Uma Victor Wanjiru Xavier Yara Zeno").split()
LAST = ("Okafor Silva Wang Novak Mensah Haddad Kim Laurent Costa Berg Asante Weber Rossi "
        "Karimi Aziz Patel Moreau Diaz Nasser Ali Rao Petrov Kamau Dubois Haddad Zhou").split()
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--database-url", help="default: SQLite in a new data directory")
    parser.add_argument("--data-dir", help="CULTIVATE_DATA_DIR (default: a new one)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--write", type=Path, help="update this Markdown file's section")
    parser.add_argument("--section", default="mbox-import")
    return parser.parse_args()


# --- the archive ------------------------------------------------------------------------

def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    lines, line = [], []
    for word in " ".join(sentence(rng, rng.randint(6, 16))
                         for _ in range(rng.randint(1, 4))).split():
        line.append(word)
        if sum(len(w) + 1 for w in line) > 66:  # mail clients wrap at about 72
            lines.append(" ".join(line))
            line = []
    return "\n".join([*lines, " ".join(line)]).strip()


def write_mbox(path: Path, count: int, seed: int = 18) -> dict:
    """Write `count` messages to an mbox; returns what was written (messages, threads)."""
    rng = random.Random(seed)
    people = [(f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"person{n}@example.org")
              for n in range(2_000)]
    when = datetime(2012, 1, 1, 8, tzinfo=UTC)
    threads, written = 0, 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        while written < count:
            threads += 1
            size = min(count - written, max(1, int(rng.expovariate(1 / 5))), 40)
            subject = sentence(rng, rng.randint(3, 7)).rstrip(".")
            thread: list[tuple[str, str, str]] = []  # (message id, name, body)
            for n in range(size):
                when += timedelta(minutes=rng.randint(1, 90))
                name, address = rng.choice(people)
                message_id = f"{threads}.{n}.{seed}@generated.example.org"
                parent = rng.choice(thread) if thread else None
                body = "\n\n".join(paragraph(rng) for _ in range(rng.randint(1, 3)))
                text = body
                if parent is not None:
                    quoted = "\n".join("> " + line for line in parent[2].splitlines())
                    text = (f"{body}\n\nOn {format_datetime(when - timedelta(hours=1))}, "
                            f"{parent[1]} wrote:\n{quoted}\n")
                text += f"\n-- \n{name}\n{rng.choice(WORDS).capitalize()} programme\n"
                headers = [f"From: {name} <{address}>", f"To: {LIST}@lists.example.org",
                           f"Subject: {'Re: ' if parent else ''}[{LIST}] {subject}",
                           f"Date: {format_datetime(when)}"]
                anonymous = rng.random() < 0.01  # old archives lose headers
                if not anonymous:
                    headers.append(f"Message-ID: <{message_id}>")
                    if parent is not None:
                        headers += [f"In-Reply-To: <{parent[0]}>",
                                    f"References: <{thread[0][0]}> <{parent[0]}>"]
                out.write(f"From {address} {when:%a %b %d %H:%M:%S %Y}\n")
                out.write("\n".join(headers) + "\nMIME-Version: 1.0\n")
                out.write(_body_part(rng, text))
                out.write("\n")
                thread.append((message_id, name, body))
                written += 1
    return {"messages": written, "threads": threads}


def _body_part(rng: random.Random, text: str) -> str:
    text = text.replace("\nFrom ", "\n>From ")
    roll = rng.random()
    if roll < 0.05:  # HTML only, as some webmail sends
        html = "".join(f"<p>{p.replace(chr(10), ' ')}</p>" for p in text.split("\n\n"))
        return f"Content-Type: text/html; charset=utf-8\n\n<html><body>{html}</body></html>\n"
    if roll < 0.06:  # a small picture attached
        import base64

        data = base64.b64encode(PNG).decode()
        return ("Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\n"
                f"Content-Type: text/plain; charset=utf-8\n\n{text}\n--b1\n"
                "Content-Type: image/png\nContent-Disposition: attachment; filename=\"map.png\"\n"
                f"Content-Transfer-Encoding: base64\n\n{data}\n--b1--\n")
    return f"Content-Type: text/plain; charset=utf-8\n\n{text}"


# --- the import -------------------------------------------------------------------------

def prepare(args) -> None:
    os.environ["CULTIVATE_WARM_UP"] = "0"
    setup_django(args.database_url, args.data_dir or tempfile.mkdtemp(prefix="cultivate-mbox-"))
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":  # a database of its own: start from empty tables
        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
    else:
        call_command("migrate", verbosity=0)


def run_import(mbox: Path) -> tuple[float, object]:
    from cultivate.communities.actions import do_create_community
    from cultivate.conversations.mbox_import import do_import_mbox
    from cultivate.people.models import User

    convener = User.objects.create_user("mbox-convener", "convener@example.org", "x" * 12,
                                        is_superuser=True)
    community = do_create_community(
        actor=convener, name="Mail archive", charter_domain="Benchmark",
        charter_community="Generated", charter_practice="Mail", visibility="public",
        join_policy="open")
    LOAD.append(os.getloadavg()[0])
    started = time.perf_counter()
    report = do_import_mbox(actor=convener, community=community, path=mbox, list_name=LIST)
    seconds = time.perf_counter() - started
    LOAD.append(os.getloadavg()[0])
    return seconds, report


def section(args, written: dict, seconds: float, report, engine: str) -> str:
    rate = report.messages / seconds
    verdict = "met" if rate >= TARGET else "missed"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join([
        f"### Importing a mailing-list archive on {engine} (issue 18), {when}", "",
        f"`bench/mbox_import.py --messages {args.messages}`: a generated mbox of "
        f"{written['messages']:,} messages in {written['threads']:,} threads (quotes, "
        "signatures, some HTML-only messages and attachments, 1% without Message-ID), "
        "imported by `do_import_mbox` into a fresh community. Target: >= "
        f"{TARGET:,} messages a second.", "",
        "| database | messages | seconds | messages/s | topics | replies | people | verdict |",
        "|---|--:|--:|--:|--:|--:|--:|---|",
        f"| {engine} | {report.messages:,} | {seconds:.1f} | {rate:,.0f} | {report.topics:,} "
        f"| {report.replies:,} | {report.people:,} | {verdict} |", "",
        f"Python {platform.python_version()}, {os.cpu_count()} cores; load average (1 min) "
        f"{' then '.join(f'{load:.2f}' for load in LOAD)} as the import started and ended "
        "(other work on a shared machine slows it).", ""])


def main() -> None:
    args = parse_args()
    prepare(args)
    from django.db import connection

    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    with tempfile.TemporaryDirectory(prefix="cultivate-mbox-") as folder:
        mbox = Path(folder) / f"{LIST}.mbox"
        written = write_mbox(mbox, args.messages, args.seed)
        print(f"Wrote {written['messages']:,} messages in {written['threads']:,} threads "
              f"({mbox.stat().st_size / 1e6:.0f} MB)", flush=True)
        seconds, report = run_import(mbox)
    rate = report.messages / seconds
    print(f"{engine}: imported {report.messages:,} messages in {seconds:.1f} s = {rate:,.0f} "
          f"messages/s ({'met' if rate >= TARGET else 'missed'}: target >= {TARGET:,}); "
          f"{report.topics:,} topics, {report.replies:,} replies, {report.people:,} people, "
          f"{report.attachments} attachments; load average {LOAD[0]:.2f} then {LOAD[-1]:.2f}")
    if args.write:
        from pages import write_section

        name = args.section + ("-pg" if engine == "PostgreSQL" else "")
        write_section(args.write, name, section(args, written, seconds, report, engine))


if __name__ == "__main__":
    main()
