"""The catalogues stay complete and true (docs/translation.md): every offered language has every
marked string translated, none fuzzy, placeholders intact, the compiled .mo files match the .po
files, the catalogues hold exactly the strings the code marks, and templates mark their text."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.base import Lexer, TokenType
from django.test import override_settings
from django.utils.translation import to_locale

PACKAGE = Path(settings.BASE_DIR)
LOCALE = PACKAGE / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}")
TAG = re.compile(r"</?[a-z][^>]*>")


def catalogue(code: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / to_locale(code) / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_entry_is_translated_and_none_is_fuzzy(code):
    po = catalogue(code)
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"{code}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{code}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
    assert not po.obsolete_entries(), f"{code}: obsolete entries; run scripts/translations"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_plural_has_all_the_language_s_forms(code):
    """A missing form falls back to English for its numbers (Russian's "many": 5-20)."""
    po = catalogue(code)
    forms = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
    short = [entry.msgid for entry in po if entry.msgid_plural and (
        sorted(entry.msgstr_plural) != list(range(forms))
        or not all(entry.msgstr_plural.values()))]
    assert not short, f"{code}: {len(short)} plurals without their {forms} forms: {short[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_placeholders_and_tags(code):
    broken = []
    for entry in catalogue(code).translated_entries():
        if entry.msgid_plural:
            # Every form keeps what both English forms show (the number: a "singular" form
            # covers 21 in Russian and 0 in French) and shows nothing they do not.
            one, many = set(placeholders(entry.msgid)), set(placeholders(entry.msgid_plural))
            broken += [(entry.msgid, form) for form in entry.msgstr_plural.values()
                       if not one & many <= set(placeholders(form)) <= one | many]
        elif placeholders(entry.msgid) != placeholders(entry.msgstr):
            broken.append((entry.msgid, entry.msgstr))
        elif sorted(TAG.findall(entry.msgid)) != sorted(TAG.findall(entry.msgstr)):
            broken.append((entry.msgid, entry.msgstr))
    assert not broken, f"{code}: {len(broken)} broken, e.g. {broken[:3]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_compiled_catalogue_matches_its_source(code):
    """The .mo the server reads is the .po's compilation (scripts/translations compiles)."""
    folder = LOCALE / to_locale(code) / "LC_MESSAGES"
    compiled = polib.mofile(str(folder / "django.mo"))
    source = catalogue(code)

    def pairs(entries):
        return {(e.msgctxt, e.msgid, e.msgid_plural, e.msgstr,
                 tuple(sorted(e.msgstr_plural.items()))) for e in entries if e.msgid}

    assert pairs(compiled) == pairs(source.translated_entries()), (
        f"{code}: django.mo is out of date; run scripts/translations")


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (scripts/test "
                    "installs it)")
def test_catalogues_hold_exactly_the_marked_strings(tmp_path, monkeypatch):
    """Extract the marked strings afresh (from a copy of the code: makemessages writes into
    the nearest `locale` folder); every catalogue must have the same set."""
    copy = tmp_path / "cultivate"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__",
                                                                 "tests", "static"))
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[str(tmp_path / "locale")]):
        call_command("makemessages", locale=["en"], verbosity=0, no_location=True)
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(
        str(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"))}
    for code in TRANSLATED:
        have = {(e.msgctxt, e.msgid) for e in catalogue(code) if not e.obsolete}
        missing, extra = fresh - have, have - fresh
        assert not missing, f"{code}: {len(missing)} new strings not in the catalogue, e.g. " \
                            f"{sorted(missing)[:5]}; run scripts/translations"
        assert not extra, f"{code}: {len(extra)} strings no longer used, e.g. {sorted(extra)[:5]}"


# --- templates say nothing a reader sees without marking it --------------------------------

VISIBLE_ATTRIBUTES = re.compile(
    r"""\b(?:title|alt|placeholder|aria-label|aria-description|summary)\s*=\s*"([^"]*)\"""")
TAGS_AND_ENTITIES = re.compile(r"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>|&[#\w]+;", re.S)
ADDRESSES = re.compile(r"\S*[/?=]\S*")  # paths and query strings: "?unanswered=1", "plan/"
WORDS = re.compile(r"[^\W\d_]{2,}")  # two letters: "a" alone, "·", "×" and numbers pass
# Text that is the same in every language: our name, and the machine formats we name.
UNTRANSLATABLE = {"Cultivate", "API", "ICS", "CSV", "JSON", "XLSX", "PDF", "OpenAPI", "RSS",
                  "Markdown", "iCal", "Bearer", "cul_", "UTC", "px", "https", "http", "www",
                  "Ctrl", "Esc", "htmx"}
NOT_PAGES = ("_subject.txt", ".ics", ".xml")  # subjects are marked; feeds are data


def template_files():
    for folder in [PACKAGE / "templates", *PACKAGE.glob("*/templates")]:
        for path in folder.rglob("*"):
            if path.suffix in (".html", ".txt") and not path.name.endswith(NOT_PAGES):
                yield path


def unmarked_text(source: str) -> list[str]:
    """Words in template text outside {% translate %}/{% blocktranslate %}, {{ }} and tags,
    and in attributes readers see (titles, labels, placeholders)."""
    stitched, inside_block, raw = [], 0, False
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            inside_block += name in ("blocktranslate", "blocktrans")
            inside_block -= name in ("endblocktranslate", "endblocktrans")
            raw = name in ("verbatim", "comment") or (raw and not name.startswith("end"))
        if token.token_type == TokenType.TEXT and not inside_block and not raw:
            stitched.append(token.contents)
        else:  # a value or a tag stands in for itself: nothing a translator could mark
            stitched.append("\x01")
    return _words_in("".join(stitched))


def _words_in(text: str) -> list[str]:
    text = re.sub(r"<(script|style|code)\b.*?</\1>", " ", text, flags=re.S | re.I)
    visible = VISIBLE_ATTRIBUTES.findall(text)
    visible.append(ADDRESSES.sub(" ", TAGS_AND_ENTITIES.sub(" ", text)))
    return [word for chunk in visible for word in WORDS.findall(chunk)
            if word not in UNTRANSLATABLE]


def test_templates_mark_every_text_a_reader_sees():
    offenders = {}
    for path in template_files():
        words = unmarked_text(path.read_text())
        if words:
            offenders[str(path.relative_to(PACKAGE))] = words[:6]
    assert not offenders, f"unmarked text in {len(offenders)} templates: {offenders}"


def test_the_unmarked_text_check_finds_text():
    assert unmarked_text('<p title="Open it">Hello {{ name }}</p>') == ["Open", "it", "Hello"]
    assert unmarked_text('{% translate "Hello" %} <a href="/x">{{ a }}</a> · 3') == []
    assert unmarked_text("{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}") == []
