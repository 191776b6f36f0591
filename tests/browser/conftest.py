import os

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session", autouse=True)
def _allow_database_under_playwright():
    # Playwright's sync API runs an event loop in this thread; Django would refuse DB calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic",
                 "--no-first-run"],
    }


def open_account_menu(page):
    """The header's last menu is the account's: profile, events, tokens, sign out."""
    page.locator("header details.menu > summary").last.click()


@pytest.fixture
def sign_in():
    """Signs `page` in as `username` (after signing out whoever was) and fails at once if the
    sign-in did not take: a test must never go on checking the login page by mistake."""
    from playwright.sync_api import expect

    def sign_in_as(page, base: str, username: str, password: str = "a-long-passphrase"):
        page.context.clear_cookies()
        page.goto(f"{base}/accounts/login/")
        page.locator("#id_login").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("main button[type=submit]").click()
        expect(page.locator("#id_login")).to_have_count(0)
        # The sign-out button sits in the account menu (closed): count it, visible or not.
        expect(page.locator("header form[action='/accounts/logout/'] button")).to_have_count(1)

    return sign_in_as


@pytest.fixture
def served(tmp_path):
    """The address of a real uvicorn (the production entry point, websockets included) on the
    test database, with collected static files."""
    from tests.live_servers import asgi_servers, collect_static

    env = collect_static({}, tmp_path / "static")
    with asgi_servers(1, env=env) as (server,):
        yield server.http
