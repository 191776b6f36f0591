"""Posts carry their language; PostgreSQL stems each post with its language's rules, so a
French or Russian post is found by another form of its words (docs/translation.md)."""

import pytest
from django.conf import settings
from django.db import connection

from cultivate.conversations import search
from cultivate.conversations.actions import do_reply, do_start_topic

pytestmark = pytest.mark.django_db
ON_POSTGRESQL = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="stemming by language runs only on PostgreSQL")


@pytest.fixture
def bilingual(make_user, make_community):
    ana = make_user("ana")
    community = make_community(ana, name="Finance Ministries", languages=["ru", "fr"])
    return ana, community


def test_a_post_takes_the_community_s_main_language_or_the_one_given(bilingual):
    ana, community = bilingual
    topic = do_start_topic(actor=ana, community=community, title="Бюджетные циркуляры",
                           body="Как вы готовите бюджетные циркуляры?")
    opening = topic.posts.get()
    assert opening.language == "ru"
    reply = do_reply(actor=ana, topic=topic, body="Nos réunions mensuelles.", language="fr")
    assert reply.language == "fr"


def test_an_unknown_language_is_a_field_error_and_nothing_is_written(bilingual):
    from cultivate.core.errors import ActionError

    ana, community = bilingual
    with pytest.raises(ActionError) as refused:
        do_start_topic(actor=ana, community=community, title="A question here",
                       body="Text", language="xx")
    assert "language" in refused.value.fields
    assert not community.topics.exists()


def test_the_topic_page_marks_each_post_with_its_language(bilingual, signed_in):
    ana, community = bilingual
    topic = do_start_topic(actor=ana, community=community, title="Бюджетные циркуляры",
                           body="Как вы готовите бюджетные циркуляры?")
    do_reply(actor=ana, topic=topic, body="Nos réunions mensuelles.", language="fr")
    page = signed_in(ana).get(topic.get_absolute_url()).content.decode()
    assert 'dir="auto" lang="ru"' in page and 'dir="auto" lang="fr"' in page
    assert 'name="language"' in page  # a community of two languages lets writers choose


def test_the_api_takes_and_gives_a_post_s_language(bilingual, client, token_of):
    ana, community = bilingual
    answer = client.post(f"/api/v1/communities/{community.slug}/topics",
                         {"title": "Réunions mensuelles", "body": "Quand vous réunissez-vous ?",
                          "language": "fr"}, content_type="application/json", **token_of(ana))
    assert answer.status_code == 201
    assert answer.json()["posts"][0]["language"] == "fr"
    bad = client.post(f"/api/v1/communities/{community.slug}/topics",
                      {"title": "Réunions mensuelles", "body": "Texte", "language": "klingon"},
                      content_type="application/json", **token_of(ana))
    assert bad.status_code == 400 and "language" in bad.json()["error"]["fields"]


@ON_POSTGRESQL
def test_each_post_is_stemmed_in_its_own_language(bilingual):
    ana, community = bilingual
    topic = do_start_topic(actor=ana, community=community, title="Бюджетные циркуляры",
                           body="Сроки подготовки бюджетов министерств.")
    do_reply(actor=ana, topic=topic, body="Nos réunions mensuelles.", language="fr")
    with connection.cursor() as cursor:
        cursor.execute("SELECT language, search_vector::text FROM conversations_post "
                       "WHERE topic_id = %s ORDER BY id", [topic.pk])
        (ru, ru_vector), (fr, fr_vector) = cursor.fetchall()
    assert (ru, fr) == ("ru", "fr")
    assert "'бюджет'" in ru_vector  # "бюджетов" by Russian rules
    assert "'mensuel'" in fr_vector  # "mensuelles" by French rules (English keeps 'mensuell')
    found = {hit.post_id for hit in search.search(ana, "бюджет")}
    assert topic.posts.get(language="ru").pk in found
    assert {hit.post_id for hit in search.search(ana, "mensuel")} == {
        topic.posts.get(language="fr").pk}


def test_a_community_states_its_working_languages_in_the_form_and_the_api(make_user, client,
                                                                         token_of):
    from cultivate.communities.models import Community
    from cultivate.communities.tests.test_views import FORM

    ana = make_user("ana")
    browser = client
    browser.force_login(ana)
    answer = browser.post("/c/new/", FORM | {"main_language": "ru",
                                            "other_languages": ["en", "kk"]})
    assert answer.status_code == 302
    community = Community.objects.get(slug="humanitarian-logistics")
    assert community.languages == ["ru", "en", "kk"]
    page = browser.get("/c/humanitarian-logistics/").content.decode()
    assert 'lang="ru"' in page
    edit = browser.get("/c/humanitarian-logistics/edit/").content.decode()
    assert '<option value="ru" selected>' in edit
    bad = client.patch("/api/v1/communities/humanitarian-logistics",
                       {"languages": ["ru", "zz"]}, content_type="application/json",
                       **token_of(ana))
    assert bad.status_code == 400 and "languages" in bad.json()["error"]["fields"]
    community.refresh_from_db()
    assert community.languages == ["ru", "en", "kk"]
    good = client.patch("/api/v1/communities/humanitarian-logistics", {"languages": ["en"]},
                        content_type="application/json", **token_of(ana))
    assert good.status_code == 200 and good.json()["languages"] == ["en"]
