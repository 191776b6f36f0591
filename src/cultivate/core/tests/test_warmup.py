"""A worker warms up before it serves, and a start does not recompress unchanged static files."""

import logging

import pytest

from cultivate.conversations.actions import do_start_topic
from cultivate.core import warmup
from cultivate.management.commands.run import STATIC_STAMP, collect_static_if_changed

pytestmark = pytest.mark.django_db


def test_warm_up_renders_the_main_pages_of_the_biggest_public_community(make_user,
                                                                      make_community):
    ana = make_user("ana")
    community = make_community(ana, name="Budget Practitioners")
    topic = do_start_topic(actor=ana, community=community, title="Costing a pilot", body="How?")

    statuses = warmup.warm_up()

    assert statuses["/"] == 200
    assert statuses["/c/budget-practitioners/"] == 200
    assert statuses["/c/budget-practitioners/topics/"] == 200
    assert statuses[f"/c/budget-practitioners/t/{topic.pk}/"] == 200
    assert all(status < 400 for status in statuses.values()), statuses


def test_a_main_page_that_fails_is_logged_as_an_error(caplog, monkeypatch):
    monkeypatch.setattr(warmup, "PATHS", [lambda: ["/c/no-such-community/"]])
    with caplog.at_level(logging.ERROR, logger="cultivate.warmup"):
        statuses = warmup.warm_up()
    assert statuses == {"/c/no-such-community/": 404}
    assert "/c/no-such-community/ answered 404" in caplog.text


def test_static_files_are_collected_again_only_when_they_changed(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    assert collect_static_if_changed() is True
    assert (tmp_path / STATIC_STAMP).exists() and (tmp_path / "cultivate" / "site.css").exists()
    assert collect_static_if_changed() is False
    (tmp_path / STATIC_STAMP).write_text("files of an older release")
    assert collect_static_if_changed() is True
