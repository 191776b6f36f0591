"""An external image in Markdown is fetched only when the reader clicks "load" (not a tracking
pixel). The image comes from a real HTTP server on another port, which counts its requests."""

import base64
import copy
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from cultivate.conversations.actions import do_start_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@pytest.fixture
def image_host():
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's hook
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PIXEL)))
            self.end_headers()
            self.wfile.write(PIXEL)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()
    server.server_close()


def test_an_external_image_loads_only_on_a_click(page: Page, live_server, settings,
                                                  make_user, make_community, image_host):
    host, requests = image_host
    settings.SITE_URL = live_server.url
    _allow_images_from(settings, host)  # else the policy refuses the image and the link returns
    make_community(make_user("ana"), name="Open Budget",
                   charter_domain=f"Our logo: ![the logo]({host}/p.png)")

    page.goto(f"{live_server.url}/c/open-budget/")
    load = page.get_by_role("link", name="External image from 127.0.0.1")
    expect(load).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert requests == [], "the page fetched the external image before anyone asked"
    assert page.locator(f'img[src^="{host}"]').count() == 0

    load.click()
    expect(page.locator(f'img[src="{host}/p.png"]')).to_have_count(1)
    expect(page.locator("a.external-image")).to_have_count(0)
    page.wait_for_function("() => document.querySelector('img.external-image-loaded')"
                           "?.naturalWidth > 0")
    assert requests == ["/p.png"]


def _allow_images_from(settings, host):
    """The site's policy allows https images; the test's image host speaks plain http."""
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"] = [*policy["DIRECTIVES"]["img-src"], host]
    settings.CONTENT_SECURITY_POLICY = policy


def test_a_show_community_loads_external_images_at_once_a_click_one_waits(
        page: Page, live_server, settings, make_user, make_community, image_host, sign_in):
    """Conveners chose per community (issue 12, finding 11): the image of a topic in a 'show'
    community is fetched with the page; in a 'click' community, only once clicked."""
    host, requests = image_host
    settings.SITE_URL = live_server.url
    _allow_images_from(settings, host)
    ana = make_user("ana")
    shown = make_community(ana, name="Open Budget", external_images="show")
    waits = make_community(ana, name="Quiet Budget")
    shown_topic = do_start_topic(actor=ana, community=shown, title="Logos",
                                 body=f"Ours: ![the logo]({host}/show.png)")
    waiting_topic = do_start_topic(actor=ana, community=waits, title="Logos",
                                   body=f"Ours: ![the logo]({host}/click.png)")
    sign_in(page, live_server.url, "ana")

    page.goto(f"{live_server.url}/c/quiet-budget/t/{waiting_topic.pk}/")
    load = page.get_by_role("link", name="the logo: External image from 127.0.0.1")
    expect(load).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert "/click.png" not in requests, "a click community fetched the image unasked"
    load.click()
    expect(page.locator(f'main img[src="{host}/click.png"]')).to_have_count(1)
    page.wait_for_function("() => document.querySelector('img.external-image-loaded')"
                           ".naturalWidth > 0")
    assert requests.count("/click.png") == 1

    page.goto(f"{live_server.url}/c/open-budget/t/{shown_topic.pk}/")
    image = page.locator(f'main[data-external-images="show"] img[src="{host}/show.png"]')
    expect(image).to_have_count(1)
    expect(page.locator("a.external-image")).to_have_count(0)
    page.wait_for_function("() => document.querySelector('img.external-image-loaded')"
                           ".naturalWidth > 0")
    assert requests.count("/show.png") == 1
