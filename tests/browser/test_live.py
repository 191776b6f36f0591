"""The live backchannel in Chromium against a real uvicorn (websockets): a member asks, a guest
who joined with the code sees it at once and votes, the facilitator pins it and runs a poll,
the projector follows without a click, and a browser without websockets keeps up by polling."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def violations(page: Page) -> list[str]:
    return [f"{page.url}: {v['id']}: {v['help']}"
            for v in Axe().run(page).response["violations"]]


@pytest.fixture
def event(make_user, make_community):
    from cultivate.communities.actions import do_join_community
    from cultivate.events.models import Event
    from cultivate.live.actions import do_set_channel

    convener, member = make_user("convener"), make_user("member")
    for user in (convener, member):  # the server checks passwords with the production hashers
        user.password = PBKDF2PasswordHasher().encode("a-long-passphrase", "saltsaltsalt")
        user.save(update_fields=["password"])
    community = make_community(convener, name="Arrears Clinic")
    do_join_community(actor=member, community=community)
    start = timezone.now() - timedelta(minutes=5)
    event = Event.objects.create(community=community, title="Case clinic", starts_at=start,
                                 ends_at=start + timedelta(hours=1))
    do_set_channel(actor=convener, event=event, guests_allowed=True)
    return event


def test_ask_see_vote_pin_poll_project_and_poll_without_websockets(page: Page, browser, served,
                                                                   event, sign_in):
    found = []
    room = f"{served}/events/{event.pk}/live/"
    sign_in(page, served, "member")
    page.goto(room)
    expect(page.locator("#live-connection")).to_have_text(re.compile("Live"))
    found += violations(page)

    guest = browser.new_context().new_page()
    guest.goto(f"{served}/live/")
    found += violations(guest)
    guest.get_by_label("Code").fill(event.join_code.lower())
    guest.get_by_label("Your name for the room").fill("Ana from Lima")
    guest.get_by_role("button", name="Join").click()
    expect(guest).to_have_url(room)
    expect(guest.locator("#live-connection")).to_have_text(re.compile("Live"))

    facilitator = browser.new_context().new_page()
    sign_in(facilitator, served, "convener")
    projector = browser.new_context().new_page()
    sign_in(projector, served, "convener")
    projector.goto(room + "projector/")
    expect(projector.locator(".join-code")).to_have_text(event.join_code)
    found += violations(projector)

    no_sockets = browser.new_context().new_page()
    no_sockets.add_init_script("window.WebSocket = undefined;")
    sign_in(no_sockets, served, "member")
    no_sockets.goto(room)
    expect(no_sockets.locator("#live-connection")).to_have_text(re.compile("every few seconds"))

    page.get_by_label("Your message").fill("How do you *forecast* arrears?")
    page.get_by_role("button", name="Send").click()
    question = guest.locator("#live-questions li", has_text="How do you forecast arrears?")
    expect(question).to_be_visible()  # no reload: it came over the websocket
    expect(question.locator("em")).to_have_text("forecast")
    expect(projector.locator("#live-questions")).to_contain_text("forecast arrears")
    expect(no_sockets.locator("#live-questions")).to_contain_text("forecast arrears")

    question.get_by_role("button", name="Vote").click()
    expect(page.locator("#live-questions li").first).to_contain_text("1 vote")
    expect(question.get_by_role("button", name="Withdraw vote")).to_be_visible()

    facilitator.goto(room)
    found += violations(facilitator)
    facilitator.locator("#live-questions li").first.get_by_role("button", name="Pin").click()
    expect(projector.locator("#live-pinned")).to_contain_text("forecast arrears")
    expect(guest.locator("#live-pinned")).to_contain_text("forecast arrears")

    facilitator.get_by_label("Poll question").fill("Which tool do you use?")
    facilitator.get_by_label("Choices, one per line").fill("Spreadsheet\nStatistics package")
    facilitator.get_by_role("button", name="Open the poll").click()
    poll = guest.locator(".live-poll", has_text="Which tool do you use?")
    expect(poll).to_be_visible()
    poll.get_by_label("Spreadsheet").check()
    poll.get_by_role("button", name="Answer").click()
    expect(projector.locator(".live-poll")).to_contain_text("1 (100%)")
    assert found == []
