"""Walk every URL pattern (pages, feeds, files, the admin) with bad input: NUL bytes, very long
and malformed segments and query strings, garbage forms. Nothing may answer 5xx.

The URL list is read from the resolver, so a new page is walked without being listed here. The
API has its own walk, from its schema (tests/test_api_bad_input.py)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

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


@pytest.fixture
def world(make_user, make_community):
    """One of everything a URL can name, so the real-value URLs reach the views' queries."""
    from cultivate.attachments.actions import do_upload_attachment
    from cultivate.attachments.tests.files import png, upload
    from cultivate.communities.actions import do_invite_member
    from cultivate.conversations.actions import do_reply, do_start_topic
    from cultivate.conversations.mailing import unsubscribe_token
    from cultivate.events.actions import do_ensure_calendar_feed, do_plan_event
    from cultivate.live.actions import do_create_poll, do_join_as_member, do_post_item
    from cultivate.people.actions import do_create_access_token
    from cultivate.practice.actions import do_create_method, do_tell_story
    from cultivate.resources.actions import do_add_resource

    ana, milica = make_user("ana"), make_user("milica")
    budget = make_community(ana, name="Budget", join_policy="request")
    from cultivate.communities.actions import do_request_to_join

    do_request_to_join(actor=milica, community=budget, message="Hello")
    topic = do_start_topic(actor=ana, community=budget, kind="question", title="How to start?",
                           body="Where do we begin with circulars?")
    post = do_reply(actor=ana, topic=topic, body="With a peer review.")
    method = do_create_method(actor=ana, community=budget, title="Budget circles",
                              brief="Peers meet.")
    story = do_tell_story(actor=ana, method=method, title="It worked", outcome="success",
                          context="A ministry.", what_we_did="Met.", what_happened="Learned.")
    resource = do_add_resource(actor=ana, community=budget, form="link", title="Guide",
                               summary="A guide", language="en", url="https://example.org/g")
    attachment = do_upload_attachment(actor=ana, community=budget,
                                      uploaded_file=upload("dot.png", png(), "image/png"))
    start = timezone.now() + timedelta(days=2)
    event = do_plan_event(actor=ana, community=budget, title="Case clinic", starts_at=start,
                          ends_at=start + timedelta(hours=1), time_zone="UTC")
    participant = do_join_as_member(actor=ana, event=event)
    item = do_post_item(participant=participant, kind="question", body="Why?")
    poll = do_create_poll(actor=ana, event=event, question="Which?", options=["A", "B"])
    invitation = do_invite_member(actor=ana, community=budget, email="new@example.org")
    token, _secret = do_create_access_token(actor=ana, name="walker")
    values = {
        "slug": budget.slug, "user_id": milica.pk, "request_id": 1, "topic_id": topic.pk,
        "post_id": post.pk, "invitation_id": invitation.pk, "token": invitation.token,
        "token_id": token.pk, "username": "milica", "format_slug": "case-clinics",
        "method": method.slug, "version": 1, "story_id": story.pk, "resource_id": resource.pk,
        "attachment_id": attachment.pk, "name": attachment.original_name, "pk": event.pk,
        "event_id": event.pk, "participant_id": participant.pk, "item_id": item.pk,
        "poll_id": poll.pk, "code": event.join_code, "claim_id": 1, "which": "edges",
        "chart": "levels", "fmt": "csv", "provider_id": "sso", "key": "forged",
        "uidb36": "1", "object_id": 1, "app_label": "people", "content_type_id": 1,
    }
    feed = do_ensure_calendar_feed(actor=milica)
    return {"ana": ana, "milica": milica, "values": values,
            "feed": feed.token, "unsubscribe": unsubscribe_token(milica.pk, budget.pk)}


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
