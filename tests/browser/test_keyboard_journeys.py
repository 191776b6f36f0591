"""Every main journey with the keyboard alone: sign in, join, ask, answer, accept, write a
method, say you are going to an event, take part in a live session and read insights. Each
control is reached with Tab (never clicked), and every stop on the way shows a visible focus."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_SHOWN = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return ring || style.boxShadow !== 'none';
}"""


def tab_to(page: Page, locator, limit: int = 250) -> None:
    """Press Tab until `locator` has the focus; fail on a stop without a visible focus."""
    target = locator.first.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        tag = page.evaluate("document.activeElement.tagName")
        if tag not in ("BODY", "HTML") and not page.evaluate(FOCUS_SHOWN):
            html = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
            raise AssertionError(f"{page.url}: no visible focus on {html}")
        if page.evaluate("(el) => document.activeElement === el", target):
            return
    raise AssertionError(f"{page.url}: not reachable with Tab: {locator}")


def press_on(page: Page, locator, key: str = "Enter") -> None:
    tab_to(page, locator)
    page.keyboard.press(key)


def type_into(page: Page, locator, text: str) -> None:
    tab_to(page, locator)
    page.keyboard.type(text)


def sign_in_by_keyboard(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    type_into(page, page.locator("#id_login"), username)
    type_into(page, page.locator("#id_password"), "a-long-passphrase")
    press_on(page, page.locator("main button[type=submit]"))
    expect(page.locator("#id_login")).to_have_count(0)


@pytest.fixture
def clinic(make_user, make_community):
    from cultivate.events.models import Event
    from cultivate.live.actions import do_set_channel

    people = {name: make_user(name) for name in ("ana", "ben")}
    community = make_community(people["ana"], name="Budget Clinic")
    soon = timezone.now() + timedelta(days=3)
    upcoming = Event.objects.create(community=community, title="Arrears clinic", starts_at=soon,
                                    ends_at=soon + timedelta(hours=1))
    now = timezone.now() - timedelta(minutes=5)
    live = Event.objects.create(community=community, title="Live clinic", starts_at=now,
                                ends_at=now + timedelta(hours=1))
    do_set_channel(actor=people["ana"], event=live)
    return {"community": community, "upcoming": upcoming, "live": live, **people}


def test_join_ask_answer_accept_method_rsvp_and_insights_with_the_keyboard(page: Page,
                                                                          live_server, clinic):
    from cultivate.communities.models import Membership
    from cultivate.conversations.models import Post, Topic
    from cultivate.events.models import Rsvp
    from cultivate.practice.models import Method

    base = live_server.url
    sign_in_by_keyboard(page, base, "ben")
    page.goto(base + "/c/budget-clinic/")  # join
    press_on(page, page.get_by_role("button", name="Join this community"))
    expect(page.get_by_role("link", name="Ask a question").first).to_be_visible()
    assert Membership.objects.filter(user=clinic["ben"]).exists()

    press_on(page, page.get_by_role("link", name="Ask a question").first)  # ask
    page.wait_for_url("**/topics/new/**")
    type_into(page, page.locator("#id_title"), "How do you plan arrears?")
    type_into(page, page.locator("#id_body"), "We start in March.")
    press_on(page, page.locator("main form button[type=submit]").last)
    page.wait_for_url("**/t/**")
    topic = Topic.objects.get(title="How do you plan arrears?")
    assert topic.kind == "question"

    sign_in_by_keyboard(page, base, "ana")  # answer
    page.goto(base + topic.get_absolute_url())
    type_into(page, page.locator("#id_body"), "Start from last year's figures.")
    press_on(page, page.get_by_role("button", name="Post reply"))
    expect(page.get_by_text("Start from last year's figures.")).to_be_visible()

    sign_in_by_keyboard(page, base, "ben")  # accept
    page.goto(base + topic.get_absolute_url())
    press_on(page, page.get_by_role("button", name="Accept this answer"))
    expect(page.get_by_text("Answer accepted.")).to_be_visible()
    topic.refresh_from_db()
    assert topic.accepted_answer == Post.objects.get(body="Start from last year's figures.")

    page.goto(base + "/c/budget-clinic/methods/new/")  # write a method
    type_into(page, page.locator("#id_title"), "Arrears triage")
    type_into(page, page.locator("#id_brief"), "Sort arrears by age before anything else.")
    press_on(page, page.locator("main form button[type=submit]").last)
    page.wait_for_url("**/methods/arrears-triage/")
    assert Method.objects.filter(title="Arrears triage").exists()

    page.goto(base + clinic["upcoming"].get_absolute_url())  # say you are going
    press_on(page, page.locator("#rsvp button[value=going]"))
    expect(page.locator("#rsvp button[value=going]")).to_have_attribute("aria-pressed", "true")
    assert Rsvp.objects.get(user=clinic["ben"]).answer == "going"

    from cultivate.insights.jobs import recompute

    recompute()  # the hourly job
    sign_in_by_keyboard(page, base, "ana")  # read insights, numbers included
    page.goto(base + "/c/budget-clinic/")
    press_on(page, page.get_by_role("link", name="Insights").first)
    page.wait_for_url("**/insights/")
    table = page.get_by_text("Show the numbers as a table").first
    press_on(page, table)
    expect(page.locator("details[open] table").first).to_be_visible()


def test_take_part_in_a_live_session_with_the_keyboard(page: Page, served, clinic):
    from cultivate.communities.actions import do_join_community
    from cultivate.live.models import Item

    do_join_community(actor=clinic["ben"], community=clinic["community"])
    for user in (clinic["ana"], clinic["ben"]):  # uvicorn checks with the production hashers
        user.password = PBKDF2PasswordHasher().encode("a-long-passphrase", "saltsaltsalt")
        user.save(update_fields=["password"])
    sign_in_by_keyboard(page, served, "ben")
    page.goto(f"{served}/events/{clinic['live'].pk}/live/")
    type_into(page, page.locator("#live-body"), "Which arrears come first?")
    press_on(page, page.locator("#live-post button[type=submit]"))
    question = page.locator(".live-item", has_text="Which arrears come first?")
    expect(question).to_be_visible()
    assert Item.objects.get(body="Which arrears come first?").kind == "question"
    sign_in_by_keyboard(page, served, "ana")
    page.goto(f"{served}/events/{clinic['live'].pk}/live/")
    press_on(page, page.locator(".live-item", has_text="Which arrears come first?")
             .get_by_role("button", name="Vote"))
    expect(page.locator(".live-item", has_text="Which arrears come first?")
           .get_by_role("button", name="Withdraw vote")).to_be_visible()
