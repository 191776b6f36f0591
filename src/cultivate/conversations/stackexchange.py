"""Reading a Stack Exchange data dump (Posts.xml, Users.xml, Comments.xml): plain data only."""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - the dump is a local file the operator chose
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

QUESTION, ANSWER = "1", "2"
TAG = re.compile(r"<([^<>]+)>|\|([^|]+)")


@dataclass(frozen=True)
class SEUser:
    id: str
    display_name: str
    created_at: datetime
    location: str
    about_html: str


@dataclass(frozen=True)
class SEPost:
    id: str
    kind: str  # QUESTION or ANSWER
    parent_id: str | None
    owner_id: str | None
    owner_name: str
    created_at: datetime
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
    created_at: datetime
    text: str


def parse_time(value: str) -> datetime:
    """Dump times are UTC without an offset, e.g. 2011-10-11T19:42:20.713."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _rows(path: Path) -> Iterator[dict]:
    for _event, element in ET.iterparse(path, events=("end",)):  # noqa: S314
        if element.tag == "row":
            yield dict(element.attrib)
            element.clear()


def read_users(directory: Path) -> Iterator[SEUser]:
    for row in _rows(directory / "Users.xml"):
        yield SEUser(id=row["Id"], display_name=row.get("DisplayName", ""),
                     created_at=parse_time(row["CreationDate"]),
                     location=row.get("Location", ""), about_html=row.get("AboutMe", ""))


def read_posts(directory: Path) -> Iterator[SEPost]:
    """Questions and answers only (tag wikis and other post types are skipped)."""
    for row in _rows(directory / "Posts.xml"):
        if row.get("PostTypeId") not in (QUESTION, ANSWER):
            continue
        tags = tuple(a or b for a, b in TAG.findall(row.get("Tags", "")))
        yield SEPost(id=row["Id"], kind=row["PostTypeId"], parent_id=row.get("ParentId"),
                     owner_id=row.get("OwnerUserId"), owner_name=row.get("OwnerDisplayName", ""),
                     created_at=parse_time(row["CreationDate"]), title=row.get("Title", ""),
                     body_html=row.get("Body", ""), tags=tags,
                     accepted_answer_id=row.get("AcceptedAnswerId"))


def read_comments(directory: Path) -> Iterator[SEComment]:
    for row in _rows(directory / "Comments.xml"):
        yield SEComment(id=row["Id"], post_id=row["PostId"], user_id=row.get("UserId"),
                        user_name=row.get("UserDisplayName", ""),
                        created_at=parse_time(row["CreationDate"]), text=row.get("Text", ""))


def check_dump(directory: Path) -> list[str]:
    """The missing files, by name (Badges.xml is optional)."""
    return [name for name in ("Posts.xml", "Users.xml", "Comments.xml")
            if not (directory / name).is_file()]
