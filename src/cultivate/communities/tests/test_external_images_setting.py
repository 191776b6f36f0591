"""Conveners choose per community whether images from other sites load at once or only on a
click (issue 12, finding 11): through the edit page and the API, and pages of the community
carry the choice for external_images.js."""

import pytest

from cultivate.audit.models import AuditEntry
from cultivate.communities.actions.membership import add_member
from cultivate.conversations.actions import do_start_topic

pytestmark = pytest.mark.django_db

LOGO = "Our logo: ![the logo](https://images.example/logo.png)"


@pytest.fixture
def circle(make_user, make_community):
    ana, fay = make_user("ana"), make_user("fay")
    community = make_community(ana, name="Circle", charter_domain=LOGO)
    add_member(community=community, user=fay, role="facilitator", how="test", actor=ana)
    return community, ana, fay


def _patch(client, headers, body):
    return client.patch("/api/v1/communities/circle", body, content_type="application/json",
                        **headers)


def test_a_convener_switches_external_images_through_the_api(circle, client, token_of):
    community, ana, _fay = circle
    assert client.get("/api/v1/communities/circle").json()["external_images"] == "click"

    answer = _patch(client, token_of(ana), {"external_images": "show"})

    assert answer.status_code == 200 and answer.json()["external_images"] == "show"
    community.refresh_from_db()
    assert community.external_images == "show"
    entry = AuditEntry.objects.get(verb="community.settings_changed")
    assert entry.details == {"external_images": "show"}


def test_a_bad_value_is_refused_with_the_field(circle, client, token_of):
    community, ana, _fay = circle
    answer = _patch(client, token_of(ana), {"external_images": "always", "tagline": "New"})
    assert answer.status_code == 422
    assert "external_images" in answer.json()["error"]["fields"]
    community.refresh_from_db()
    assert (community.external_images, community.tagline) == ("click", "")


def test_a_facilitator_edits_the_charter_but_not_external_images(circle, client, token_of):
    community, _ana, fay = circle
    refused = _patch(client, token_of(fay), {"external_images": "show"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "conveners_only"
    assert "external_images" in refused.json()["error"]["fields"]
    allowed = _patch(client, token_of(fay), {"tagline": "Budgets, together"})
    assert allowed.status_code == 200
    community.refresh_from_db()
    assert (community.external_images, community.tagline) == ("click", "Budgets, together")


FORM = {"name": "Circle", "slug": "circle", "tagline": "", "kind": "community",
        "stage": "potential", "visibility": "public", "join_policy": "open", "tags": "",
        "charter_domain": LOGO, "charter_community": "C", "charter_practice": "P"}


def test_the_edit_page_offers_the_choice_with_its_explanation(circle, signed_in):
    community, ana, fay = circle
    page = signed_in(ana).get("/c/circle/edit/").content.decode()
    assert "Images from other sites" in page and "who read what" in page
    assert 'name="external_images" value="show"' in page

    saved = signed_in(ana).post("/c/circle/edit/", FORM | {"external_images": "show"})
    assert saved.status_code == 302
    community.refresh_from_db()
    assert community.external_images == "show"

    signed_in(fay).post("/c/circle/edit/", FORM | {"external_images": "click",
                                                    "charter_practice": "Peer assists"})
    community.refresh_from_db()
    assert (community.external_images, community.charter_practice) == ("show", "Peer assists")


def test_pages_of_a_show_community_carry_the_marker(circle, signed_in, make_user):
    community, ana, _fay = circle
    client = signed_in(make_user("ben"))  # signed in: never served from the page cache
    topic = do_start_topic(actor=ana, community=community, title="Logos", body=LOGO)
    topic_url = f"/c/circle/t/{topic.pk}/"
    for url in ("/c/circle/", topic_url):
        page = client.get(url).content.decode()
        assert 'class="external-image"' in page
        assert 'data-external-images="show"' not in page

    signed_in(ana).post("/c/circle/edit/", FORM | {"external_images": "show"})

    for url in ("/c/circle/", topic_url):
        assert 'data-external-images="show"' in client.get(url).content.decode(), url
    assert 'data-external-images="show"' not in client.get("/").content.decode()
