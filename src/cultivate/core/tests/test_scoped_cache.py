"""Cached pages expire by what changed (a community, a topic), and a missing entry is built once.

Runs on both tiers: local memory on SQLite, Redis with PostgreSQL (the suite's REDIS_URL)."""

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cultivate.conversations.actions import do_reply, do_start_topic
from cultivate.core import page_cache

pytestmark = pytest.mark.django_db(transaction=True)  # scopes expire on commit


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def two_communities(make_user, make_community):
    ana = make_user("ana")
    busy = make_community(ana, name="Busy Budgets")
    quiet = make_community(ana, name="Quiet Logistics")
    return ana, busy, quiet


def test_a_write_shows_at_once_in_its_community_and_leaves_another_cached(two_communities):
    ana, busy, quiet = two_communities
    visitor = Client()
    for path in ("/c/busy-budgets/", "/c/quiet-logistics/"):
        assert visitor.get(path)["X-Cache"] == "miss"
        assert visitor.get(path)["X-Cache"] == "hit"

    do_start_topic(actor=ana, community=busy, title="Who has costed a gender tagging pilot?",
                   body="We start next month.")

    busy_home = visitor.get("/c/busy-budgets/")
    assert busy_home["X-Cache"] == "miss"
    assert "Who has costed a gender tagging pilot?" in busy_home.content.decode()
    assert visitor.get("/c/quiet-logistics/")["X-Cache"] == "hit"


def test_a_reply_expires_its_topic_page_not_the_other_topics_of_the_community(two_communities):
    ana, busy, _quiet = two_communities
    first = do_start_topic(actor=ana, community=busy, title="Costing a pilot", body="How?")
    second = do_start_topic(actor=ana, community=busy, title="Audit findings", body="Share.")
    visitor = Client()
    pages = {t.pk: f"/c/busy-budgets/t/{t.pk}/" for t in (first, second)}
    for path in pages.values():
        visitor.get(path)
        assert visitor.get(path)["X-Cache"] == "hit"

    do_reply(actor=ana, topic=first, body="We used the costing template.")

    fresh = visitor.get(pages[first.pk])
    assert fresh["X-Cache"] == "miss" and "the costing template" in fresh.content.decode()
    assert visitor.get(pages[second.pk])["X-Cache"] == "hit"
    assert "Costing a pilot" in visitor.get("/c/busy-budgets/topics/").content.decode()


def test_a_member_of_a_quiet_community_reads_its_fragments_from_the_cache(two_communities,
                                                                         make_user):
    ana, busy, quiet = two_communities
    reader = Client()
    reader.force_login(make_user("ben"))
    reader.get("/c/quiet-logistics/topics/")  # builds the shared topic table
    with CaptureQueriesContext(connection) as warm:
        reader.get("/c/quiet-logistics/topics/")

    do_start_topic(actor=ana, community=busy, title="Elsewhere", body="Not in quiet.")

    with CaptureQueriesContext(connection) as after_write_elsewhere:
        page = reader.get("/c/quiet-logistics/topics/")
    assert page.status_code == 200
    assert len(after_write_elsewhere) == len(warm)  # nothing was rebuilt
    do_start_topic(actor=ana, community=quiet, title="Cold chain audit", body="Here.")
    assert "Cold chain audit" in reader.get("/c/quiet-logistics/topics/").content.decode()


def test_a_rolled_back_write_expires_nothing(two_communities):
    _ana, busy, _quiet = two_communities
    before = page_cache.versions([page_cache.community_scope(busy.pk)], fresh=True)
    with transaction.atomic():
        page_cache.expire(page_cache.community_scope(busy.pk))
        transaction.set_rollback(True)
    assert page_cache.versions([page_cache.community_scope(busy.pk)], fresh=True) == before


def test_a_lost_version_never_brings_an_old_entry_back(two_communities):
    _ana, busy, _quiet = two_communities
    scope = page_cache.community_scope(busy.pk)
    page_cache.cached_value("test:lost", (scope,), lambda: "old")
    cache.delete(f"cultivate:scope:{scope}")  # evicted, or the cache restarted
    page_cache._forget_tokens()
    assert page_cache.cached_value("test:lost", (scope,), lambda: "new") == "new"


def test_readers_of_a_missing_entry_wait_for_one_build(settings):
    builds, results = [], []

    def compute():
        builds.append(1)
        time.sleep(0.3)
        return "built once"

    def reader():
        page_cache._forget_tokens()
        results.append(page_cache.cached_value("test:herd", ("community:999",), compute))

    readers = [threading.Thread(target=reader) for _ in range(8)]
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join()
    assert results == ["built once"] * 8
    assert len(builds) == 1


def test_a_page_that_declares_nothing_expires_with_every_write(two_communities, make_user):
    ana, busy, _quiet = two_communities
    visitor = Client()
    visitor.get("/people/ana/")
    assert visitor.get("/people/ana/")["X-Cache"] == "hit"
    do_start_topic(actor=ana, community=busy, title="Anything", body="Anywhere.")
    assert visitor.get("/people/ana/")["X-Cache"] == "miss"
