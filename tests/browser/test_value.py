"""Value creation in the browser: a member applies an answer, gets the follow-up through a real
SMTP server, answers it and it shows in the matrix; a facilitator writes a story with a
hoped-for step and completes it later; a sponsor downloads the PDF report."""

import io
import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from cultivate.communities.models import Membership
from cultivate.conversations import actions as conversations
from cultivate.evaluation.applied.actions import send_due_follow_ups
from cultivate.evaluation.applied.models import AppliedRecord
from cultivate.evaluation.stories.models import ValueStory
from cultivate.insights.jobs import recompute

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_violations(page: Page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{page.url}: {v['id']}" for v in found if v["impact"] in ("serious", "critical")]


@pytest.fixture
def budget(make_user, make_community):
    people = {name: make_user(name) for name in ("ana", "fay", "sam", "ben", "bea")}
    community = make_community(people["ana"], name="Budget Clinic")
    for name, role in (("fay", "facilitator"), ("sam", "sponsor"), ("ben", "member"),
                       ("bea", "member")):
        Membership.objects.create(community=community, user=people[name], role=role)
    question = conversations.do_start_topic(
        actor=people["ben"], community=community, kind="question",
        title="How do ministries publish a citizens' budget?", body="We start next year.")
    answer = conversations.do_reply(actor=people["bea"], topic=question,
                                    body="A one-page summary with four charts.")
    conversations.do_accept_answer(actor=people["ben"], topic=question, post=answer)
    return {"community": community, "question": question, "answer": answer, **people}


def test_a_member_applies_an_answer_and_answers_the_follow_up_mail(
        page: Page, live_server, budget, sign_in, smtp_server, settings):
    settings.SITE_URL = live_server.url
    base = live_server.url
    sign_in(page, base, "ben")
    page.goto(f"{base}{budget['question'].get_absolute_url()}")
    page.get_by_role("button", name="I applied this").click()
    page.get_by_label(re.compile("How did you apply it")).fill("Used the four charts.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("1 applied this")).to_be_visible()
    expect(page.get_by_role("button", name="You applied this")).to_be_visible()

    # Weeks later the task worker asks, once, through the real mail server.
    AppliedRecord.objects.update(follow_up_due_at=timezone.now() - timedelta(minutes=1))
    assert send_due_follow_ups() == 1
    (mail,) = smtp_server.messages
    link = re.search(rf"{re.escape(base)}/value/applied/\d+/follow-up/", mail.get_content())
    assert link, mail.get_content()
    page.goto(link.group(0))
    page.get_by_label("Yes, it made a difference").check()
    page.get_by_label("What changed?").fill("The budget call took three weeks less.")
    page.get_by_label("A figure, if you have one", exact=True).select_option("time_saved")
    page.get_by_label("Value", exact=True).fill("120")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("The budget call took three weeks less.")).to_be_visible()

    recompute()
    sign_in(page, base, "ana")
    page.goto(f"{base}/c/budget-clinic/")
    page.get_by_role("link", name="Value created").click()
    row = page.locator("#cycle-realized")
    expect(row).to_contain_text("Follow-ups reporting a difference: 1")
    expect(row).to_contain_text("Time saved (reported): 120")
    assert serious_violations(page) == []


def test_a_facilitator_writes_a_story_with_a_hope_and_completes_it_later(
        page: Page, live_server, budget, sign_in):
    base = live_server.url
    sign_in(page, base, "fay")
    page.goto(f"{base}/c/budget-clinic/value/stories/")
    page.get_by_role("link", name="Tell a story").click()
    page.get_by_label("Title").fill("Summaries in every budget call")
    page.get_by_label(re.compile("^Whose story")).fill("ben")
    page.get_by_label(re.compile("^How they agreed")).fill("He said yes at the clinic.")
    page.get_by_label(re.compile("^Immediate value: What happened")).fill(
        "Ben asked and got three answers.")
    page.get_by_label(re.compile("^Evidence")).first.fill(
        f"The question | {base}{budget['question'].get_absolute_url()}")
    page.get_by_label(re.compile("^Realized value: What difference")).fill(
        "We hope the call gets shorter.")
    page.locator("#id_realized_aspirational").check()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", name="Summaries in every budget call")).to_be_visible()
    expect(page.locator("#cycle-realized")).to_contain_text("Not yet: what we hope for")
    expect(page.get_by_role("link", name="The question")).to_be_visible()
    assert serious_violations(page) == []

    # Months later it happened: the story is extended.
    page.get_by_role("link", name="Edit or extend").click()
    page.locator("#id_realized_aspirational").uncheck()
    page.get_by_label(re.compile("^Realized value: What difference")).fill(
        "The call took three weeks less.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#cycle-realized")).to_contain_text("The call took three weeks less.")
    expect(page.locator("#cycle-realized")).not_to_contain_text("Not yet")
    story = ValueStory.objects.get()
    assert story.teller == budget["ben"] and story.written_by == budget["fay"]


def test_a_sponsor_downloads_the_pdf_report(page: Page, live_server, budget, sign_in):
    from pypdf import PdfReader

    from cultivate.evaluation.indicators import actions
    from cultivate.evaluation.periods import current_quarter
    from cultivate.evaluation.stories.actions import do_save_story

    indicator = actions.do_define_indicator(
        actor=budget["ana"], community=budget["community"],
        values={"name": "Ministries with a citizens' budget", "cycle": "reframing",
                "target": "8"})
    actions.do_enter_value(actor=budget["sam"], community=budget["community"],
                           indicator=indicator, values={"period": current_quarter().key,
                                                        "value": "5", "source": "Survey"})
    do_save_story(actor=budget["ben"], community=budget["community"], publish=True,
                  values={"title": "Three weeks less", "immediate_text": "Asked.",
                          "realized_text": "The call was shorter."})
    base = live_server.url
    sign_in(page, base, "sam")
    page.goto(f"{base}/c/budget-clinic/value/report/")
    expect(page.get_by_role("heading", name=re.compile("Sponsor report"))).to_be_visible()
    assert serious_violations(page) == []
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download PDF").click()
    path = waiting.value.path()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(
        open(path, "rb").read())).pages).split())
    assert "Ministries with a citizens" in text and "budget" in text
    assert "Three weeks less" in text
