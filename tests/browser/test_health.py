"""Community health in the browser: a convener reads a risk, follows a suggested format into a
planned repeating event, takes attendance at one date and sees the signal move after the job;
a member answers a pulse survey from the mail's link; a convener writes a plan and downloads it
as PDF."""

import io
import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from cultivate.communities.models import Community, Membership
from cultivate.events.models import Attendance
from cultivate.formats.builtin import load_builtin_formats
from cultivate.formats.models import FormatPurpose, LearningFormat
from cultivate.health import pulse
from cultivate.health.models import HealthSignal, PulseAnswer
from cultivate.insights.jobs import recompute

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_violations(page: Page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{page.url}: {v['id']}" for v in found if v["impact"] in ("serious", "critical")]


@pytest.fixture
def clinic(make_user, make_community):
    """A year-old community with no event: its rhythm of events is at risk."""
    # Transactional tests empty every table between tests, the catalogue's formats included.
    load_builtin_formats(LearningFormat, FormatPurpose)
    people = {name: make_user(name) for name in ("ana", "sam", "ben", "bea")}
    community = make_community(people["ana"], name="Budget Clinic")
    for name, role in (("sam", "sponsor"), ("ben", "member"), ("bea", "member")):
        Membership.objects.create(community=community, user=people[name], role=role)
    Community.objects.filter(pk=community.pk).update(
        created_at=timezone.now() - timedelta(days=365), member_count=4)
    recompute()
    return {"community": Community.objects.get(pk=community.pk), **people}


def test_a_convener_turns_a_risk_into_a_repeating_event_and_takes_attendance(
        page: Page, live_server, clinic, sign_in):
    base = live_server.url
    sign_in(page, base, "ana")
    page.goto(f"{base}/c/budget-clinic/")
    page.get_by_role("link", name="Health", exact=True).click()
    signal = page.locator("#signal-rhythm_events")
    expect(signal).to_contain_text("at risk")
    expect(signal).to_contain_text("No event in the last six months and none planned.")
    assert serious_violations(page) == []
    signal.get_by_role("link", name="Plan a Case clinics event").click()
    expect(page.get_by_label("Agenda")).to_have_value(re.compile("Case clinics"))
    first = (timezone.now() - timedelta(weeks=24)).strftime("%Y-%m-%dT10:00")
    page.get_by_label("Title").fill("Tuesday case clinic")
    page.get_by_label("Starts").fill(first)
    page.get_by_label("Ends").fill(first.replace("T10:00", "T11:00"))
    page.get_by_label("Time zone").select_option("UTC")
    page.get_by_label("Repeats").select_option("weekly")
    page.get_by_label("Last date of the series").fill(
        (timezone.now() + timedelta(weeks=12)).date().isoformat())
    page.get_by_role("button", name="Plan the event").click()
    expect(page.get_by_text("Every week, until")).to_be_visible()

    # Last week's date, from the series' dates, then its check-in list.
    dates = page.get_by_role("navigation", name="Dates of the series").get_by_role("link")
    dates.nth(1).click()
    page.get_by_role("link", name="Attendance").click()
    expect(page.get_by_label("Check-in code")).to_be_visible()
    page.get_by_label(re.compile("^ben")).check()
    page.get_by_label(re.compile("^bea")).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved: 2 added, 0 removed.")).to_be_visible()
    assert Attendance.objects.count() == 2
    assert serious_violations(page) == []

    recompute()  # the hourly job
    page.goto(f"{base}/c/budget-clinic/health/")
    signal = page.locator("#signal-rhythm_events")
    expect(signal).to_contain_text("healthy")
    assert HealthSignal.objects.get(key="rhythm_events").verdict == "healthy"


def test_a_member_answers_a_pulse_survey_from_the_mail(page: Page, live_server, clinic,
                                                      smtp_server, settings):
    settings.SITE_URL = live_server.url
    pulse.do_send_pulse(actor=clinic["ana"], community=clinic["community"], days=7)
    mail = next(m for m in smtp_server.messages if m["To"] == "ben@example.org")
    link = re.search(rf"{re.escape(live_server.url)}/pulse/\S+/", mail.get_content())
    assert link, mail.get_content()
    page.goto(link.group(0))  # not signed in: the link is enough
    for statement in ("I care about what this community works on.",
                      "I feel part of this community."):
        page.get_by_role("group", name=statement).get_by_label("agree", exact=True).check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Please correct the marked fields.")).to_be_visible()
    for statement in ("I can bring a problem or a mistake here without losing face.",
                      "Taking part is worth my time: it helps me in my work."):
        page.get_by_role("group", name=statement).get_by_label("strongly agree").check()
    page.get_by_label("What one thing would make this community more useful to you?").fill(
        "Clinics in Russian.")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    answer = PulseAnswer.objects.get()
    assert (answer.passion, answer.trust, answer.open_answer) == (4, 5, "Clinics in Russian.")
    page.goto(link.group(0))
    expect(page.get_by_text("You have answered this survey already.")).to_be_visible()


def test_a_convener_writes_a_plan_and_downloads_it(page: Page, live_server, clinic, sign_in):
    base = live_server.url
    sign_in(page, base, "ana")
    page.goto(f"{base}/c/budget-clinic/plan/")
    page.get_by_label("Title").fill("Our year of clinics")
    page.get_by_label("Goal").fill("Members apply what they learn")
    page.get_by_label("Indicator it moves").select_option("applied")
    page.get_by_label("Target").fill("40 applied records")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("heading", name="Our year of clinics")).to_be_visible()
    page.get_by_text("Add an activity").click()
    page.get_by_label("Activity", exact=True).fill("Monthly peer assist")
    page.get_by_label("Learning format").select_option("peer-assist")
    page.get_by_label("Cadence").select_option("monthly")
    page.get_by_role("button", name="Add the activity").click()
    expect(page.get_by_role("cell", name="Monthly peer assist")).to_be_visible()
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    text = "".join(p.extract_text() for p in PdfReader(
        io.BytesIO(download.value.path().read_bytes())).pages)
    assert "Our year of clinics" in text and "Monthly peer assist" in text
    assert "40 applied records" in text
    sign_in(page, base, "ben")
    page.goto(f"{base}/c/budget-clinic/")
    expect(page.get_by_role("heading", name="What we are doing this quarter")).to_be_visible()
    expect(page.get_by_text("Monthly peer assist")).to_be_visible()
