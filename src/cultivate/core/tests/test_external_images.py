"""External images in Markdown are click-to-load: reading a page fetches nothing from elsewhere."""

import importlib

import pytest
from django.apps import apps as live_apps

from cultivate.core.markdown import plain_text, render_markdown


def test_an_external_image_becomes_a_link_that_names_its_host(settings):
    settings.SITE_URL = "https://cultivate.example"
    html = render_markdown("Look: ![the chart](https://tracker.example/p.png?u=1&x=2)")
    assert "<img" not in html
    assert '<a class="external-image" href="https://tracker.example/p.png?u=1&amp;x=2"' in html
    assert 'data-alt="the chart"' in html
    assert "the chart: External image from tracker.example — load</a>" in html


def test_an_external_image_inside_a_link_becomes_text(settings):
    html = render_markdown("[![badge](https://badges.example/b.svg)](https://example.org/x)")
    assert "<img" not in html and "badges.example/b.svg" not in html
    assert html.count("<a ") == 1
    assert '<span class="external-image">badge: External image from badges.example</span>' in html


def test_search_text_leaves_the_placeholder_out():
    html = render_markdown("Cash ![chart](https://t.example/p.png) plans")
    assert plain_text(html) == "Cash  plans"


def test_our_own_and_relative_images_stay_images(settings):
    settings.SITE_URL = "https://cultivate.example"
    html = render_markdown("![a](/media/a.png) ![b](https://cultivate.example/media/b.png)")
    assert html.count("<img") == 2 and "external-image" not in html


def test_another_port_on_our_host_is_another_origin(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert "<img" not in render_markdown("![x](http://127.0.0.1:9999/p.png)")


def test_alt_text_cannot_break_out_of_the_button(settings):
    html = render_markdown('![" onmouseover="alert(1)<script>](https://t.example/p.png)')
    assert "<script" not in html and ' onmouseover="' not in html


@pytest.mark.django_db
def test_stored_html_from_before_is_rewritten_by_the_migration(make_user, make_community):
    ana = make_user("ana")
    community = make_community(ana)
    stored = '<p><img src="https://tracker.example/p.png" alt="x"></p>'
    type(community).objects.filter(pk=community.pk).update(charter_domain_html=stored)
    ana.bio_html = stored
    type(ana).objects.filter(pk=ana.pk).update(bio_html=stored)
    migration = importlib.import_module("cultivate.core.migrations.0003_defer_external_images")
    migration.defer_images_in_stored_html(live_apps, None)
    community.refresh_from_db()
    ana.refresh_from_db()
    for html in (community.charter_domain_html, ana.bio_html):
        assert "<img" not in html and "tracker.example" in html
