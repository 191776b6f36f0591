"""A member adds a PDF to the resource library from the page, a convener marks it as a key
resource, and it shows on the community home; the pages pass axe on the way."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from cultivate.attachments.tests.files import pdf
from cultivate.communities.models import Membership
from cultivate.resources.models import Resource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def no_violations(page: Page) -> list[str]:
    return [f"{page.url}: {v['id']}: {v['help']}" for v in Axe().run(page).response["violations"]]


def test_a_member_adds_a_pdf_and_a_convener_makes_it_key(page: Page, live_server, make_user,
                                                          make_community, tmp_path, sign_in):
    ana = make_user("ana")
    community = make_community(ana, name="Budget Clinic", visibility="private",
                               join_policy="invitation")
    ben = make_user("ben")
    Membership.objects.create(community=community, user=ben)
    document = tmp_path / "Budget circular 2024.pdf"
    document.write_bytes(pdf())
    base = live_server.url

    sign_in(page, base, "ben")
    page.goto(f"{base}/c/budget-clinic/")
    page.get_by_role("link", name="Resources", exact=True).click()
    expect(page.get_by_role("heading", name="Resource library")).to_be_visible()
    page.get_by_role("link", name="Add a resource").click()

    page.get_by_role("radio", name="File").check()
    # Only the chosen form's part shows once JavaScript runs.
    expect(page.locator("[data-resource-part=link]")).to_be_hidden()
    expect(page.locator("[data-resource-part=guide]")).to_be_hidden()
    page.get_by_label(re.compile("^Title")).fill("Budget circular 2024")
    page.get_by_label(re.compile("^Summary")).fill("The ministry's **call** for estimates.")
    page.get_by_label(re.compile("^Type")).select_option("template")
    page.locator("main").get_by_label(re.compile("^Language")).select_option("en")
    page.get_by_label(re.compile("^Tags")).fill("circular, calendar")
    page.get_by_label(re.compile("^File to upload")).set_input_files(str(document))
    page.get_by_role("button", name="Add to the library").click()

    expect(page.get_by_role("heading", name="Budget circular 2024")).to_be_visible()
    expect(page.locator(".body strong")).to_have_text("call")
    download = page.get_by_role("link", name="Download Budget circular 2024.pdf")
    expect(download).to_be_visible()
    resource = Resource.objects.get()
    assert resource.content_type == "application/pdf" and resource.added_by == ben
    assert no_violations(page) == []
    page.goto(f"{base}/c/budget-clinic/resources/?tag=circular")
    expect(page.get_by_role("link", name="Budget circular 2024")).to_be_visible()
    assert no_violations(page) == []

    convener = page.context.browser.new_context().new_page()
    sign_in(convener, base, "ana")
    convener.goto(f"{base}{resource.get_absolute_url()}")
    convener.get_by_role("button", name="Mark as a key resource").click()
    expect(convener.get_by_role("button", name="Remove from key resources")).to_be_visible()
    convener.goto(f"{base}/c/budget-clinic/")
    key = convener.locator("section.key-resources")
    expect(key.get_by_role("heading", name="Key resources")).to_be_visible()
    expect(key.get_by_role("link", name="Budget circular 2024")).to_be_visible()
    assert no_violations(convener) == []
    convener.context.close()

    # The member sees it on the home too, and the file downloads through the checked route.
    page.goto(f"{base}/c/budget-clinic/")
    expect(page.locator("section.key-resources").get_by_role(
        "link", name="Budget circular 2024")).to_be_visible()
    response = page.request.get(f"{base}{resource.file_url}")
    assert response.status == 200 and response.body() == pdf()
    assert response.headers["content-disposition"].startswith("attachment")

    stranger = page.context.browser.new_context().new_page()
    assert stranger.goto(f"{base}{resource.file_url}").status == 404
    stranger.context.close()
