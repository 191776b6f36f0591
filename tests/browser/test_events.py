"""A facilitator plans an event from a learning format, a member in another time zone sees it
in their own time and says they are going; axe finds nothing on the way."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from cultivate.communities.models import Membership
from cultivate.events.models import Event, Rsvp
from tests.browser.conftest import open_account_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page: Page) -> None:
    open_account_menu(page)
    page.get_by_role("button", name="Sign out").click()


def no_violations(page: Page) -> list[str]:
    return [f"{page.url}: {v['id']}: {v['help']}" for v in Axe().run(page).response["violations"]]


def test_plan_from_a_format_answer_and_see_it_in_your_own_zone(page: Page, live_server,
                                                                make_user, make_community, sign_in):
    from cultivate.formats.builtin import ensure_builtin_formats

    ensure_builtin_formats()  # transactional tests flush the rows the migration loaded
    ana = make_user("ana", time_zone="Asia/Almaty")
    community = make_community(ana, name="Budget Clinic", visibility="private",
                               join_policy="invitation")
    Membership.objects.create(community=community, user=make_user("fay"), role="facilitator")
    Membership.objects.create(community=community, user=make_user("ben",
                                                                   time_zone="Europe/Paris"))
    base = live_server.url
    found = []

    sign_in(page, base, "fay")
    page.goto(f"{base}/c/budget-clinic/")
    page.get_by_role("link", name="Events", exact=True).click()
    expect(page.get_by_role("heading", name="Learning events")).to_be_visible()
    found += no_violations(page)
    page.get_by_role("link", name="Plan an event").click()
    page.get_by_label(re.compile("^Learning-activity format")).select_option("peer-assist")
    page.get_by_role("button", name="Use this format").click()
    expect(page.get_by_role("status").filter(has_text="You chose")).to_be_visible()
    agenda = page.get_by_label(re.compile("^Agenda"))
    expect(agenda).not_to_have_value("")
    expect(page.get_by_label(re.compile("^Title"))).to_have_value(re.compile("Peer"))
    found += no_violations(page)
    page.get_by_label(re.compile("^Title")).fill("Peer assist: program budgets")
    page.get_by_label(re.compile("^Starts")).fill("2031-03-14T15:00")
    page.get_by_label(re.compile("^Ends")).fill("2031-03-14T16:30")
    page.get_by_label(re.compile("^Time zone")).select_option("Asia/Almaty")
    page.get_by_label(re.compile("^Places")).fill("1")
    page.get_by_role("button", name="Plan the event").click()
    expect(page.get_by_role("heading", name="Peer assist: program budgets")).to_be_visible()
    found += no_violations(page)
    event = Event.objects.get()
    assert event.learning_format.slug == "peer-assist"
    sign_out(page)

    sign_in(page, base, "ben")
    page.goto(f"{base}{event.get_absolute_url()}")
    # 15:00 in Almaty (UTC+5) is 11:00 in Paris (UTC+1 in March).
    expect(page.locator(".event-when")).to_contain_text("Fri 14 Mar 2031, 11:00–12:30")
    expect(page.locator(".event-when")).to_contain_text("Europe/Paris")
    expect(page.locator(".event-when")).to_contain_text("15:00–16:30 in Asia/Almaty")
    page.get_by_role("button", name="Going", exact=True).click()
    expect(page.get_by_text("You are going.")).to_be_visible()
    expect(page.get_by_text("0 places left")).to_be_visible()
    assert Rsvp.objects.get(user__username="ben").answer == "going"
    found += no_violations(page)
    page.goto(f"{base}/me/events/")
    expect(page.get_by_role("heading", name="My events")).to_be_visible()
    found += no_violations(page)
    assert found == []
