"""A facilitator opens the insights dashboard with the network cut off: plotly (our own copy)
draws the rings and the charts, the numbers open as a table, a chart downloads as CSV, and
axe finds nothing wrong on the dashboard or the landscape."""

import csv
import io
import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from cultivate.insights.queries import this_week
from cultivate.insights.tests.dashboard_data import fill, make_world
from tests.browser.conftest import open_account_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def violations(page: Page) -> list[str]:
    return [f"{page.url}: {v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])} "
            f"{[node['target'] for node in v['nodes']]}"
            for v in Axe().run(page).response["violations"]]


def test_dashboard_draws_offline_opens_tables_and_downloads(page: Page, live_server, make_user,
                                                            make_community, tmp_path, sign_in):
    world = make_world(make_user, make_community)
    fill(world["private"])
    base = live_server.url
    ours = urlsplit(base).netloc
    elsewhere: list[str] = []

    def only_ours(route):
        if urlsplit(route.request.url).netloc == ours:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_ours)
    sign_in(page, base, "fay")
    page.goto(base + "/c/treasury-circle/")
    page.get_by_role("link", name="Insights", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Insights of Treasury Circle")
    rings = page.locator("#plot-levels")
    # plotly.js is 4.8 MB: parsing it on a busy machine can take longer than expect's 5 s
    expect(rings.locator("svg.main-svg").first).to_be_visible(timeout=30_000)
    expect(rings.locator("path[style*='fill: rgb(27, 67, 50)']").first).to_be_attached()
    expect(rings.get_by_text("Core group: 3 (4.5%)")).to_be_visible()
    for slug in ("levels-over-time", "members", "contributions", "questions", "answer-time",
                 "attendance"):
        expect(page.locator(f"#plot-{slug} svg.main-svg").first).to_be_visible()
    assert violations(page) == []

    table = page.locator("#table-contributions")
    expect(table).to_be_hidden()
    page.locator("#contributions summary").click()
    expect(table).to_be_visible()
    last = table.locator("tbody tr").last
    expect(last.locator("th")).to_have_text(this_week().isoformat())
    expect(last.locator("td")).to_have_text(["2", "5", "11", "18"])

    with page.expect_download() as waiting:
        page.locator("#contributions").get_by_role("link", name=re.compile("^CSV")).click()
    download = waiting.value
    assert download.suggested_filename == "treasury-circle-contributions.csv"
    saved = tmp_path / "contributions.csv"
    download.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert rows[-1] == [this_week().isoformat(), "2", "5", "11", "18"]

    page.goto(base + "/insights/")
    expect(page.get_by_role("table", name="Communities side by side")).to_be_visible()
    assert violations(page) == []
    assert elsewhere == []  # nothing was fetched from anywhere but our server


def test_network_picture_and_people_to_meet(page: Page, live_server, make_user, make_community,
                                            sign_in):
    """A convener sees the interaction network drawn (ties as lines, people coloured by level)
    with its tables; a member who talks with the hub is offered the others the hub talks with."""
    from cultivate.communities.models import Membership
    from cultivate.conversations.actions import do_reply, do_start_topic
    from cultivate.insights.jobs import recompute

    ana = make_user("ana")
    budget = make_community(ana, name="Budget")
    hub = make_user("hub")
    Membership.objects.create(community=budget, user=hub)
    for name in ("lia", "leo", "lou"):
        asker = make_user(name)
        Membership.objects.create(community=budget, user=asker)
        topic = do_start_topic(actor=asker, community=budget, kind="question",
                               title=f"A question from {name}", body="How do we start?")
        do_reply(actor=hub, topic=topic, body="Start small.")
    recompute()
    base = live_server.url

    sign_in(page, base, "ana")
    page.goto(base + "/c/budget/insights/network/")
    picture = page.locator("#plot-network")
    expect(picture.locator("svg.main-svg").first).to_be_visible(timeout=30_000)
    # The hub's three ties, one line each, from the lines stored with the picture.
    expect(picture.locator(".scatterlayer .trace").first.locator("path.js-line")).to_have_count(3)
    expect(picture.locator(".scatterlayer .trace path.point")).to_have_count(4)
    expect(page.locator("#summary-heading + dl")).to_contain_text("Ties3")
    brokers = page.get_by_role("table", name=re.compile("Brokers"))
    expect(brokers.locator("tbody tr").first).to_contain_text("hub")
    assert violations(page) == []

    open_account_menu(page)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, "lia")
    page.goto(base + "/c/budget/people-to-meet/")
    expect(page.get_by_role("heading", level=2, name="leo")).to_be_visible()
    expect(page.get_by_text("You both talk with hub.").first).to_be_visible()
    assert violations(page) == []
