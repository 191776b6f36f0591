"""Languages a resource can be in: ISO 639-1 codes.

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
