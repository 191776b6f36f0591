"""A member quotes a post, links another topic, chooses a daily digest, and a convener moves a
topic: the everyday tools of a conversation, in Chromium, without special knowledge."""

import pytest
from playwright.sync_api import Page, expect

from cultivate.communities.models import Membership
from cultivate.conversations.actions import do_reply, do_start_topic
from cultivate.conversations.models import CommunitySubscription, Topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_quote_link_digest_and_move(page: Page, live_server, make_user, make_community,
                                    settings, sign_in):
    settings.SITE_URL = live_server.url  # links to this site are recognised by its address
    ana = make_user("ana")
    clinic = make_community(ana, name="Budget Clinic")
    audit = make_community(ana, name="Audit Circle")
    ben = make_user("ben")
    Membership.objects.create(community=clinic, user=ben)
    topic = do_start_topic(actor=ana, community=clinic, kind="question",
                           title="Audit trails for budgets", body="Who keeps them?")
    answer = do_reply(actor=ana, topic=topic, body="The treasury keeps a ledger.")
    other = do_start_topic(actor=ana, community=clinic, title="Ledgers in practice",
                           body="Field notes.")
    base = live_server.url

    sign_in(page, base, "ben")
    page.goto(base + topic.get_absolute_url())
    page.locator(f"#post-{answer.pk}").get_by_role("link", name="Quote").click()
    reply = page.get_by_label("Your reply")
    expect(reply).to_have_value("> @ana:\n> The treasury keeps a ledger.\n\n")
    reply.press("End")
    reply.type(f"Agreed, see {base}{other.get_absolute_url()}")
    page.get_by_role("button", name="Post reply").click()
    newest = page.locator("li.post").last
    expect(newest.locator("blockquote")).to_contain_text("The treasury keeps a ledger.")
    expect(newest).to_contain_text("in reply to ana")

    page.goto(base + other.get_absolute_url())
    backlinks = page.get_by_role("complementary", name="Linked from")
    expect(backlinks.get_by_role("link", name="Audit trails for budgets")).to_be_visible()

    page.goto(base + "/c/budget-clinic/topics/")
    page.get_by_role("link", name="Email and notifications").click()
    page.get_by_label("Email from this community").select_option("daily")
    page.get_by_label("Notify me in Cultivate of every new topic").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: Daily digest for Budget Clinic.")).to_be_visible()
    chosen = CommunitySubscription.objects.get(user=ben, community=clinic)
    assert chosen.email_mode == "daily" and chosen.follows_new_topics

    page.context.clear_cookies()
    sign_in(page, base, "ana")
    page.goto(base + topic.get_absolute_url())
    page.get_by_label("Move to").select_option(label="Audit Circle")
    page.get_by_role("button", name="Move topic").click()
    expect(page.get_by_text("Topic moved to Audit Circle.")).to_be_visible()
    assert page.url.endswith(f"/c/audit-circle/t/{topic.pk}/")
    assert Topic.objects.get(pk=topic.pk).community == audit
