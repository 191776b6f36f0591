"""Every page in every offered language: the right `lang` and direction, no English left where a
translation exists, no broken placeholder. Walks the same routes as the bad-input walk, with its
one-of-everything world (tests/test_pages_bad_input.py), as the community's convener."""

import re
from html.parser import HTMLParser

import polib
import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils.translation import get_language_info

from tests.test_pages_bad_input import SKIPPED_PREFIXES, url_patterns, urls_of
from tests.test_translations import TRANSLATED, catalogue

pytestmark = pytest.mark.django_db

# In a page in a language not written in Latin letters, three Latin words with an English
# function word are text that never went through gettext (the fixture's own texts aside).
ENGLISH_WORD = re.compile(r"\b(?:the|and|you|your|with|this|that|for|from|of|to|is|are|not|yet|"
                          r"all|has|have|was|be|by|on|in|or|an|it)\b", re.I)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
NOT_LATIN = ("ar", "zh-hans", "ru")
FIXTURE_TEXTS = {"How to start?", "Where do we begin with circulars?", "With a peer review.",
                 "Budget circles", "Peers meet.", "It worked", "A ministry.", "A guide",
                 "in ministries of finance.", "Budget officers from 20 countries.",
                 "Case clinics and peer reviews of budget circulars.",
                 "Budget reform in ministries of finance.",
                 # stored in the steward's language when it was sent, before they chose
                 "Budget: milica asks to join"}
PLACEHOLDER_LEFT = re.compile(r"%\(\w+\)[sdfi]|%[sd]\b|\{\{|\}\}|\{%|%\}")
# Routes that answer something other than a page (files, feeds, downloads, redirects).
NOT_PAGES = ("accounts/logout", "admin/")


class VisibleText(HTMLParser):
    """The text nodes and the attributes a reader meets (labels, titles, placeholders)."""

    ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
    HIDDEN = {"script", "style", "code", "pre", "textarea"}

    def __init__(self):
        super().__init__()
        self.pieces, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in self.HIDDEN
        self.pieces += [value for name, value in attrs if name in self.ATTRIBUTES and value]

    def handle_endtag(self, tag):
        self._hidden -= tag in self.HIDDEN and self._hidden > 0

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.pieces.append(data)


def visible_pieces(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return [" ".join(piece.split()) for piece in parser.pieces]


def untranslated_looking(piece: str) -> bool:
    piece = piece.removesuffix(" · Cultivate")  # a page title: the fixture's text, our name
    return (len(LATIN_WORD.findall(piece)) >= 3 and bool(ENGLISH_WORD.search(piece))
            and piece not in FIXTURE_TEXTS and "@" not in piece and "/" not in piece)


def english_only(code: str) -> set[str]:
    """Marked strings of three words or more whose translation differs from the English."""
    return {entry.msgid for entry in catalogue(code).translated_entries()
            if not entry.msgid_plural and entry.msgstr != entry.msgid
            and len(entry.msgid.split()) >= 3 and "%" not in entry.msgid}


def pages(world) -> list[str]:
    urls = []
    for template in url_patterns():
        if template.startswith(SKIPPED_PREFIXES + NOT_PAGES) or "<" in template.split("/")[0]:
            continue
        urls.append(urls_of(template, world["values"])[0])
    return urls


def html_of(response) -> str | None:
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return None
    return response.content.decode()


# skip-allowlist: "the language walk runs once, on SQLite": rendering is the database's business
# only through the queries the other walks already make on PostgreSQL.
@pytest.mark.skipif(not django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
                    reason="the language walk runs once, on SQLite")
@pytest.mark.parametrize("code", [code for code, _name in django_settings.LANGUAGES])
def test_every_page_speaks_the_chosen_language(code, world):
    convener = world["ana"]
    convener.language = code
    convener.save(update_fields=["language"])
    client = Client(raise_request_exception=False)
    client.force_login(convener)
    leftover = english_only(code) if code != "en" else set()
    direction = "rtl" if get_language_info(code)["bidi"] else "ltr"
    problems, seen = [], 0
    for url in pages(world):
        html = html_of(client.get(url))
        if html is None:
            continue
        seen += 1
        if "<html" in html and f'<html lang="{code}" dir="{direction}"' not in html:
            problems.append((url, "lang/dir"))
        for piece in visible_pieces(html):
            if piece in leftover or (code in NOT_LATIN and untranslated_looking(piece)):
                problems.append((url, f"English: {piece!r}"))
            if PLACEHOLDER_LEFT.search(piece):
                problems.append((url, f"placeholder: {piece[:80]!r}"))
    assert seen > 80, f"only {seen} pages answered with HTML"
    assert not problems, f"{code}: {len(problems)} problems, e.g. {sorted(set(problems))[:60]}"


def test_a_visitor_gets_the_best_match_of_their_browser_languages(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="de-CH, ru;q=0.8, en;q=0.5").content.decode()
    assert '<html lang="ru" dir="ltr"' in page
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ar-EG").content.decode()
    assert '<html lang="ar" dir="rtl"' in page
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert '<html lang="zh-hans"' in page


def test_a_visitor_chooses_a_language_before_signing_in(client):
    answer = client.post("/language/", {"language": "fr", "next": "/formats/"})
    assert answer.status_code == 302 and answer["Location"] == "/formats/"
    page = client.get("/formats/").content.decode()
    assert '<html lang="fr"' in page
    assert '<option value="fr" lang="fr" selected>Français</option>' in page


def test_the_chooser_refuses_unknown_languages_and_foreign_addresses(client):
    answer = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert '<html lang="en"' in client.get("/").content.decode()


def test_a_member_s_choice_is_kept_on_the_account(make_user, signed_in):
    milica = make_user("milica")
    client = signed_in(milica)
    client.post("/language/", {"language": "ar", "next": "/"})
    milica.refresh_from_db()
    assert milica.language == "ar"
    elsewhere = Client()  # another browser, no cookie: the account decides
    elsewhere.force_login(milica)
    assert '<html lang="ar" dir="rtl"' in elsewhere.get("/me/profile/").content.decode()


def test_a_member_s_chooser_checks_the_csrf_token(make_user):
    milica = make_user("milica")
    client = Client(enforce_csrf_checks=True)
    client.force_login(milica)
    assert client.post("/language/", {"language": "ru", "next": "/"}).status_code == 403
    milica.refresh_from_db()
    assert milica.language == ""


def test_the_profile_form_and_the_api_set_the_interface_language(make_user, signed_in,
                                                                 token_of):
    milica = make_user("milica")
    client = signed_in(milica)
    page = client.get("/me/profile/").content.decode()
    assert 'name="language"' in page
    headers = token_of(milica)
    answer = client.patch("/api/v1/me", {"interface_language": "es"},
                          content_type="application/json", **headers)
    assert answer.status_code == 200 and answer.json()["interface_language"] == "es"
    bad = client.patch("/api/v1/me", {"interface_language": "klingon"},
                       content_type="application/json", **headers)
    assert bad.status_code in (400, 422)
    assert "language" in bad.content.decode()
    other = client.get("/api/v1/people/milica", **headers)
    assert other.json()["interface_language"] is None


def test_api_errors_speak_the_caller_s_language(make_user, token_of, client):
    lea = make_user("lea", language="fr")
    answer = client.patch("/api/v1/me", {"time_zone": 5}, content_type="application/json",
                          **token_of(lea))
    assert answer.status_code == 422
    body = answer.json()["error"]
    assert body["message"] == "La requête contient des champs invalides ou manquants."
    assert body["fields"]["time_zone"] == ["Indiquez du texte."]
    anonymous = client.get("/api/v1/communities/nowhere", HTTP_ACCEPT_LANGUAGE="es")
    assert anonymous.status_code == 404
    assert anonymous.json()["error"]["message"] == "No encontrado."


def test_catalogues_exist_for_every_offered_language():
    for code in TRANSLATED:
        assert isinstance(catalogue(code), polib.POFile)
