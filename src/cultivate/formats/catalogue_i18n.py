"""The built-in catalogue in the reader's language.

The formats that come with Cultivate are content we ship, so they are translated like the
interface: `catalogue/<locale>.json` holds, for each built-in format's address, its name,
summary, timing note and Markdown texts in that language (docs/translation.md). A built-in
format read from the database is shown in the active language (`LearningFormat.from_db`);
the English stays in the database, the search index and the admin. Formats an admin adds are
shown as written.
"""

import functools
import json
from pathlib import Path

from django.conf import settings
from django.utils import translation

from cultivate.core.markdown import plain_text, render_markdown

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
PLAIN_FIELDS = ("name", "summary", "duration_note")
MARKDOWN_FIELDS = ("description", "when_to_use", "steps", "roles", "outputs")


@functools.cache
def texts_in(locale: str) -> dict[str, dict[str, str]]:
    """{format address: {field: text}} for one language; empty when it has no file."""
    path = CATALOGUE_DIR / f"{locale}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def title_in_active_language(title: str, url: str) -> str:
    """A built-in format's name in the reader's language, for search results (which hold the
    English title of the index); `url` is the format's page, /formats/<address>/."""
    language = translation.get_language()
    if not language or language == settings.LANGUAGE_CODE:
        return title
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    texts = texts_in(translation.to_locale(language)).get(slug) or {}
    return texts.get("name") or title


def plain_texts(slug: str) -> list[str]:
    """Every translation of a built-in format as plain text, for the search index."""
    found = []
    for path in sorted(CATALOGUE_DIR.glob("*.json")):
        texts = texts_in(path.stem).get(slug) or {}
        found.append(plain_text(*(texts.get(field, "") for field in PLAIN_FIELDS
                                  + MARKDOWN_FIELDS)))
    return found


@functools.cache
def _html(locale: str, slug: str, field: str) -> str:
    return render_markdown(texts_in(locale)[slug][field])


def show_in_active_language(learning_format, loaded: set[str]) -> None:
    """Replace the loaded texts of a built-in format by the active language's."""
    language = translation.get_language()
    if not language or language == settings.LANGUAGE_CODE or "slug" not in loaded:
        return
    if "is_builtin" in loaded and not learning_format.is_builtin:
        return
    locale = translation.to_locale(language)
    texts = texts_in(locale).get(learning_format.slug)
    if not texts:
        return
    for field in PLAIN_FIELDS + MARKDOWN_FIELDS:
        if field in loaded and texts.get(field):
            setattr(learning_format, field, texts[field])
    for field in MARKDOWN_FIELDS:
        if f"{field}_html" in loaded and texts.get(field):
            setattr(learning_format, f"{field}_html", _html(locale, learning_format.slug, field))
    learning_format.shown_in_language = language
