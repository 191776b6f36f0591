import pytest


@pytest.mark.django_db
def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_pages_render_for_a_visitor(client, make_user, make_community):
    convener = make_user("ana", display_name="Ana Lima")
    community = make_community(convener)
    for url in ["/", f"/c/{community.slug}/", f"/c/{community.slug}/members/",
                "/accounts/login/", "/accounts/signup/", "/people/ana/", "/api/v1/docs",
                "/api/v1/openapi.json"]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/c/{community.slug}/").content.decode()
    assert "<em>reform</em>" in page
    assert "Ana Lima" in page


@pytest.mark.django_db
def test_pages_load_no_third_party_assets(client, make_user, make_community):
    """Closed networks: every script and stylesheet comes from our own /static/."""
    import re

    make_community(make_user("ana"))
    for url in ["/", "/c/budget-practitioners/", "/accounts/login/", "/api/v1/docs"]:
        html = client.get(url).content.decode()
        assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
        assert assets, url
        assert all(asset.startswith("/static/") for asset in assets), (url, assets)
