"""The interface languages: their names, direction, and speaking to one person in theirs.

Core knows people only by duck typing (`person.language`), as it knows nothing of the
domain apps (docs/architecture.md).
"""

from collections.abc import Callable
from contextlib import contextmanager
from typing import TypeVar

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

T = TypeVar("T")


def language_choices() -> list[tuple[str, str]]:
    """(code, the language's own name): a reader finds their language whatever page they see."""
    return [(code, native_name(code)) for code, _name in settings.LANGUAGES]


def native_name(code: str) -> str:
    name = translation.get_language_info(code)["name_local"]
    return name[:1].upper() + name[1:]


def weekday_datetime(value) -> str:
    """"Tue 8 Dec 2026, 09:00" in English, "周二 2026年12月8日 09:00" in Chinese: the short
    weekday, then the language's own date-and-time format."""
    return f"{date_format(value, 'D')} {date_format(value, 'DATETIME_FORMAT')}"


def offered(code: str | None) -> bool:
    return bool(code) and code in dict(settings.LANGUAGES)


def language_of(person) -> str:
    """The language to write to someone in: theirs if they chose one, else the site's."""
    code = getattr(person, "language", "") or ""
    return code if offered(code) else settings.LANGUAGE_CODE


def in_each_language(codes, render: Callable[[], T]) -> dict[str, T]:
    """`render()` once in each of these languages ('' or unknown: the site's), by code."""
    rendered = {}
    for code in codes:
        with translation.override(code if offered(code) else settings.LANGUAGE_CODE):
            rendered[code] = render()
    return rendered


@contextmanager
def speaking(person):
    """Render mail and notifications for `person` in their language."""
    with translation.override(language_of(person)):
        yield
