"""The built-in catalogue is shipped in every interface language and shown in the reader's;
the English stays in the database, the admin and the search index."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from cultivate.formats import catalogue_i18n
from cultivate.formats.builtin import FORMATS, ensure_builtin_formats
from cultivate.formats.models import LearningFormat

pytestmark = pytest.mark.django_db
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
LIST_ITEM = re.compile(r"^\s*(?:- |\d+\. )", re.M)


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_built_in_format_is_translated_with_its_structure(code):
    texts = catalogue_i18n.texts_in(translation.to_locale(code))
    problems = []
    for entry in FORMATS:
        translated = texts.get(entry["slug"])
        if translated is None:
            problems.append(f"{entry['slug']}: missing")
            continue
        for field in catalogue_i18n.PLAIN_FIELDS + catalogue_i18n.MARKDOWN_FIELDS:
            english, theirs = entry[field], translated.get(field, "")
            if english and not theirs.strip():
                problems.append(f"{entry['slug']}.{field}: empty")
            elif len(LIST_ITEM.findall(english)) != len(LIST_ITEM.findall(theirs)):
                problems.append(f"{entry['slug']}.{field}: list items differ")
    assert not problems, f"{code}: {problems[:10]}"


def test_a_reader_sees_the_catalogue_in_their_language_and_the_rows_stay_english(client):
    ensure_builtin_formats()
    russian = catalogue_i18n.texts_in("ru")["case-clinics"]
    page = client.get("/formats/case-clinics/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert russian["name"] in page
    assert catalogue_i18n._html("ru", "case-clinics", "steps")[:40] in page
    listing = client.get("/formats/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert russian["summary"][:40] in listing
    english = Client().get("/formats/case-clinics/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert russian["name"] not in english
    with translation.override("en"):
        row = LearningFormat.objects.get(slug="case-clinics")
    assert row.name == next(f["name"] for f in FORMATS if f["slug"] == "case-clinics")


def test_a_translated_copy_is_never_saved_over_the_english():
    ensure_builtin_formats()
    with translation.override("ru"):
        shown = LearningFormat.objects.get(slug="case-clinics")
        assert shown.shown_in_language == "ru"
        with pytest.raises(ValueError):
            shown.save()
        assert ensure_builtin_formats() == 0  # loading while another language is active
        from cultivate.formats.builtin import load_builtin_formats
        from cultivate.formats.models import FormatPurpose

        load_builtin_formats(LearningFormat, FormatPurpose)
    with translation.override("en"):
        assert LearningFormat.objects.get(slug="case-clinics").name == "Case clinics"


def test_the_admin_edits_the_english_whatever_the_admin_s_language(make_user):
    ensure_builtin_formats()
    admin_user = make_user("root", superuser=True, language="ru")
    client = Client()
    client.force_login(admin_user)
    row = LearningFormat.objects.get(slug="case-clinics")
    form = client.get(f"/admin/formats/learningformat/{row.pk}/change/").content.decode()
    assert 'value="Case clinics"' in form


def test_search_finds_a_built_in_format_by_a_word_of_its_translation(client, make_user):
    from cultivate.formats.indexing import index_catalogue

    ensure_builtin_formats()
    index_catalogue()
    word = catalogue_i18n.texts_in("ru")["case-clinics"]["name"].split()[0]
    page = client.get("/search/", {"q": word}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "/formats/case-clinics/" in page
    name = catalogue_i18n.texts_in("ru")["case-clinics"]["name"]
    assert f'<a href="/formats/case-clinics/">{name}</a>' in page  # the result reads in Russian
