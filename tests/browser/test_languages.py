"""The demo landscape in Arabic, right to left, at 1280 and 390 pixels: every page a role meets
is mirrored (`dir="rtl"`), fits the screen, logs no console error and has no axe violation;
the live room, the projector, the charts and the network picture included. Then the language
chooser works from the keyboard for a visitor, and a member's choice follows them."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from playwright.sync_api import Page, expect

from cultivate.events.models import Event
from cultivate.people.models import User
from tests.browser.test_first_impression import demo_landscape
from tests.browser.test_first_impression import sign_in as sign_in_to_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
JOURNEYS = {
    None: ["/", "/c/budget-reform/", "/c/budget-reform/topics/", "{topic}", "/formats/",
           "/formats/case-clinics/", "/methods/", "/accounts/login/", "/accounts/signup/"],
    "milica": ["/", "{topic}", "/c/budget-reform/events/", "{event}", "{live}",
               "/c/budget-reform/resources/", "/me/notifications/", "/me/profile/",
               "/search/?q=budget"],
    "anahit": ["/me/stewarding/", "/c/budget-reform/insights/",
               "/c/budget-reform/insights/network/", "/c/budget-reform/health/",
               "/c/budget-reform/plan/", "{projector}"],
    "james": ["/c/budget-reform/value/", "/value/", "/insights/"],
}


def check_page(page: Page, url: str, width: int) -> list[str]:
    response = page.goto(url)
    where = f"{url} @{width}px"
    if response is None or response.status != 200:
        return [f"{where}: status {response and response.status}"]
    page.wait_for_load_state("networkidle")
    problems = []
    if page.evaluate("document.documentElement.dir") != "rtl":
        problems.append(f"{where}: not right to left")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 1:
        problems.append(f"{where}: {overflow}px wider than the screen")
    for v in Axe().run(page).response["violations"]:
        problems.append(f"{where}: axe {v['id']} ({v['impact']}) x{len(v['nodes'])}")
    return problems


# skip-allowlist: "the Arabic journeys test runs once, on SQLite": layout and accessibility are the
# same on both databases, and every role at two widths takes minutes.
@pytest.mark.skipif(not django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
                    reason="the Arabic journeys test runs once, on SQLite")
def test_every_role_reads_the_demo_in_arabic_at_both_widths(page: Page, live_server, settings):
    base = live_server.url
    topic = demo_landscape(settings, base)
    User.objects.filter(username__in=[name for name in JOURNEYS if name]).update(language="ar")
    event = Event.objects.filter(community__slug="budget-reform").order_by("starts_at").last()
    live = f"/events/{event.pk}/live/"
    paths = {"topic": topic.get_absolute_url(), "event": event.get_absolute_url(),
             "live": live, "projector": live + "projector/"}
    browser, problems, console = page.context.browser, [], []
    for username, journey in JOURNEYS.items():
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900},
                                          locale="ar", extra_http_headers={
                                              "Accept-Language": "ar"})
            tab = context.new_page()
            # Django's test server has no websockets: the live room falls back to polling.
            tab.on("console", lambda m, t=tab: console.append(f"{t.url}: {m.text[:120]}")
                   if m.type == "error" and "WebSocket" not in m.text else None)
            if username:
                sign_in_to_demo(tab, base, username)
            for path in journey:
                problems += check_page(tab, base + path.format(**paths), width)
            context.close()
    assert not problems, "\n".join(problems)
    assert not console, "\n".join(console)


def test_a_visitor_changes_the_language_with_the_keyboard_alone(page: Page, live_server):
    page.goto(live_server.url + "/formats/")
    chooser = page.locator("#language-chooser")
    for _ in range(200):  # Tab through the page to the chooser, as a keyboard user does
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "language-chooser":
            break
    assert page.evaluate("document.activeElement.id") == "language-chooser"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    chooser.select_option("ar")
    page.keyboard.press("Tab")  # to the button
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/formats/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")


def test_a_member_s_choice_follows_them_to_another_browser(page: Page, live_server, make_user,
                                                          sign_in):
    make_user("nadia")
    sign_in(page, live_server.url, "nadia")
    page.goto(live_server.url + "/")
    page.locator("#language-chooser").select_option("ru")
    page.locator(".language-chooser button").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert User.objects.get(username="nadia").language == "ru"
    other = page.context.browser.new_context()
    tab = other.new_page()
    sign_in(tab, live_server.url, "nadia")
    tab.goto(live_server.url + "/me/profile/")
    expect(tab.locator("html")).to_have_attribute("lang", "ru")
    expect(tab.locator("#id_language")).to_have_value("ru")
    other.close()

