"""Under the strict Content-Security-Policy, in Chromium against the production server (uvicorn):
a member's community home, a topic whose reply preview updates as they type, the insights
charts, the live room over its websocket, its projector view and the API docs all work, and
the browser reports no violation of the policy."""

import re

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.cspViolations.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
));
"""


@pytest.fixture
def world(make_user, make_community):
    from datetime import timedelta

    from django.utils import timezone

    from cultivate.conversations.actions import do_start_topic
    from cultivate.events.models import Event
    from cultivate.insights.tests.dashboard_data import fill, make_world
    from cultivate.live.actions import do_set_channel

    world = make_world(make_user, make_community)
    fay = world["fay"]  # the server checks passwords with the production hashers
    fay.password = PBKDF2PasswordHasher().encode("a-long-passphrase", "saltsaltsalt")
    fay.save(update_fields=["password"])
    community = world["private"]
    fill(community)
    world["topic"] = do_start_topic(actor=world["ana"], community=community, kind="question",
                                    title="Arrears forecasts", body="How do you forecast?")
    start = timezone.now() - timedelta(minutes=5)
    world["event"] = Event.objects.create(community=community, title="Case clinic",
                                          starts_at=start, ends_at=start + timedelta(hours=1))
    do_set_channel(actor=world["ana"], event=world["event"], guests_allowed=True)
    return world


def test_pages_work_without_breaking_the_policy(page: Page, served, world):
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    violations: list[str] = []

    def visit(path: str) -> None:
        response = page.goto(served + path)
        assert "'nonce-" in response.headers["content-security-policy"], path

    def collect() -> None:
        violations.extend(f"{page.url}: {v}" for v in page.evaluate("window.cspViolations"))

    visit("/accounts/login/")
    page.locator("#id_login").fill("fay")
    page.locator("#id_password").fill("a-long-passphrase")
    page.locator("main button[type=submit]").click()
    expect(page.locator("#id_login")).to_have_count(0)

    visit("/c/treasury-circle/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Treasury Circle")
    collect()

    visit(world["topic"].get_absolute_url())
    page.get_by_label("Your reply").fill("We *start* from last year")
    page.get_by_label("Your reply").press("End")  # htmx previews on keyup
    expect(page.locator("#body-preview em")).to_have_text("start")  # htmx posted and swapped
    collect()

    visit("/c/treasury-circle/insights/")
    rings = page.locator("#plot-levels")
    expect(rings.locator("svg.main-svg").first).to_be_visible(timeout=30_000)
    expect(rings.get_by_text("Core group: 3 (4.5%)")).to_be_visible()
    rings.hover()  # the mode bar and hover labels are styled by plotly's own rules
    collect()

    visit(f"/events/{world['event'].pk}/live/")
    expect(page.locator("#live-connection")).to_have_text(re.compile("Live"))  # websocket
    collect()
    visit(f"/events/{world['event'].pk}/live/projector/")
    expect(page.locator(".join-code")).to_have_text(world["event"].join_code)
    collect()

    visit("/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
    assert page.locator(".opblock").count() > 50  # swagger lists the operations
    collect()

    blocked = [text for text in console if "Content Security Policy" in text]
    assert violations == [] and blocked == [], violations + blocked
