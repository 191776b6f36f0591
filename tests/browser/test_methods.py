"""The methods wiki in Chromium: write a page, edit it while someone else does, read the
difference, tell a failure story, and check every page with axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from cultivate.communities.models import Membership
from cultivate.practice.models import Method

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def violations(page: Page) -> list[str]:
    return [f"{page.url}: {v['id']}: {v['help']}"
            for v in Axe().run(page).response["violations"]]


def test_write_edit_conflict_history_and_story(page: Page, live_server, make_user,
                                               make_community, sign_in):
    ana, ben = make_user("ana"), make_user("ben")
    community = make_community(ana, name="Peer Circle")
    Membership.objects.create(community=community, user=ben)
    base = live_server.url
    found = []

    sign_in(page, base, "ben")
    page.goto(f"{base}/c/peer-circle/methods/")
    found += violations(page)
    page.get_by_role("link", name="Write a method page").click()
    page.get_by_label("Name of the method").fill("Peer assist")
    page.get_by_label("Brief description").fill("Peers who did similar work advise first.")
    page.get_by_label("Key tags").fill("learning, planning")
    found += violations(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Peer assist")
    found += violations(page)

    # Ben opens the editor; meanwhile Ana saves a change.
    page.get_by_role("link", name="Edit", exact=True).click()
    method = Method.objects.get()
    from cultivate.practice.actions import do_edit_method

    do_edit_method(actor=ana, method=method, base_version=1, title="Peer assist",
                   brief="Peers who did similar work advise before you start.")
    page.get_by_label("Full description").fill("1. Invite three peers")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Edit conflict")).to_be_visible()
    expect(page.get_by_label("Full description")).to_have_value("1. Invite three peers")
    found += violations(page)
    page.get_by_label("Brief description").fill(
        "Peers who did similar work advise before you start.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("li", has_text="Invite three peers")).to_be_visible()

    page.get_by_role("link", name="History").click()
    found += violations(page)
    page.get_by_role("link", name="3", exact=True).click()
    expect(page.locator("ins")).to_contain_text(["Invite three peers"])
    found += violations(page)

    page.goto(f"{base}/methods/peer-assist/")
    page.get_by_role("link", name="Tell your story").click()
    page.get_by_label("Title of your story").fill("The ministry that did not come")
    page.get_by_label("It did not work").check()
    page.get_by_label("The context").fill("A budget reform in a small ministry")
    page.get_by_label(re.compile(r"^What we did")).fill("Invited peers a day before")
    page.get_by_label("What happened").fill("Nobody came")
    found += violations(page)
    page.get_by_role("button", name="Share the story").click()
    expect(page.get_by_text("It did not work").first).to_be_visible()
    found += violations(page)
    page.goto(f"{base}/methods/peer-assist/")
    page.get_by_role("button", name="I use this method").click()
    page.goto(f"{base}/c/peer-circle/people-to-ask/?method=peer-assist")
    expect(page.locator("#main").get_by_role("link", name="ben")).to_be_visible()
    found += violations(page)
    assert found == []
