"""A newcomer signs up, starts a community; another person asks to join; the convener approves;
the new member reads the community's members-only home, also after it turns private."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import open_account_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_up(page: Page, base: str, mailoutbox, username: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Username").fill(username)
    page.get_by_label(re.compile(r"^Password( \*)?$")).fill("grow-practice-2026!")
    page.get_by_label(re.compile(r"^Password \(again\)")).fill("grow-practice-2026!")
    page.get_by_role("button", name="Create my account").click()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mailoutbox[-1].body).group(0)
    page.goto(base + link[link.index("/accounts/"):])
    page.get_by_role("button", name="Confirm").click()


def test_newcomer_journey(page: Page, live_server, mailoutbox):
    base = live_server.url
    sign_up(page, base, mailoutbox, "nadia")
    expect(page.locator("header summary", has_text="nadia")).to_be_visible()

    open_account_menu(page)
    page.get_by_role("link", name="Start a community").click()
    page.get_by_label("Name").fill("Gender Budgeting Practitioners")
    page.get_by_label("Tags").fill("budgeting, gender")
    page.get_by_label("Domain").fill("Making budgets work for *everyone*.")
    page.get_by_label(re.compile(r"^Community\b")).fill("Budget officers and auditors.")
    page.get_by_label("Practice").fill("Case clinics on tagging expenditure.")
    page.get_by_role("radio", name=re.compile("Listed")).check()
    page.get_by_role("radio", name=re.compile("On request")).check()
    page.get_by_role("button", name="Start the community").click()
    # The start-up guide takes over: the case for membership is its next step.
    expect(page.get_by_role("heading", name="Step 2 of 5: Case for membership")).to_be_visible()
    page.get_by_label(re.compile("^Why join")).fill("Learn what worked in other ministries.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Step 3 of 5: First core group")).to_be_visible()
    page.get_by_role("link", name="Gender Budgeting Practitioners", exact=True).click()
    expect(page.get_by_role("heading", name="Gender Budgeting Practitioners")).to_be_visible()
    expect(page.get_by_text("Learn what worked in other ministries.")).to_be_visible()
    expect(page.locator(".charter em")).to_have_text("everyone")
    community_url = page.url

    # A second person finds it and asks to join.
    other = page.context.browser.new_context()
    ben = other.new_page()
    sign_up(ben, base, mailoutbox, "ben")
    ben.goto(community_url)
    expect(ben.get_by_text("Members read this community's conversations")).to_be_visible()
    ben.get_by_text("Ask to join").click()
    ben.get_by_label(re.compile("Message to the conveners")).fill("I tag budgets in Kenya.")
    ben.get_by_role("button", name="Send request").click()
    expect(ben.get_by_text("Your request to join is waiting")).to_be_visible()

    # The convener sees it waiting in the header's inbox and approves with the keyboard.
    page.goto(community_url)
    page.get_by_role("link", name=re.compile(r"^Stewarding\s*1")).click()
    expect(page.get_by_role("heading", name=re.compile("Requests to join"))).to_be_visible()
    page.locator(".inbox").get_by_role("link", name="ben").click()
    expect(page.get_by_text("I tag budgets in Kenya.")).to_be_visible()
    page.get_by_role("button", name="Approve ben").click()
    expect(page.get_by_text("ben is now a member.")).to_be_visible()

    # The new member now reads the members-only home.
    ben.goto(community_url)
    expect(ben.get_by_role("heading", name="Charter")).to_be_visible()
    expect(ben.get_by_text("Case clinics on tagging expenditure.")).to_be_visible()

    # Made private, it stays readable for members and vanishes for others.
    page.goto(community_url + "edit/")
    page.get_by_role("radio", name=re.compile("Private")).check()
    page.get_by_role("button", name="Save").click()
    ben.goto(community_url)
    expect(ben.get_by_text("Case clinics on tagging expenditure.")).to_be_visible()
    stranger = page.context.browser.new_context().new_page()
    response = stranger.goto(community_url)
    assert response.status == 404
    other.close()


def test_directory_reads_without_javascript_and_works_by_keyboard(browser, live_server,
                                                                  make_user, make_community):
    ana = make_user("ana")
    make_community(ana, name="Humanitarian Logistics", tags=["logistics"])
    make_community(ana, name="Facilitators Network", kind="network")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name="Humanitarian Logistics")).to_be_visible()
    page.get_by_label("Kind").select_option("network")
    page.get_by_label("Search by name").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Facilitators Network")).to_be_visible()
    expect(page.get_by_role("link", name="Humanitarian Logistics")).to_have_count(0)
    # The first Tab lands on the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    context.close()


def test_directory_filters_live_with_htmx(page: Page, live_server, make_user, make_community):
    ana = make_user("ana")
    make_community(ana, name="Humanitarian Logistics", stage="maturing")
    make_community(ana, name="Facilitators Network", kind="network")
    page.goto(live_server.url + "/")
    page.wait_for_function("window.htmx !== undefined")
    page.get_by_label("Search by name").press_sequentially("logist")
    expect(page.get_by_role("link", name="Facilitators Network")).to_have_count(0)
    expect(page.get_by_role("link", name="Humanitarian Logistics")).to_be_visible()
    assert "q=logist" in page.url  # the filtered view keeps a shareable address
    page.get_by_label("Search by name").fill("")
    page.get_by_label("Lifecycle stage").select_option("maturing")
    expect(page.get_by_text("1 community")).to_be_visible()
