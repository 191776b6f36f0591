"""Reading a Stack Exchange data dump leniently: plain data only.

Real dumps differ: any file but Posts.xml may be missing, rows lack attributes (deleted users,
no date), and a file may be cut off or hold a broken row. `Dump` reads what is there, one row
at a time, and notes what it could not read (`problems`) instead of stopping at the first fault.
"""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - the dump is a local file the operator chose
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

QUESTION, ANSWER = "1", "2"
UP_VOTE = "2"
COMMUNITY_USER = "-1"  # Stack Exchange's own "Community" account
TAG = re.compile(r"<([^<>]+)>|\|([^|]+)")
# One complete `<row .../>` element, attributes in either kind of quotes (values may span lines).
ROW = re.compile(r"""<row\b(?:\s+[^\s=/>"']+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/>""")
ROW_START = "<row"
CLOSING = re.compile(r"</[^<>]+>\s*$")
CHUNK = 1 << 20
# PostHistoryTypeId: 1-3 the initial title, body and tags; 4-6 edits of them; 7-9 rollbacks.
TITLE_EVENTS, BODY_EVENTS, TAG_EVENTS = {"1", "4", "7"}, {"2", "5", "8"}, {"3", "6", "9"}
INITIAL_EVENTS = {"1", "2", "3"}


@dataclass(frozen=True)
class SEUser:
    id: str
    display_name: str
    created_at: datetime | None
    location: str
    about_html: str


@dataclass(frozen=True)
class SEPost:
    id: str
    kind: str  # QUESTION or ANSWER
    parent_id: str | None
    owner_id: str | None
    owner_name: str
    created_at: datetime | None
    title: str
    body_html: str
    tags: tuple[str, ...]
    accepted_answer_id: str | None


@dataclass(frozen=True)
class SEComment:
    id: str
    post_id: str
    user_id: str | None
    user_name: str
    created_at: datetime | None
    text: str


@dataclass(frozen=True)
class SEHistoryEvent:
    """One row of PostHistory.xml that changed a title, body or tags."""

    id: int
    post_id: str
    kind: str  # PostHistoryTypeId
    revision: str  # rows of one edit share it
    created_at: datetime
    user_id: str | None
    user_name: str
    text: str


@dataclass(frozen=True)
class Problem:
    """Something a file lacked or could not give: `kind` is missing, empty, truncated or
    malformed (`count` rows could not be read)."""

    file: str
    kind: str
    count: int = 0


def parse_time(value: str | None) -> datetime | None:
    """Dump times are UTC without an offset, e.g. 2011-10-11T19:42:20.713; None if unusable."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None


def _user_id(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if value.lstrip("-").isdigit() else None


class Dump:
    """A dump directory: each `read_*` yields the rows it can read and notes the rest."""

    OPTIONAL = ("Users.xml", "Comments.xml", "Votes.xml", "PostHistory.xml")

    def __init__(self, directory: Path):
        self.directory = directory
        self.problems: list[Problem] = []

    def has(self, name: str) -> bool:
        return (self.directory / name).is_file()

    def missing(self) -> list[str]:
        """The files this importer uses that the dump lacks (Posts.xml first if so)."""
        return [name for name in ("Posts.xml", *self.OPTIONAL) if not self.has(name)]

    # --- rows ---------------------------------------------------------------------------

    def rows(self, name: str) -> Iterator[dict]:
        """Each readable `<row>`'s attributes; broken rows, a cut-off end or an empty file are
        noted in `problems` and the reading goes on."""
        path = self.directory / name
        if not path.is_file():
            return
        read = malformed = 0
        pending, ended = "", False
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            while True:
                chunk = handle.read(CHUNK)
                at_end = not chunk
                pending += chunk
                position = 0
                while (start := pending.find(ROW_START, position)) != -1:
                    match = ROW.match(pending, start)
                    following = pending.find(ROW_START, start + len(ROW_START))
                    if match is None and following == -1:
                        break  # the row may end in the next chunk (at the end: cut off)
                    if match is None:
                        malformed += 1
                        position = following
                        continue
                    position = match.end()
                    try:
                        attributes = ET.fromstring(match.group()).attrib  # noqa: S314
                    except ET.ParseError:  # a bad entity or a doubled attribute
                        malformed += 1
                        continue
                    read += 1
                    yield dict(attributes)
                rest = pending[position:]
                if at_end:
                    ended = bool(CLOSING.search(rest))  # the root element is closed
                    malformed += ended and ROW_START in rest  # a broken last row
                    break
                pending = rest if ROW_START in rest else rest[-200:]
        if read == 0 and malformed == 0:
            self.problems.append(Problem(name, "empty"))
        elif not ended:
            self.problems.append(Problem(name, "truncated"))
        if malformed:
            self.problems.append(Problem(name, "malformed", malformed))

    def summary(self) -> list[Problem]:
        """The problems, one per file and kind, malformed rows added up."""
        merged: dict[tuple[str, str], int] = {}
        for problem in self.problems:
            key = (problem.file, problem.kind)
            merged[key] = merged.get(key, 0) + problem.count
        return [Problem(file, kind, count) for (file, kind), count in merged.items()]

    def _rows_with_id(self, name: str) -> Iterator[dict]:
        for row in self.rows(name):
            if (row.get("Id") or "").lstrip("-").isdigit():
                yield row
            else:
                self.problems.append(Problem(name, "malformed", 1))

    # --- files --------------------------------------------------------------------------

    def read_users(self) -> Iterator[SEUser]:
        for row in self._rows_with_id("Users.xml"):
            yield SEUser(id=row["Id"], display_name=row.get("DisplayName", ""),
                         created_at=parse_time(row.get("CreationDate")),
                         location=row.get("Location", ""), about_html=row.get("AboutMe", ""))

    def read_posts(self) -> Iterator[SEPost]:
        """Questions and answers only (tag wikis and other post types are skipped)."""
        for row in self._rows_with_id("Posts.xml"):
            if row.get("PostTypeId") not in (QUESTION, ANSWER):
                continue
            tags = tuple(a or b for a, b in TAG.findall(row.get("Tags", "")))
            yield SEPost(id=row["Id"], kind=row["PostTypeId"], parent_id=row.get("ParentId"),
                         owner_id=_user_id(row.get("OwnerUserId")),
                         owner_name=row.get("OwnerDisplayName", ""),
                         created_at=parse_time(row.get("CreationDate")),
                         title=row.get("Title", "").strip(), body_html=row.get("Body", ""),
                         tags=tags, accepted_answer_id=row.get("AcceptedAnswerId"))

    def read_comments(self) -> Iterator[SEComment]:
        for row in self._rows_with_id("Comments.xml"):
            yield SEComment(id=row["Id"], post_id=row.get("PostId", ""),
                            user_id=_user_id(row.get("UserId")),
                            user_name=row.get("UserDisplayName", ""),
                            created_at=parse_time(row.get("CreationDate")),
                            text=row.get("Text", ""))

    def up_votes(self) -> dict[str, int]:
        """Up-votes per post id (they name no voter). Other votes are not kept: down-votes,
        favourites, bounties, close and deletion votes have no counterpart here."""
        counts: dict[str, int] = {}
        for row in self.rows("Votes.xml"):
            if row.get("VoteTypeId") == UP_VOTE and (post_id := row.get("PostId")):
                counts[post_id] = counts.get(post_id, 0) + 1
        return counts

    def read_history(self) -> Iterator[SEHistoryEvent]:
        """The rows that set or changed a title, body or tags, in the file's order."""
        wanted = TITLE_EVENTS | BODY_EVENTS | TAG_EVENTS
        for row in self._rows_with_id("PostHistory.xml"):
            created_at = parse_time(row.get("CreationDate"))
            if row.get("PostHistoryTypeId") not in wanted or not row.get("PostId"):
                continue
            if created_at is None:
                self.problems.append(Problem("PostHistory.xml", "malformed", 1))
                continue
            yield SEHistoryEvent(
                id=int(row["Id"]), post_id=row["PostId"], kind=row["PostHistoryTypeId"],
                revision=row.get("RevisionGUID") or f"{created_at}:{row.get('UserId')}",
                created_at=created_at, user_id=_user_id(row.get("UserId")),
                user_name=row.get("UserDisplayName", ""), text=row.get("Text", ""))
