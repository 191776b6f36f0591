"""Languages content can be in (resources, posts, a community's working languages): ISO 639-1
codes.

The two-letter codes of Django's own language list (their names are translated by Django's
catalogues), and a few widely used languages that list lacks. A resource's language is stored
as the code; the model field has no choices, so a Django upgrade that adds languages needs no
migration.
"""

import functools

from django.conf import global_settings
from django.utils.translation import gettext, gettext_lazy, pgettext

_MORE = {
    "am": gettext_lazy("Amharic"), "ha": gettext_lazy("Hausa"), "lo": gettext_lazy("Lao"),
    "mg": gettext_lazy("Malagasy"), "ps": gettext_lazy("Pashto"),
    "rw": gettext_lazy("Kinyarwanda"), "si": gettext_lazy("Sinhala"), "so": gettext_lazy("Somali"),
    "yo": gettext_lazy("Yoruba"), "zh": gettext_lazy("Chinese"), "zu": gettext_lazy("Zulu"),
}


@functools.cache
def _names() -> dict[str, object]:
    names: dict[str, object] = {code: name for code, name in global_settings.LANGUAGES
                                if len(code) == 2}
    names.update(_MORE)
    return names


CODES = frozenset(_names())


def name_of(code: str) -> str:
    name = _names().get(code)
    if name is None:
        return code
    return gettext(name) if isinstance(name, str) else str(name)


def choices() -> list[tuple[str, str]]:
    """(code, name) pairs sorted by the name in the active language."""
    return sorted(((code, name_of(code)) for code in CODES), key=lambda pair: pair[1].lower())


def label(code: str) -> str:
    """'French (fr)': how lists and filters show a language."""
    return pgettext("language name and code", "%(name)s (%(code)s)") % {
        "name": name_of(code), "code": code}


# PostgreSQL's text search configurations (built in since PostgreSQL 12) for the languages it
# stems; other languages are indexed word by word ('simple'), and text of no stated language as
# English, as before languages were recorded.
SEARCH_CONFIGS = {
    "ar": "arabic", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "fi": "finnish", "fr": "french", "ga": "irish", "hu": "hungarian",
    "id": "indonesian", "it": "italian", "lt": "lithuanian", "nb": "norwegian", "ne": "nepali",
    "nl": "dutch", "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian",
    "sv": "swedish", "ta": "tamil", "tr": "turkish",
}
# A query is read with the rules of each interface language and word for word, so a reader
# finds posts in any of them whatever language they search in.
QUERY_CONFIGS = ("english", "french", "spanish", "arabic", "russian", "simple")


def search_config(code: str) -> str:
    if not code:
        return "english"
    return SEARCH_CONFIGS.get(code, "simple")


def search_config_sql(column: str) -> str:
    """SQL choosing the configuration from a language column (codes and names are ours)."""
    cases = " ".join(f"WHEN '{code}' THEN '{config}'::regconfig"
                     for code, config in SEARCH_CONFIGS.items())
    return f"(CASE {column} WHEN '' THEN 'english'::regconfig {cases} " \
           "ELSE 'simple'::regconfig END)"


def tsquery_sql() -> tuple[str, int]:
    """The OR of the query read in every QUERY_CONFIGS language, and how many times to pass the
    text as a parameter."""
    parts = [f"websearch_to_tsquery('{config}', %s)" for config in QUERY_CONFIGS]
    return "(" + " || ".join(parts) + ")", len(parts)
