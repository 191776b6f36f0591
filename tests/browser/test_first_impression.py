"""Each role's first journey through the demo landscape, at 1280 and 390 pixels wide, as a
newcomer meets it (issue 15). Fails on a page wider than the screen, a console error, an axe
violation, and any link in the pages or in a mail from the SMTP capture that does not answer
2xx/3xx on the port this test server runs on."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.core.management import call_command
from playwright.sync_api import Page

from cultivate.communities.actions import do_invite_member, do_request_to_join
from cultivate.communities.models import Community
from cultivate.conversations.models import Topic
from cultivate.formats.builtin import ensure_builtin_formats
from cultivate.people.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
PASSWORD = "cultivate-demo"
COMMON = ["/", "/c/budget-reform/", "/c/budget-reform/topics/", "{topic}",
          "/c/budget-reform/events/", "/c/budget-reform/resources/", "/methods/",
          "/search/?q=budget"]
JOURNEYS = {
    None: [*COMMON, "/formats/", "/accounts/login/", "/accounts/signup/"],
    "milica": [*COMMON, "/me/stewarding/", "/me/notifications/", "/me/events/",
               "/people/milica/", "/c/budget-reform/topics/?unanswered=1"],
    "anahit": ["/c/budget-reform/", "/me/stewarding/", "/c/budget-reform/requests/",
               "/c/budget-reform/members/", "/c/budget-reform/insights/",
               "/c/budget-reform/health/", "/c/budget-reform/plan/", "{topic}"],
    "james": ["/c/budget-reform/", "/c/budget-reform/value/", "/value/", "/insights/"],
}
# Not followed: downloads that cost a PDF render each (rate-limited) and leaving the site.
SKIPPED_LINK = re.compile(r"\.pdf$|/accounts/logout/|^mailto:|^tel:")


def demo_landscape(settings, base: str) -> Topic:
    settings.SITE_URL = base
    ensure_builtin_formats()  # transactional tests flush the rows the migration loaded
    call_command("seed_demo", verbosity=0)
    return Topic.objects.get(title__startswith="How did you phase program budgeting")


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def visit(page: Page, url: str, problems: list[str], links: set[str], width: int) -> None:
    response = page.goto(url)
    where = f"{url} @{width}px"
    if response is None or response.status != 200:
        problems.append(f"{where}: status {response and response.status}")
        return
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 1:
        problems.append(f"{where}: {overflow}px wider than the screen")
    for v in Axe().run(page).response["violations"]:
        problems.append(f"{where}: axe {v['id']} ({v['impact']}) x{len(v['nodes'])}")
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
        links.add(href.split("#")[0])


def broken_links(request, links: set[str], base: str) -> list[str]:
    broken = []
    for link in sorted(links):
        if not link.startswith(base) and urlsplit(link).hostname in ("127.0.0.1", "localhost"):
            broken.append(f"{link}: another port than {base}")
            continue
        if not link.startswith(base) or SKIPPED_LINK.search(link):
            continue
        status = request.get(link, max_redirects=0).status
        if not 200 <= status < 400:
            broken.append(f"{link}: {status}")
    return broken


# skip-allowlist: "the journeys test runs once, on SQLite": layout, links and accessibility
# are the same on both databases, and walking every role at two widths takes minutes.
@pytest.mark.skipif(not django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
                    reason="the journeys test runs once, on SQLite")
def test_every_role_journey_fits_works_and_links_well(page: Page, live_server, settings,
                                                      smtp_server):
    base = live_server.url
    topic = demo_landscape(settings, base)
    browser, problems, console = page.context.browser, [], []
    for username, paths in JOURNEYS.items():
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900})
            tab = context.new_page()
            tab.on("console", lambda m, t=tab: console.append(f"{t.url}: {m.text[:120]}")
                   if m.type == "error" else None)
            tab.on("pageerror", lambda error, t=tab: console.append(f"{t.url}: {error}"))
            if username:
                sign_in(tab, base, username)
            links: set[str] = set()
            for path in paths:
                visit(tab, base + path.format(topic=topic.get_absolute_url()), problems, links,
                      width)
            if width == WIDTHS[0]:  # the same links at both widths: follow them once
                problems += [f"as {username or 'visitor'}: {b}"
                             for b in broken_links(context.request, links, base)]
            context.close()
    assert not problems, "\n".join(problems)
    assert not console, "\n".join(console)


def test_links_in_mails_lead_back_to_this_server(page: Page, live_server, settings,
                                                smtp_server):
    base = live_server.url
    demo_landscape(settings, base)
    budget = Community.objects.get(slug="budget-reform")
    anahit = User.objects.get(username="anahit")
    do_invite_member(actor=anahit, community=budget, email="newcomer@example.org",
                     message="Join us for the clinics.")
    logistics = Community.objects.get(slug="humanitarian-logistics")  # members ask to join
    do_request_to_join(actor=User.objects.get(username="lucas"), community=logistics,
                       message="I run the logistics of our evaluation missions.")
    assert smtp_server.messages, "the actions above send mail"
    links = set()
    for message in smtp_server.messages:
        body = message.get_content() if not message.is_multipart() else "".join(
            part.get_content() for part in message.walk() if part.get_content_type()
            == "text/plain")
        links |= {link.rstrip(".,)>") for link in re.findall(r"https?://[^\s<>\"]+", body)}
        links |= {link.strip("<>") for link in str(message.get("List-Unsubscribe", "")).split(",")
                  if link.strip()}
    ours = {link for link in links if urlsplit(link).hostname in ("127.0.0.1", "localhost")}
    assert ours and all(link.startswith(base) for link in ours), ours
    context = page.context
    assert broken_links(context.request, {urljoin(base, link) for link in ours}, base) == []
