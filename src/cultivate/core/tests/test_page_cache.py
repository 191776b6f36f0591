import pytest
from django.test import Client

from cultivate.communities.actions import do_join_community, do_update_community

pytestmark = pytest.mark.django_db(transaction=True)  # versions bump on commit


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


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


def test_members_share_fragments_until_something_changes(make_user, make_community):
    ana = make_user("ana")
    community = make_community(ana, name="Open Door")
    ben, cleo = make_user("ben", display_name="Ben"), make_user("cleo")
    for person in (ben, cleo):
        do_join_community(actor=person, community=community)
    ben_client, cleo_client = Client(), Client()
    ben_client.force_login(ben)
    cleo_client.force_login(cleo)
    first = ben_client.get("/c/open-door/members/").content.decode()
    assert "Ben" in first
    assert "csrfmiddlewaretoken" not in first.split("<table")[1].split("</table>")[0]
    assert cleo_client.get("/c/open-door/members/").status_code == 200
    from cultivate.people.actions import do_update_profile

    do_update_profile(actor=ben, display_name="Benedict")
    assert "Benedict" in cleo_client.get("/c/open-door/members/").content.decode()
    assert "Benedict" in cleo_client.get("/c/open-door/").content.decode()


def test_conveners_get_their_own_management_forms(make_user, make_community):
    ana = make_user("ana")
    make_community(ana, name="Open Door")
    convener = Client()
    convener.force_login(ana)
    page = convener.get("/c/open-door/members/").content.decode()
    assert "Change role" in page and "csrfmiddlewaretoken" in page


def test_the_directory_of_a_member_of_a_private_community_is_their_own(make_user,
                                                                       make_community):
    ana = make_user("ana")
    make_community(ana, name="Secret Circle", visibility="private")
    make_community(ana, name="Open Door")
    outsider = Client()
    outsider.force_login(make_user("olga"))
    assert "Secret Circle" not in outsider.get("/").content.decode()
    member = Client()
    member.force_login(ana)
    assert "Secret Circle" in member.get("/").content.decode()
    assert "Secret Circle" not in outsider.get("/").content.decode()


def test_a_cached_page_still_refuses_a_host_it_does_not_serve(make_user, make_community):
    make_community(make_user("ana"), name="Open Door")
    for expected in ("miss", "hit"):
        assert Client().get("/c/open-door/")["X-Cache"] == expected
    assert Client().get("/c/open-door/", HTTP_HOST="evil.example").status_code == 400


def test_a_cached_page_still_redirects_plain_http_to_https(settings, make_user, make_community):
    settings.SECURE_SSL_REDIRECT = True
    make_community(make_user("ana"), name="Open Door")
    for expected in ("miss", "hit"):
        assert Client().get("/c/open-door/", secure=True)["X-Cache"] == expected
    plain = Client().get("/c/open-door/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/c/open-door/"


def test_pages_are_cached_per_host(settings, make_user, make_community):
    settings.ALLOWED_HOSTS = ["cop.example.org", "other.example.org"]
    make_community(make_user("ana"), name="Open Door")
    assert Client().get("/c/open-door/", HTTP_HOST="cop.example.org")["X-Cache"] == "miss"
    assert Client().get("/c/open-door/", HTTP_HOST="other.example.org")["X-Cache"] == "miss"


def test_a_cached_page_gets_a_fresh_content_security_nonce(make_user, make_community):
    make_community(make_user("ana"), name="Open Door")
    first, second = Client().get("/c/open-door/"), Client().get("/c/open-door/")
    assert second["X-Cache"] == "hit"
    policies = [r["Content-Security-Policy"] for r in (first, second)]
    assert "'nonce-" in policies[0] and policies[0] != policies[1]


def test_a_cached_page_that_used_its_nonce_gets_the_new_one_in_body_and_header(rf):
    from django.http import HttpResponse

    from cultivate.core.csp import CultivateCSPMiddleware
    from cultivate.core.page_cache import AnonymousPageCacheMiddleware

    def page_with_inline_script(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">start()</script>')

    stack = CultivateCSPMiddleware(AnonymousPageCacheMiddleware(page_with_inline_script))
    first, second = stack(rf.get("/")), stack(rf.get("/"))
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    for response in (first, second):
        nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        assert response.content.decode() == f'<script nonce="{nonce}">start()</script>'
    assert first.content != second.content
