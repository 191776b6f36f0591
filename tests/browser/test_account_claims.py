"""Someone claims an imported account from its profile; the convener approves on the claims page,
reached from the header; the profile then belongs to the claimant. Both pages pass axe."""


import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.hashers import make_password
from playwright.sync_api import Page, expect

from cultivate.communities.models import Community, Membership
from cultivate.conversations.models import Post, Topic
from cultivate.people.models import User
from tests.browser.conftest import open_account_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def violations(page: Page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{page.url}: {v['id']}: {v['help']}" for v in found]


def test_claim_from_the_profile_and_approve_on_the_claims_page(page: Page, live_server,
                                                               make_user, make_community, sign_in):
    ana = make_user("ana")
    community = make_community(ana, name="History Meta")
    alma = User.objects.create(username="se-history-1", display_name="Alma", location="Lisbon",
                               placeholder_ref="stackexchange:history.example:user:1",
                               is_active=False, password=make_password(None))
    Membership.objects.create(community=community, user=alma)
    Community.objects.filter(pk=community.pk).update(member_count=2)
    topic = Topic.objects.create(community=community, kind="question", author=alma,
                                 title="Should we cite sources?")
    Post.objects.create(topic=topic, author=alma, body="Sources matter.", is_opening=True)
    make_user("nadia")
    base = live_server.url

    sign_in(page, base, "nadia")
    page.goto(f"{base}/people/se-history-1/")
    expect(page.get_by_text("This account was imported from history.example and has not "
                            "been claimed yet.")).to_be_visible()
    assert violations(page) == []
    page.get_by_label("Why is this account yours?").fill(
        "My profile there: https://history.example/users/1")
    page.get_by_role("button", name="This is me — claim this account").click()
    expect(page.get_by_text("Your claim was sent.")).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw my claim")).to_be_visible()

    convener = page.context.browser.new_context().new_page()
    sign_in(convener, base, "ana")
    open_account_menu(convener)
    convener.get_by_role("link", name="Account claims").click()  # loaded into the menu by htmx
    expect(convener.get_by_text("https://history.example/users/1")).to_be_visible()
    assert violations(convener) == []
    convener.get_by_label("Message to the person (optional)").fill("Welcome back!")
    convener.get_by_role("button", name="Approve nadia's claim").click()
    expect(convener.get_by_text("se-history-1 now belongs to nadia.")).to_be_visible()

    page.goto(f"{base}/people/se-history-1/")
    expect(page).to_have_url(f"{base}/people/nadia/")
    expect(page.get_by_role("heading", name="Alma")).to_be_visible()
    expect(page.get_by_role("link", name="Should we cite sources?")).to_be_visible()
    expect(page.get_by_role("link", name="History Meta")).to_be_visible()
