"""axe-core (shipped inside the axe-playwright-python wheel) finds no accessibility violations
on the main pages, for a visitor and for a convener."""


import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VISITOR_PAGES = ["/", "/c/budget-practitioners/", "/c/budget-practitioners/members/",
                 "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
                 "/people/ana/", "/c/budget-practitioners/resources/"]
CONVENER_PAGES = ["/", "/c/new/", "/c/budget-practitioners/", "/c/budget-practitioners/edit/",
                  "/c/budget-practitioners/members/", "/c/budget-practitioners/requests/",
                  "/c/budget-practitioners/invitations/", "/me/profile/", "/me/tokens/",
                  "/c/budget-practitioners/topics/", "/c/budget-practitioners/topics/new/",
                  "{topic}", "/search/?q=budget", "/search/?q=budget&kind=question&answered=no",
                  "{topic}?quote={reply}", "{topic}p/{reply}/flag/",
                  "/c/budget-practitioners/topics/?answered=1",
                  "/c/budget-practitioners/moderation/", "/me/notifications/", "/me/email/",
                  "/c/budget-practitioners/subscription/", "/c/budget-practitioners/resources/",
                  "/c/budget-practitioners/resources/new/",
                  "/c/budget-practitioners/resources/key/"]
# Learning formats (cultivate.formats): the catalogue, a format, a community's own formats.
VISITOR_PAGES += ["/formats/", "/formats/case-clinics/", "/c/budget-practitioners/formats/"]
CONVENER_PAGES += ["/formats/?purpose=reflect&formality=3", "/formats/peer-assist/",
                   "/c/budget-practitioners/formats/",
                   "/c/budget-practitioners/formats/peer-assist/",
                   "/c/budget-practitioners/formats/peer-assist/adapt/"]


def violations_on(page: Page, url: str) -> list[str]:
    response = page.goto(url)
    # Checking a login page or an error page instead of the one asked for proves nothing.
    assert response.status == 200 and page.url == url, (url, response.status, page.url)
    results = Axe().run(page)
    return [f"{url}: {v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}"
            for v in results.response["violations"]]


def test_main_pages_have_no_accessibility_violations(page: Page, live_server, make_user,
                                                     make_community, sign_in):
    ana = make_user("ana", display_name="Ana Lima")
    community = make_community(ana, case_why="Peers who **know**.", tags=["budget"])
    from cultivate.conversations.actions import do_reply, do_start_topic

    topic = do_start_topic(actor=ana, community=community, kind="question",
                           title="Budget calendars", body="When do you *start*?")
    from cultivate.communities.models import Membership
    from cultivate.conversations.mailing import unsubscribe_url

    ben = make_user("ben")
    Membership.objects.create(community=community, user=ben)
    reply = do_reply(actor=ben, topic=topic, body="In **March**.")
    from cultivate.formats.actions import do_adapt_format
    from cultivate.formats.builtin import ensure_builtin_formats
    from cultivate.formats.models import LearningFormat

    ensure_builtin_formats()  # transactional tests flush the rows the migration loaded
    do_adapt_format(actor=ana, community=community, notes="Monthly, **online**.", duration_max=90,
                    format=LearningFormat.objects.get(slug="peer-assist"))
    base = live_server.url
    unsubscribe = unsubscribe_url(ana.pk, community.pk).split("/unsubscribe/")[1]
    visitor_pages = [*VISITOR_PAGES, f"/unsubscribe/{unsubscribe}"]
    found = [v for url in visitor_pages for v in violations_on(page, base + url)]
    sign_in(page, base, "ana")
    pages = [url.format(topic=topic.get_absolute_url(), reply=reply.pk) for url in CONVENER_PAGES]
    found += [v for url in pages for v in violations_on(page, base + url)]
    assert found == []


def test_the_checker_does_catch_a_violation(page: Page):
    page.set_content("<html lang='en'><body><main><img src='x.png'></main></body></html>")
    ids = [v["id"] for v in Axe().run(page).response["violations"]]
    assert "image-alt" in ids


def test_event_pages_have_no_accessibility_violations(page: Page, live_server, make_user,
                                                      make_community, sign_in):
    """Learning events (cultivate.events): the list, an event (coming and past), the forms."""
    from datetime import timedelta

    from django.utils import timezone

    from cultivate.events.actions import do_plan_event, do_record_event_outcome, do_rsvp
    from cultivate.formats.builtin import ensure_builtin_formats

    ensure_builtin_formats()
    ana = make_user("ana", display_name="Ana Lima")
    community = make_community(ana)
    starts = timezone.now() + timedelta(days=3)
    coming = do_plan_event(actor=ana, community=community, title="Peer assist",
                           starts_at=starts, ends_at=starts + timedelta(hours=1),
                           time_zone="Asia/Almaty", capacity=1, agenda="1. **Context**",
                           learning_format="peer-assist", venue="Room 4")
    do_rsvp(actor=ana, event=coming, answer="going")
    before = timezone.now() - timedelta(days=3)
    past = do_plan_event(actor=ana, community=community, title="Case clinic",
                         starts_at=before, ends_at=before + timedelta(hours=1),
                         time_zone="Europe/Paris", online_url="https://meet.example.org/x")
    do_record_event_outcome(ana, past, notes="We **met**.", outputs="- A list",
                            recording_url="https://video.example.org/1")
    base = live_server.url
    visitor_pages = ["/c/budget-practitioners/events/", coming.get_absolute_url(),
                     past.get_absolute_url()]
    found = [v for url in visitor_pages for v in violations_on(page, base + url)]
    sign_in(page, base, "ana")
    convener_pages = [*visitor_pages, "/c/budget-practitioners/events/new/",
                      "/c/budget-practitioners/events/new/?format=case-clinics",
                      f"/events/{coming.pk}/edit/", f"/events/{past.pk}/outcome/",
                      "/me/events/"]
    found += [v for url in convener_pages for v in violations_on(page, base + url)]
    assert found == []


def test_insight_pages_have_no_accessibility_violations(page: Page, live_server, make_user,
                                                        make_community, sign_in):
    """Dashboards (cultivate.insights): a community's dashboard with figures and one without,
    the landscape, as a facilitator and as a platform admin."""
    from cultivate.insights.tests.dashboard_data import fill, make_world

    world = make_world(make_user, make_community)
    fill(world["private"])
    base = live_server.url
    found = []
    for username, urls in (("fay", ["/c/treasury-circle/insights/",
                                    "/c/treasury-circle/insights/?weeks=104", "/insights/"]),
                           ("root", ["/c/open-budgets/insights/", "/insights/"])):
        sign_in(page, base, username)
        for url in urls:
            assert page.goto(base + url).status == 200, url
            if "/c/treasury-circle/" in url:  # figures: the pictures are drawn
                page.locator("#plot-levels svg.main-svg").first.wait_for()
            elif "/c/" in url:  # no figures yet: it says so instead of empty boxes
                assert page.get_by_text("No data yet for this period").count() >= 1
            results = Axe().run(page)
            found += [f"{url}: {v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}"
                      for v in results.response["violations"]]
    assert found == []
