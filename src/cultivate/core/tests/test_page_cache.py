import pytest
from django.test import Client

from cultivate.communities.actions import do_join_community, do_update_community

pytestmark = pytest.mark.django_db(transaction=True)  # versions bump on commit


def test_anonymous_reads_are_cached_until_something_changes(make_user, make_community):
    ana = make_user("ana")
    community = make_community(ana, name="Open Door", tagline="First tagline")
    visitor = Client()
    first = visitor.get("/c/open-door/")
    assert first["X-Cache"] == "miss"
    second = visitor.get("/c/open-door/")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["X-Frame-Options"] == "DENY"  # headers from inner middleware are kept
    do_update_community(actor=ana, community=community, tagline="Second tagline")
    fresh = visitor.get("/c/open-door/")
    assert fresh["X-Cache"] == "miss" and "Second tagline" in fresh.content.decode()
    do_join_community(actor=make_user("ben"), community=community)
    assert "2 members" in visitor.get("/").content.decode()


def test_signed_in_token_htmx_and_private_paths_are_never_cached(make_user, make_community):
    ana = make_user("ana")
    make_community(ana, name="Open Door")
    member = Client()
    member.force_login(ana)
    for _ in range(2):
        assert "X-Cache" not in member.get("/c/open-door/")
    for _ in range(2):
        assert "X-Cache" not in Client().get("/", HTTP_HX_REQUEST="true")
        assert "X-Cache" not in Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer cul_x")
        assert "X-Cache" not in Client().get("/accounts/login/")


def test_query_strings_are_cached_apart(make_user, make_community):
    ana = make_user("ana")
    make_community(ana, name="Humanitarian Logistics", kind="community")
    make_community(ana, name="Facilitators Network", kind="network")
    networks = Client().get("/?kind=network").content.decode()
    everything = Client().get("/").content.decode()
    assert "Humanitarian Logistics" not in networks
    assert "Humanitarian Logistics" in everything
