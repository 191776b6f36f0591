"""Walk every URL pattern (pages, feeds, files, the admin) with bad input: NUL bytes, very long
and malformed segments and query strings, garbage forms. Nothing may answer 5xx.

The URL list is read from the resolver, so a new page is walked without being listed here. The
API has its own walk, from its schema (tests/test_api_bad_input.py)."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

GARBAGE_FORMS = [{}, {"role": "king", "decision": "maybe", "request_id": "abc", "email": "@@",
                      "name": "x" * 5000, "time_zone": "Mars/Base", "message": "y" * 10_000,
                      "title": "t\x00", "body": "b\x00", "starts_at": "yesterday",
                      "capacity": "-5", "kind": "poem", "page": "abc"},
                 {"request_id": "-1", "decision": "approve", "visibility": "secret"}]
BAD_SEGMENTS = ["a\x00b", "x" * 3000, "%ff%fe", "..", "99999999999999999999999", "-1", "ü名"]
BAD_QUERIES = ["q=%00&tag=%00&kind=%00&page=%00&sort=%00&community=%00&author=%00",
               "q=" + "x" * 10_000 + "&page=999999999999999999999",
               "page=-1&format=%ff&answered=maybe&limit=abc&language=%00"]
GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
# The API is walked from its schema; static files are whitenoise's, not ours.
SKIPPED_PREFIXES = ("api/", "static/")


def url_patterns(resolver=None, prefix: str = ""):
    """Every pattern's full route, as a template with <name> placeholders."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield as_template(route)


def as_template(route: str) -> str:
    route = route.replace("^", "").replace("$", "").replace("\\", "")
    route = GROUP.sub(lambda m: "<" + m.group(1) + ">", route)
    return ROUTE_PARAM.sub(lambda m: "<" + m.group(1) + ">", route)


def urls_of(template: str, values: dict) -> list[str]:
    """The URL with real values, then each parameter in turn replaced by every bad segment."""
    names = ROUTE_PARAM.findall(template)

    def fill(overrides):
        url = template
        for name in names:
            url = url.replace("<" + name + ">", str(overrides.get(name, values.get(name, "1"))))
        return "/" + url

    urls = [fill({})]
    for name in names:
        urls += [fill({name: bad}) for bad in BAD_SEGMENTS]
    if not names:
        urls.append(fill({}) + "\x00")
    return urls


def walked_urls(world) -> list[str]:
    urls = []
    for template in url_patterns():
        if template.startswith(SKIPPED_PREFIXES):
            continue
        values = dict(world["values"])
        if template.startswith("calendar/"):
            values["token"] = world["feed"]
        elif template.startswith("unsubscribe/"):
            values["token"] = world["unsubscribe"]
        urls.append(urls_of(template, values))
    return urls


def walked_requests(world):
    """Bad queries on each route's real URL; bad segments with no query."""
    for urls in walked_urls(world):
        real, *bad = urls
        yield from ((real, query) for query in ["", *BAD_QUERIES])
        yield from ((url, "") for url in bad)


def test_the_walk_covers_every_app(world):
    urls = [url for variants in walked_urls(world) for url in variants]
    for part in ("/c/budget/t/", "/events/", "/live/", "/methods/", "/c/budget/resources/",
                 "/files/", "/formats/", "/insights/", "/me/", "/accounts/", "/admin/"):
        assert any(part in url for url in urls), part
    assert len(urls) > 500


def test_no_page_answers_5xx_to_bad_segments_or_queries(world):
    failures = []
    clients = {"anonymous": Client(raise_request_exception=False),
               "member": Client(raise_request_exception=False)}
    clients["member"].force_login(world["milica"])
    for url, query in walked_requests(world):
        for who, client in clients.items():
            response = client.get(url + ("?" + query if query else ""))
            if response.status_code >= 500:
                failures.append((who, url[:120], query[:40], response.status_code))
    assert not failures, failures


def test_nul_in_a_query_or_path_answers_a_clear_400(client, world):
    for url in ("/?q=%00", "/search/?q=a%00b", "/people/a%00b/", "/methods/?q=%00"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "NUL" in response.content.decode()
    api = client.get("/api/v1/communities?q=%00")
    assert api.status_code == 400
    assert api.json()["error"]["code"] == "bad_request"


def test_no_form_answers_5xx_to_garbage(world):
    """Every route, posted garbage by its convener: a form error or a 4xx, never a 500."""
    failures = []
    convener = Client(raise_request_exception=False)
    convener.force_login(world["ana"])
    for template in url_patterns():
        if template.startswith(SKIPPED_PREFIXES + ("accounts/logout",)):
            continue
        url = urls_of(template, world["values"])[0]
        for data in GARBAGE_FORMS:
            response = convener.post(url, data)
            if response.status_code >= 500:
                failures.append((url, sorted(data)[:3], response.status_code))
    assert not failures, failures
