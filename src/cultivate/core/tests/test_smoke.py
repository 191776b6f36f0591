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


@pytest.mark.django_db
def test_markdown_preview_is_sanitised_and_for_members_only(client, make_user, settings):
    assert client.post("/markdown/preview/", {"body": "*hi*"}).status_code == 302
    client.force_login(make_user("ana"))
    html = client.post("/markdown/preview/", {"body": "*hi* <script>x</script>"}).content
    assert html.decode().startswith("<p><em>hi</em> &lt;script&gt;")
    assert client.post("/markdown/preview/", {"body": "x" * 50_001}).status_code == 413
    api = client.post("/api/v1/markdown/preview", '{"text": "**ok**"}',
                      content_type="application/json")
    assert api.json() == {"html": "<p><strong>ok</strong></p>\n"}
    settings.CULTIVATE_PREVIEW_RATE = "2/m"
    statuses = [client.post("/markdown/preview/", {"body": "a"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.post("/me/tokens/", {"name": "still fine"}).status_code == 200  # own budget


@pytest.mark.django_db
def test_ordinary_refusals_are_not_logged_and_the_favicon_answers(client, caplog):
    """The embedded tier's terminal shows mail: a 403 or 404 must not print a traceback there,
    and browsers asking for /favicon.ico get the icon (issue 15)."""
    import logging

    with caplog.at_level(logging.WARNING):
        assert client.get("/me/stewarding/count/").status_code == 200
        assert client.get("/no-such-page/").status_code == 404
        assert client.get("/admin/").status_code == 302
    assert [r for r in caplog.records if r.name.startswith("django.request")] == []
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon["Location"].endswith(".svg")
