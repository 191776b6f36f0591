"""A member attaches a PNG in the reply composer: the Markdown lands in the text, the reply is
posted, and the image loads on the topic page through the permission-checked file route."""

import pytest
from playwright.sync_api import Page, expect

from cultivate.attachments.models import Attachment
from cultivate.attachments.tests.files import png
from cultivate.communities.models import Membership
from cultivate.conversations.actions import do_start_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_member_attaches_an_image_to_a_reply(page: Page, live_server, make_user,
                                                make_community, tmp_path):
    ana = make_user("ana")
    community = make_community(ana, name="Budget Clinic", visibility="private",
                               join_policy="invitation")
    ben = make_user("ben")
    Membership.objects.create(community=community, user=ben)
    topic = do_start_topic(actor=ana, community=community, title="Show your charts",
                           body="How do you present the budget?")
    image = tmp_path / "pie chart.png"
    image.write_bytes(png(24, 16))
    disguised = tmp_path / "setup.png"
    disguised.write_bytes(b"MZ\x90\x00" + b"\x00" * 60)

    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_login").fill("ben")
    page.locator("#id_password").fill("a-long-passphrase")
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")

    text = page.get_by_label("Your reply")
    text.fill("Here is ours: ")
    picker = page.get_by_label("Attach images or documents")
    picker.set_input_files(str(disguised))
    expect(page.get_by_role("status").filter(has_text="Windows program")).to_be_visible()
    picker.set_input_files(str(image))
    expect(page.get_by_role("status").filter(has_text="Attached pie chart.png")).to_be_visible()
    attachment = Attachment.objects.get()
    expect(text).to_have_value(
        f"Here is ours: ![pie chart.png](/files/{attachment.pk}/pie%20chart.png)")
    expect(page.locator("#body-preview img")).to_have_attribute(
        "src", f"/files/{attachment.pk}/pie%20chart.png")

    page.get_by_role("button", name="Post reply").click()
    reply_image = page.locator(".post .body img[alt='pie chart.png']")
    expect(reply_image).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 24", arg=reply_image.element_handle())

    # Someone outside the private community gets nothing for the same address.
    stranger = page.context.browser.new_context().new_page()
    response = stranger.goto(f"{live_server.url}{attachment.get_absolute_url()}")
    assert response.status == 404
    stranger.context.close()
