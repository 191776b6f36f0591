"""An external image in Markdown is fetched only when the reader clicks "load" (not a tracking
pixel). The image comes from a real HTTP server on another port, which counts its requests."""

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

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
    make_community(make_user("ana"), name="Open Budget",
                   charter_domain=f"Our logo: ![the logo]({host}/p.png)")

    page.goto(f"{live_server.url}/c/open-budget/")
    load = page.get_by_role("link", name="External image from 127.0.0.1")
    expect(load).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert requests == [], "the page fetched the external image before anyone asked"
    assert page.locator(f'img[src^="{host}"]').count() == 0

    load.click()
    shown = page.locator(f'img[src="{host}/p.png"], a.external-image-link')
    expect(shown).to_have_count(1)
    expect(page.locator("a.external-image")).to_have_count(0)
    if page.locator(f'img[src="{host}/p.png"]').count():  # no policy forbids the host
        page.wait_for_function("() => document.querySelector('img.external-image-loaded')"
                               ".naturalWidth > 0")
        assert requests == ["/p.png"]
