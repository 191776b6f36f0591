"""Reading a mailing-list archive: mbox files (one, or a folder of them, gzip'd or not, as
Mailman's pipermail, HyperKitty and Google Takeout export them) and Maildir folders, into
plain `MailMessage` records ready to thread and store. No database here.

Messages are parsed with the stdlib `email` package under the compat32 policy: the default
policy builds an object per header and parses ten times slower, which a 100,000-message
archive notices; the headers we need are decoded here, tolerating what old archives hold
(unknown charsets, broken encoded words, missing Date or Message-ID, obscured addresses).
Quoted text and signatures are found with mail-parser-reply's patterns.
"""

import gzip
import hashlib
import logging
import mailbox
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from functools import cache
from pathlib import Path

from mailparser_reply.constants import MAIL_LANGUAGES
from mailparser_reply.parser import EmailMessage
from markdownify import markdownify

logger = logging.getLogger(__name__)
MBOX_SUFFIXES = (".mbox", ".mbx", ".txt", ".mail", ".eml")
MONTHS = ("january february march april may june july august september october november "
          "december").split()
PIPERMAIL_NAME = re.compile(r"^(\d{4})-([A-Za-z]+)\.txt(?:\.gz)?$")
MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
# Reply and forward prefixes of many mail clients, and "[list-name]" tags, as a subject starts.
SUBJECT_NOISE = re.compile(
    r"^(?:\s*(?:(?:re|aw|sv|antw|odp|vs|r|rif|ref|réf|fw|fwd|wg|tr|enc|rv|doorst)"
    r"(?:\[\d+\]|\(\d+\))?\s*:|\[[^\]]{1,60}\]))+\s*", re.IGNORECASE)
REPLY_PREFIX = re.compile(r"^(?:\s*\[[^\]]{1,60}\])*\s*(?:re|aw|sv|antw|odp|vs|r|rif)\s*:",
                          re.IGNORECASE)
OBSCURED_ADDRESS = re.compile(r"([\w.+'-]+) at ([\w-]+(?:\.[\w-]+)+)")
SIGNATURE_DELIMITER = re.compile(r"^-- ?$", re.MULTILINE)
MAILMAN_FOOTER = re.compile(r"^_{20,}\s*$", re.MULTILINE)
FROM_LINE_DATE = re.compile(r"(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})")
# A quick test before the library's costlier patterns: a line that may start a quoted
# original in a top-posted reply ("-----Original Message-----", "From: ...", "... wrote:").
FORWARDED_HINT = re.compile(
    r"^[>*\s]*(?:-{3,}|_{10,}|(from|von|de|van|od|från|fra|da|sent|gesendet|envoyé|"
    r"enviado|inviato|verzonden|wysłane|odesláno|差出人|送信者|发件人|寄件者|보낸 사람)\s*:)",
    re.IGNORECASE | re.MULTILINE)
HEADER_LANGUAGES = {
    "from": {"en"}, "sent": {"en"}, "von": {"de"}, "gesendet": {"de"}, "de": {"fr", "es"},
    "envoyé": {"fr"}, "enviado": {"es"}, "da": {"it", "da"}, "inviato": {"it"},
    "van": {"nl"}, "verzonden": {"nl"}, "od": {"pl", "cs"}, "wysłane": {"pl"},
    "odesláno": {"cs"}, "från": {"sv"}, "fra": {"da"}, "差出人": {"ja"}, "送信者": {"ja"},
    "发件人": {"zh"}, "寄件者": {"zh"}, "보낸 사람": {"ko"}}
WROTE_HINTS = {"wrote": "en", "schrieb": "de", "écrit": "fr", "escribió": "es",
               "scritto": "it", "schreef": "nl", "napisał": "pl", "skrev": "sv", "napsal": "cs",
               "写道": "zh", "書きました": "ja", "작성": "ko"}
# What any match of the library's English header pattern contains (its three alternatives
# end "wrote:" at a line's end, hold "From:"-like fields, or a "-----" line), same flags.
ENGLISH_HEADER_NEEDS = re.compile(
    r"wrote:$|(?:From|Sent|To|Subject|Date|Cc|Organization):|-{5,}",
    re.IGNORECASE | re.MULTILINE)
# A line CommonMark reads as nothing but text, in a paragraph or starting one: it starts with a
# letter, a digit that does not start a list item, or ( " '; has no character Markdown gives a
# meaning to (emphasis, code, links, escapes, entities, autolinks, tables), no whitespace but
# inner spaces, no control character.
PLAIN_LINE = re.compile(
    r"(?:[^\W\d_]|[0-9](?![0-9]{0,8}[.)](?: |$))|[(\"'])"
    r"(?:[^\s\\`*_\[\]<&|~\x00-\x1f\x7f-\x9f]| (?! *$))*")
NAMED_ADDRESS = re.compile(r'^\s*"?([^"<>]*?)"?\s*<([^<>@\s]+@[^<>@\s]+)>\s*$')
BARE_ADDRESS = re.compile(r"^\s*<?([^<>@\s()]+@[^<>@\s()]+?)>?\s*(?:\(([^()]*)\))?\s*$")
EARLIEST, LATEST = datetime(1980, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
POOL_BATCH = 500
SIGNATURE_TYPES = {"application/pgp-signature", "application/pkcs7-signature",
                   "application/x-pkcs7-signature"}
POOL_MIN_BYTES = 20_000_000  # about 15,000 messages
POOL_MAX_WORKERS = 4
SIGNATURE_LINES = 8  # a longer "signature" found by phrases ("Thanks,") is text, kept
_parser = BytesParser(policy=policy.compat32)


@dataclass
class MailAttachment:
    name: str
    content_type: str
    data: bytes


@dataclass
class MailMessage:
    message_id: str  # without <>; a synthetic "synthetic-<hash>@mbox" when the mail had none
    has_message_id: bool
    in_reply_to: list[str]
    references: list[str]
    subject: str  # decoded, as written
    address: str  # lowercased, "" when unknown
    name: str
    date: datetime | None  # aware; None when neither the Date header nor the From_ line said
    date_from_header: bool
    body: str  # Markdown: the author's own text, quoted text folded, signature removed
    quoted_folded: bool = False
    attachments: list[MailAttachment] = field(default_factory=list)
    refused_attachments: list[str] = field(default_factory=list)  # "name: why"
    undecodable: bool = False  # a charset we do not know: read as UTF-8 with replacements

    @property
    def parent_ids(self) -> list[str]:
        """Candidate parents, nearest first: In-Reply-To, then References from the end."""
        seen = dict.fromkeys([*self.in_reply_to, *reversed(self.references)])
        seen.pop(self.message_id, None)
        return list(seen)

    @property
    def thread_subject(self) -> str:
        return normalised_subject(self.subject)

    @property
    def looks_like_reply(self) -> bool:
        return bool(REPLY_PREFIX.match(self.subject))


# --- finding the messages ---------------------------------------------------------------

def archive_files(path: Path) -> list[Path]:
    """The mbox files under `path` in a sensible order (pipermail months by date), or [path]."""
    if path.is_file():
        return [path]
    files = [p for p in path.rglob("*") if p.is_file() and _is_mbox_name(p.name)
             and not _inside_maildir(p, path)]
    return sorted(files, key=_archive_order)


def maildirs(path: Path) -> list[Path]:
    if not path.is_dir():
        return []
    found = [path] if _is_maildir(path) else []
    found += [p for p in sorted(path.rglob("*")) if p.is_dir() and _is_maildir(p)]
    return list(dict.fromkeys(found))


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _inside_maildir(file: Path, root: Path) -> bool:
    return any(_is_maildir(parent) for parent in file.parents
               if parent == root or root in parent.parents)


def _is_mbox_name(name: str) -> bool:
    lowered = name.lower().removesuffix(".gz")
    return lowered.endswith(MBOX_SUFFIXES) or "." not in lowered


def _archive_order(path: Path) -> tuple:
    match = PIPERMAIL_NAME.match(path.name)
    if match and match.group(2).lower() in MONTHS:
        return (str(path.parent), int(match.group(1)), MONTHS.index(match.group(2).lower()), "")
    return (str(path.parent), 0, 0, path.name)


def raw_messages(path: Path) -> Iterator[tuple[bytes, str]]:
    """Each message's bytes with its mbox From_ line ("" from a Maildir), in archive order."""
    for file in archive_files(path) if path.is_file() or not _is_maildir(path) else []:
        with _plain_file(file) as readable:
            box = mailbox.mbox(readable, create=False)
            try:
                for key in box.keys():
                    raw = box.get_bytes(key, from_=True)
                    from_line, _newline, message = raw.partition(b"\n")
                    if not from_line.startswith(b"From "):  # a file that is one message
                        from_line, message = b"", raw
                    yield message, from_line.decode("latin-1")
            finally:
                box.close()
    for directory in maildirs(path):
        box = mailbox.Maildir(directory, factory=None, create=False)
        for key in sorted(box.keys()):
            yield box.get_bytes(key), ""


@contextmanager
def _plain_file(file: Path):
    """mailbox reads files by path: a gzip'd archive is unpacked to a temporary file first."""
    if not file.name.lower().endswith(".gz"):
        yield file
        return
    with tempfile.NamedTemporaryFile(suffix=".mbox") as unpacked:
        with gzip.open(file, "rb") as packed:
            shutil.copyfileobj(packed, unpacked)
        unpacked.flush()
        yield Path(unpacked.name)


def prepared_messages(path: Path, note: str, language: str = "",
                      workers: int = 1) -> Iterator[tuple["MailMessage", str]]:
    """(message, its body's HTML) for each message of the archive, in archive order. The body
    gets `note` when quoted text was folded. With workers > 1, reading and rendering (most of
    an import's time) run in that many processes, batch by batch."""
    raws = raw_messages(path)
    if workers <= 1:
        for batch in _batches(raws, POOL_BATCH):
            yield from prepare_batch(batch, note, language, init=False)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # spawn: a clean interpreter, safe even when the caller runs threads (a background task).
    context = multiprocessing.get_context("spawn")
    batches = _batches(raws, POOL_BATCH)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending = [(pool.submit(prepare_batch, batch, note, language), batch)
                   for batch in _take(batches, workers * 2)]
        while pending:
            future, batch = pending.pop(0)
            try:
                done = future.result()
            except BrokenProcessPool:  # a worker could not start or died: go on here
                logger.warning("mbox workers stopped; reading in this process")
                rest = [batch, *(waiting for _future, waiting in pending), *batches]
                for left in rest:
                    yield from prepare_batch(left, note, language, init=False)
                return
            pending += [(pool.submit(prepare_batch, batch, note, language), batch)
                        for batch in _take(batches, 1)]
            yield from done


def prepare_batch(batch: list[tuple[bytes, str]], note: str, language: str,
                  init: bool = True) -> list[tuple["MailMessage", str]]:
    if init:
        _set_up_django(language)
    from cultivate.core.markdown import render_markdown

    note_html = render_markdown(note)
    prepared = []
    for raw, from_line in batch:
        message = read_message(raw, from_line)
        if message.quoted_folded:
            message.body = (message.body + "\n\n" if message.body else "") + note
        prepared.append((message, render_body(message.body, note, note_html)))
    return prepared


def render_body(text: str, note: str = "", note_html: str = "") -> str:
    """What render_markdown(text) gives, without its per-line parsing for what most mail is:
    paragraphs of plain text, perhaps ending with `note` (whose HTML is `note_html`). The
    plain paragraphs' HTML is written here; whatever follows them is rendered as usual."""
    from cultivate.core.markdown import render_markdown

    html, rest = _plain_paragraphs(text)
    if rest and rest == note and note_html:
        return html + note_html
    return html + (render_markdown(rest) if rest else "")


def _plain_paragraphs(text: str) -> tuple[str, str]:
    """(the sanitised HTML of the paragraphs of plain lines text starts with, the rest from
    the first block that is not one). A paragraph is closed by a blank line, so the rest
    renders alone exactly as it does after them."""
    lines = text.split("\n")
    parts, paragraph, start = [], [], 0
    for number, line in enumerate(lines):
        if not line:
            if paragraph:
                parts.append(_plain_paragraph_html(paragraph))
                paragraph = []
            start = number + 1
        elif PLAIN_LINE.fullmatch(line):
            paragraph.append(line)
        else:
            return "".join(parts), "\n".join(lines[start:])
    if paragraph:
        parts.append(_plain_paragraph_html(paragraph))
    return "".join(parts), ""


def _plain_paragraph_html(lines: list[str]) -> str:
    # markdown-it writes <p>, the lines with "&<>\"" escaped, </p>; the sanitiser then writes
    # '"' back as it is; "&" and "<" are not in a plain line.
    return "<p>" + "\n".join(lines).replace(">", "&gt;") + "</p>\n"


def workers_for(path: Path) -> int:
    """Processes worth starting: one for small archives (starting one costs seconds)."""
    import os

    files = archive_files(path) if path.is_file() or not _is_maildir(path) else []
    size = sum(file.stat().st_size for file in files)
    if size < POOL_MIN_BYTES and not maildirs(path):
        return 1
    return max(1, min(POOL_MAX_WORKERS, os.cpu_count() or 1))


def _set_up_django(language: str) -> None:
    import os

    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cultivate.settings")
        django.setup()
    if language:
        from django.utils import translation

        translation.activate(language)


def _batches(items: Iterator, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _take(batches: Iterator[list], count: int) -> list[list]:
    return [batch for _n, batch in zip(range(count), batches, strict=False)]


# --- one message ------------------------------------------------------------------------

def read_message(raw: bytes, from_line: str = "") -> MailMessage:
    message = _parser.parsebytes(raw)
    ids = MESSAGE_ID.findall(header_text(message.get("Message-ID")))
    message_id = ids[0] if ids else ""
    name, address = sender(message)
    date = _date(message.get("Date"))
    body, attachments, refused, undecodable = _content(message)
    text, folded = fold(body)
    return MailMessage(
        message_id=message_id or synthetic_id(raw), has_message_id=bool(message_id),
        in_reply_to=MESSAGE_ID.findall(header_text(message.get("In-Reply-To"))),
        references=MESSAGE_ID.findall(header_text(message.get("References"))),
        subject=" ".join(header_text(message.get("Subject")).split()),
        address=address, name=name,
        date=date or _from_line_date(from_line), date_from_header=date is not None,
        body=text, quoted_folded=folded, attachments=attachments,
        refused_attachments=refused, undecodable=undecodable)


def synthetic_id(raw: bytes) -> str:
    """A stable id for a message without Message-ID: the same bytes give the same id."""
    return f"synthetic-{hashlib.sha256(raw).hexdigest()[:32]}@mbox"


def header_text(value) -> str:
    """A header as text, encoded words decoded; broken or unknown encodings never raise."""
    if value is None:
        return ""
    if not isinstance(value, str):  # an email.header.Header (non-ASCII bytes in the header)
        value = str(value)
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except (LookupError, UnicodeError, ValueError, AssertionError):
        return value


def sender(message: Message) -> tuple[str, str]:
    """(name, lowercased address) from From (else Sender); pipermail's "alice at example.org"
    is read as the address it hides."""
    for header in ("From", "Sender", "Reply-To"):
        value = header_text(message.get(header))
        if not value:
            continue
        if "@" not in value:
            value = OBSCURED_ADDRESS.sub(r"\1@\2", value, count=1)
        name, address = _quick_address(value) or parseaddr(value)
        if "@" not in address:
            name, address = (name or address), ""
            found = getaddresses([value])
            address = next((a for _n, a in found if "@" in a), "")
        name = " ".join(name.strip().strip('"').split())
        if address or name:
            return name or address.split("@")[0], address.strip().lower()
    return "", ""


def _quick_address(value: str) -> tuple[str, str] | None:
    """The two common forms without parseaddr's full grammar (the slowest step here)."""
    if match := NAMED_ADDRESS.match(value):
        return match.group(1), match.group(2)
    if match := BARE_ADDRESS.match(value):
        return match.group(2) or "", match.group(1)
    return None


def _date(value) -> datetime | None:
    text = header_text(value).strip()
    if not text:
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # "-0000" or no zone: the sender's clock, taken as UTC
        when = when.replace(tzinfo=UTC)
    return when if EARLIEST <= when < LATEST else None


def _from_line_date(from_line: str) -> datetime | None:
    match = FROM_LINE_DATE.search(from_line)
    if not match:
        return None
    try:
        # The From_ line's time is the receiving server's, without a zone: taken as UTC.
        when = datetime.strptime(" ".join(match.group(1).split()) + " +0000",
                                 "%a %b %d %H:%M:%S %Y %z")
    except ValueError:
        return None
    return when if EARLIEST <= when < LATEST else None


def _content(message: Message) -> tuple[str, list[MailAttachment], list[str], bool]:
    """The body as Markdown (text/plain preferred, else HTML converted) and the attachments."""
    plain, html, attachments, undecodable = None, None, [], False
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = _filename(part)
        content_type = part.get_content_type()
        if content_type in SIGNATURE_TYPES:  # a cryptographic signature, not a document
            continue
        if filename or part.get_content_maintype() not in ("text", "message"):
            if filename:
                payload = part.get_payload(decode=True)
                if payload:
                    attachments.append(MailAttachment(filename, content_type, payload))
            continue
        if content_type == "text/plain" and plain is None:
            plain, bad = _decoded(part)
            undecodable |= bad
        elif content_type == "text/html" and html is None:
            html, bad = _decoded(part)
            undecodable |= bad
    if plain is None and html is not None:
        plain = markdownify(html, heading_style="ATX", strip=["img"]).strip()
    return (plain or "").replace("\r\n", "\n").replace("\x00", ""), attachments, [], undecodable


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except (LookupError, UnicodeError, ValueError):
        return "attachment"
    return header_text(name).strip()


def _decoded(part: Message) -> tuple[str, bool]:
    payload = part.get_payload(decode=True) or b""
    charset = (part.get_content_charset() or "utf-8").lower()
    try:
        return payload.decode(charset, "replace"), False
    except LookupError:  # a charset Python does not know: UTF-8, else Latin-1
        try:
            return payload.decode("utf-8"), True
        except UnicodeDecodeError:
            return payload.decode("latin-1"), True


# --- quoted text and signatures ---------------------------------------------------------

def fold(text: str) -> tuple[str, bool]:
    """The author's own text: the quote below it (an "On ... wrote:" line and the quoted
    lines), the quote above it when the author answered below a full quote, and the original
    under a top-posted reply ("-----Original Message-----", "From: ...") taken out; the
    signature removed. Quotes answered point by point (interleaved) stay, as Markdown block
    quotes. Returns (text, whether something was folded)."""
    lines = _without_signature(text).split("\n")
    end = len(lines)
    while end and (not lines[end - 1].strip() or _is_quote(lines[end - 1])):
        end -= 1
    folded = any(_is_quote(line) for line in lines[end:])
    if folded:
        end = _attribution_start(lines, end)
    lines = lines[:end]
    first = _first_text(lines)
    if first + 1 < len(lines) and _is_quote(lines[first + 1]) and _is_attribution(lines[first]):
        first += 1
    if first < len(lines) and _is_quote(lines[first]):  # a full quote, then the answer
        after = first
        while after < len(lines) and (not lines[after].strip() or _is_quote(lines[after])):
            after += 1
        if after < len(lines) and not any(_is_quote(line) for line in lines[after:]):
            lines, folded = lines[after:], True
    kept = "\n".join(lines)
    hint = FORWARDED_HINT.search(kept)
    languages = {code for word, code in WROTE_HINTS.items() if word in kept}
    if hint or languages:
        # A reply written above the original: the library's header patterns find where the
        # original starts (only the languages the hints point to: all of them cost 10 ms).
        if hint:
            word = (hint.group(1) or "").lower()
            languages |= HEADER_LANGUAGES.get(word, set(_languages()) if not word else set())
        match = _reply_header_search(tuple(sorted(languages | {"en"})), kept)
        below = kept[match.end():].split("\n") if match else []
        # Quoted lines below the header mean an answer between quotes: nothing to cut.
        if match and kept[:match.start()].strip() and not any(map(_is_quote, below)):
            kept, folded = kept[:match.start()], True
    return _without_phrase_signature(kept).strip(), folded


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def _first_text(lines: list[str]) -> int:
    return next((n for n, line in enumerate(lines) if line.strip()), len(lines))


def _is_attribution(line: str) -> bool:
    return bool(_reply_header(_languages()).match(line.strip()))


def _attribution_start(lines: list[str], quote_start: int) -> int:
    """Where the quote at `quote_start` begins, its "On ... wrote:" line included."""
    window_start = max(0, quote_start - 3)
    window = "\n".join(lines[window_start:quote_start])
    if ":" not in window:  # every client's attribution line ends with a colon
        return quote_start
    # English first: most archives are, and one language's pattern is a tenth of the cost.
    match = (_reply_header_search(("en",), window)
             or _reply_header(_languages()).search(window))
    if match:
        return window_start + window[:match.start()].count("\n")
    return quote_start


def _without_signature(text: str) -> str:
    """Cut at the last "-- " line (RFC 3676) and at a Mailman footer, when they are near the
    end; a "--" far from the end is text (a long signature would be odd)."""
    for pattern in (MAILMAN_FOOTER, SIGNATURE_DELIMITER):
        matches = list(pattern.finditer(text))
        if matches and text.count("\n", matches[-1].end()) <= 15:
            before = text[:matches[-1].start()]
            # A quote below the signature (bottom-quoting after signing) is still a quote.
            after = text[matches[-1].end():]
            quoted = "\n".join(line for line in after.split("\n") if line.lstrip().startswith(">"))
            text = before + ("\n" + quoted if quoted else "")
    return text


def _without_phrase_signature(text: str) -> str:
    """"Best regards, / Alice" and the like in the last lines, by the library's patterns."""
    text = text.rstrip()
    window = "\n".join(text.split("\n")[-SIGNATURE_LINES:])
    match = _signature_pattern().search(window)
    if match and window[:match.start()].strip():
        return text[:len(text) - len(window) + match.start()]
    return text


@cache
def _languages() -> tuple[str, ...]:
    return tuple(code for code in MAIL_LANGUAGES if code != "david")


def _reply_header_search(languages: tuple[str, ...], text: str):
    """The library's header pattern searched in `text`. Its "On ... wrote:" part backtracks
    for milliseconds on a long line (an HTML mail made Markdown); for English alone, a cheap
    test of what any match must contain comes first."""
    if languages == ("en",) and not ENGLISH_HEADER_NEEDS.search(text):
        return None
    return _reply_header(languages).search(text)


@cache
def _reply_header(languages: tuple[str, ...]):
    return EmailMessage(text="", languages=list(languages)).HEADER_REGEX


@cache
def _signature_pattern():
    return EmailMessage(text="", languages=list(_languages()),
                        keep_hyphen_lists=True).SIGNATURE_REGEX


def normalised_subject(subject: str) -> str:
    """The subject threads share: reply/forward prefixes and [list] tags gone, spaces folded,
    lowercased."""
    return " ".join(SUBJECT_NOISE.sub("", subject or "").split()).lower()


def display_subject(subject: str) -> str:
    return " ".join(SUBJECT_NOISE.sub("", subject or "").split())
