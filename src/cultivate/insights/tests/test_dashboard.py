"""The community dashboard and the landscape: who sees them, the numbers in their tables and
files, fixed query counts, and plotly's bundle served from our own static files."""

import csv
import io
from datetime import timedelta

import openpyxl
import plotly.graph_objects as go
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cultivate.communities.models import Community
from cultivate.insights import charts, queries
from cultivate.insights.models import CommunityFigures, WeeklyFigures
from cultivate.insights.queries import this_week
from cultivate.insights.tests.dashboard_data import (
    LEVELS,
    Tables,
    add_member_levels,
    fill,
    make_world,
    week_row,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_community):
    world = make_world(make_user, make_community)
    fill(world["private"])
    return world


def url(community, rest=""):
    return f"/c/{community.slug}/insights/{rest}"


@pytest.mark.parametrize(("who", "private", "public"), [
    (None, 404, 302),  # anonymous: hidden community 404, else sign in first
    ("olga", 404, 403),  # outsider
    ("ben", 403, 403),  # member
    ("cora", 403, 403),  # core group member: levels are not theirs to watch
    ("sam", 200, 403),  # sponsor
    ("fay", 200, 403),  # facilitator
    ("ana", 200, 403),  # convener
    ("root", 200, 200),  # platform admin
    ("cleo", 404, 200),  # convener of the public one
])
def test_who_sees_the_dashboard(client, world, who, private, public):
    if who:
        client.force_login(world[who])
    for community, status in ((world["private"], private), (world["public"], public)):
        for path in ("", "members.csv", "levels.xlsx"):
            got = client.get(url(community, path))
            assert got.status_code == status, (who, community.slug, path)
            if status == 302:
                assert got["Location"].startswith("/accounts/login/")


def test_the_tables_show_the_stored_numbers(client, world):
    client.force_login(world["fay"])
    page = client.get(url(world["private"]))
    assert page.status_code == 200
    html = page.content.decode()
    tables = Tables(html).tables
    levels = tables["table-levels"]
    assert levels[0] == ["Level", "People", "Share (%)"]
    assert levels[1] == ["Core group", "3", "4.5"]  # 3 of 67 people
    assert levels[5] == ["Transactional", "5", "7.5"]
    weeks = tables["table-members"]
    assert len(weeks) == 1 + queries.DEFAULT_WEEKS  # every week of the period, even empty ones
    assert weeks[-1] == [this_week().isoformat(), "1", "4"]
    assert weeks[-2] == [(this_week() - timedelta(weeks=1)).isoformat(), "2", "4"]
    assert weeks[1][1:] == ["0", "0"]  # no row stored for that week
    contributions = tables["table-contributions"]
    assert contributions[0] == ["Week starting", "Answering", "Posting", "Reading", "Total"]
    assert contributions[-1][1:] == ["2", "5", "11", "18"]
    assert contributions[-4][1:] == ["5", "5", "11", "21"]
    answer_time = tables["table-answer-time"]
    assert answer_time[-1][1:] == ["0.8", "2"]  # median of 1800 s and 3600 s: 0.75 h
    assert answer_time[-2][1:] == ["1.2", "2"]
    assert answer_time[1][1:] == ["—", "0"]
    assert tables["table-questions"][-1][1:] == ["3", "2"]
    assert tables["table-attendance"][-2][1:] == ["9"]
    history = tables["table-levels-over-time"]
    assert history[-1] == [this_week().isoformat(), "3", "7", "12", "40", "5"]
    assert history[-3][1] == "5"  # two weeks ago: one more of each
    unanswered = tables["table-unanswered"]
    assert unanswered[1][0] == "How do you phase a budget reform?"
    assert "The 1 oldest of 10." in html
    assert '<a href="/c/x/t/7/">How do you phase a budget reform?</a>' in html
    useful = tables["table-useful-content"]
    assert useful[1] == ["Case clinic notes", "Reply", "7"] and useful[2][2] == "4"
    assert "1.5 hours" in html and "30 of 40 (75.0%)" in html
    # every table has a caption and its headers a scope
    assert html.count("<caption") == len(charts.DASHBOARD_CHARTS)
    assert '<th scope="col">' in html and '<th scope="row">' in html


def test_the_picture_is_plotly_with_our_own_bundle(client, world):
    client.force_login(world["sam"])
    html = client.get(url(world["private"])).content.decode()
    assert '<script src="/static/plotly/plotly.min.js" defer>' in html
    assert "cdn" not in html.lower()
    for slug in ("levels", "levels-over-time", "members", "contributions", "questions",
                 "answer-time", "attendance"):
        assert f'data-figure="figure-{slug}"' in html
        assert f'<script id="figure-{slug}" type="application/json">' in html


def test_every_figure_is_valid_plotly(world):
    d = queries.dashboard(world["private"], weeks=52)
    drawn = [chart for chart in charts.dashboard_charts(d) if chart.figure]
    assert len(drawn) == 7
    for chart in drawn:
        go.Figure(chart.figure)  # plotly's own validation: raises on a wrong property
    rings = charts.dashboard_chart(d, "levels").figure
    assert len(rings["layout"]["shapes"]) == 5
    labels = [note["text"] for note in rings["layout"]["annotations"]]
    assert labels[0] == "Core group: 3 (4.5%)" and labels[-1] == "Transactional: 5 (7.5%)"


def test_rings_keep_the_core_in_the_centre():
    radii = charts.ring_radii({"core": 0, "active": 0, "occasional": 1, "peripheral": 1000,
                               "transactional": 0})
    assert radii == sorted(radii) and radii[-1] == 1.0
    widths = [b - a for a, b in zip([0, *radii], radii, strict=False)]
    assert min(widths) > 0.05  # an empty level still has a ring to name
    assert charts.ring_radii({})[-1] == 1.0


def test_csv_and_xlsx_hold_the_same_numbers(client, world):
    client.force_login(world["fay"])
    got = client.get(url(world["private"], "contributions.csv"))
    assert got.status_code == 200 and got["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="treasury-circle-contributions.csv"' in got["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(got.content.decode())))
    assert rows[0] == ["Week starting", "Answering", "Posting", "Reading", "Total"]
    assert rows[-1] == [this_week().isoformat(), "2", "5", "11", "18"]
    assert len(rows) == 1 + queries.DEFAULT_WEEKS
    got = client.get(url(world["private"], "contributions.xlsx") + "?weeks=12")
    assert got["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(got.content)).active
    values = list(sheet.values)
    assert values[0] == ("Week starting", "Answering", "Posting", "Reading", "Total")
    assert len(values) == 1 + 12
    assert values[-1][0].date() == this_week() and values[-1][1:] == (2, 5, 11, 18)
    levels = list(csv.reader(io.StringIO(
        client.get(url(world["private"], "levels.csv")).content.decode())))
    assert levels[1:] == [["Core group", "3", "4.5"], ["Active", "7", "10.4"],
                          ["Occasional", "12", "17.9"], ["Peripheral", "40", "59.7"],
                          ["Transactional", "5", "7.5"]]
    unanswered = list(csv.reader(io.StringIO(
        client.get(url(world["private"], "unanswered.csv")).content.decode())))
    assert unanswered[0] == ["Question", "Asked (UTC)", "Question (address)"]
    assert unanswered[1] == ["How do you phase a budget reform?", "2026-03-02T09:30:00+00:00",
                             "http://127.0.0.1:8000/c/x/t/7/"]


def test_files_never_carry_formulas(client, world):
    CommunityFigures.objects.filter(community=world["private"]).update(unanswered=[
        {"id": 1, "title": '=HYPERLINK("http://evil.example","x")', "url": "javascript:x",
         "asked_at": "2026-03-02T09:30:00Z"}])
    client.force_login(world["ana"])
    text = client.get(url(world["private"], "unanswered.csv")).content.decode()
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[0].startswith("'=HYPERLINK") and row[2] == ""  # no address for a foreign link
    book = openpyxl.load_workbook(io.BytesIO(
        client.get(url(world["private"], "unanswered.xlsx")).content))
    cell = book.active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    page = client.get(url(world["private"])).content.decode()
    assert "javascript:x" not in page  # only our own paths become links


def test_bad_input_is_answered_calmly(client, world):
    client.force_login(world["fay"])
    assert client.get(url(world["private"]) + "?weeks=-3x").status_code == 200
    assert client.get(url(world["private"]) + "?weeks=-3%00").status_code == 400
    assert client.get(url(world["private"], "nothing.csv")).status_code == 404
    assert client.get(url(world["private"], "levels.pdf")).status_code == 404
    assert client.post(url(world["private"])).status_code == 405
    assert client.get("/c/no-such-place/insights/").status_code == 404


def test_a_community_not_computed_yet(client, world):
    client.force_login(world["cleo"])
    page = client.get(url(world["public"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "have not been computed for this community yet" in text
    # Empty charts say so instead of drawing empty boxes; their downloads stay.
    assert "No data yet for this period" in text
    assert 'data-figure="figure-levels"' not in text and "levels.csv" in text


DASHBOARD_QUERIES = 7  # session, user, community, role; figures, weeks, snapshots


@pytest.mark.parametrize(("weeks", "members"), [(3, 2), (104, 60)])
def test_dashboard_queries_do_not_grow(client, make_user, make_community, weeks, members):
    convener = make_user("convener")
    community = make_community(convener)
    people = [make_user(f"p{i}") for i in range(members)]
    add_member_levels(community, people)
    WeeklyFigures.objects.bulk_create([week_row(community, n) for n in range(weeks)])
    fill(community, weeks=0, snapshots=weeks)
    client.force_login(convener)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(community) + "?weeks=104").status_code == 200
    assert len(captured) == DASHBOARD_QUERIES, "\n".join(q["sql"][:90] for q in captured)


# --- the landscape -------------------------------------------------------------------------

def test_who_sees_the_landscape(client, world):
    assert client.get("/insights/").status_code == 302
    for who, status in (("olga", 403), ("ben", 403), ("cora", 403), ("sam", 200),
                        ("fay", 200), ("cleo", 200), ("root", 200)):
        client.force_login(world[who])
        assert client.get("/insights/").status_code == status, who
        assert client.get("/insights/landscape.csv").status_code == status, who


def test_the_landscape_shows_only_ones_own_communities(client, world):
    client.force_login(world["sam"])
    tables = Tables(client.get("/insights/").content.decode()).tables
    rows = tables["table-landscape"]
    assert [row[0] for row in rows[1:]] == ["Treasury Circle"]
    name, stage, health, members, _bar, core, active, occasional, peripheral, transactional, \
        trend = rows[1]
    assert stage.startswith("Potential") and "for 0" in stage  # the stage, how long it held
    assert health == "—"  # the job has not judged its health yet
    assert members == "5"  # Community.member_count
    assert [core, active, occasional, peripheral, transactional] == ["3", "7", "12", "40", "5"]
    assert trend.startswith("78 ")  # 18 + 19 + 20 + 21 contributions in four stored weeks
    client.force_login(world["root"])
    rows = Tables(client.get("/insights/").content.decode()).tables["table-landscape"]
    assert [row[0] for row in rows[1:]] == ["Open Budgets", "Treasury Circle"]
    got = client.get("/insights/landscape.csv")
    lines = list(csv.reader(io.StringIO(got.content.decode())))
    assert lines[0][:12] == ["Community", "Lifecycle stage", "Stage since", "Signals at risk",
                             "Signals to watch", "Members", "Core group", "Active",
                             "Occasional", "Peripheral", "Transactional",
                             "Contributions in the last 12 weeks"]
    assert lines[2][:12] == ["Treasury Circle", "Potential", lines[2][2], "", "", "5", "3",
                             "7", "12", "40", "5", "78"]
    assert lines[2][-5:] == ["21", "20", "19", "18",  # the last four weeks, oldest first
                             "http://127.0.0.1:8000/c/treasury-circle/insights/"]
    assert lines[2][-1 - 12 - 1] == "78" and len(lines[2]) == 12 + 12 + 1
    sheet = openpyxl.load_workbook(io.BytesIO(
        client.get("/insights/landscape.xlsx").content)).active
    values = [c.value for c in sheet[3]]
    assert values[:2] == ["Treasury Circle", "Potential"] and values[2] is not None
    assert values[3:12] == [None, None, 5, 3, 7, 12, 40, 5, 78]


LANDSCAPE_QUERIES = 8  # session, user, count, page of communities, figures, weeks, stage
# changes (the stage's age) and health signals (health app)


@pytest.mark.parametrize("size", [3, 101])
def test_landscape_pages_of_a_hundred_in_fixed_queries(client, make_user, size):
    root = make_user("root", superuser=True)
    made = Community.objects.bulk_create([Community(name=f"C{i:03}", slug=f"c{i:03}",
                                                    member_count=i) for i in range(size)])
    WeeklyFigures.objects.bulk_create([week_row(c, n) for c in made for n in range(12)])
    CommunityFigures.objects.bulk_create([CommunityFigures(community=c, levels=LEVELS)
                                          for c in made])
    client.force_login(root)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/insights/")
    assert page.status_code == 200
    assert len(captured) == LANDSCAPE_QUERIES, "\n".join(q["sql"][:90] for q in captured)
    rows = Tables(page.content.decode()).tables["table-landscape"]
    assert len(rows) == 1 + min(size, queries.LANDSCAPE_PER_PAGE)
    if size > 100:
        last = Tables(client.get("/insights/?page=2").content.decode()).tables
        assert [row[0] for row in last["table-landscape"][1:]] == ["C100"]


# --- navigation ----------------------------------------------------------------------------

def test_links_to_the_dashboards(client, world):
    home = f"/c/{world['private'].slug}/"
    link = f'href="/c/{world["private"].slug}/insights/"'
    for who, shown in (("fay", True), ("sam", True), ("ben", False), ("cora", False)):
        client.force_login(world[who])
        assert (link in client.get(home).content.decode()) is shown, who
    client.force_login(world["root"])
    assert 'href="/insights/">Landscape insights' in client.get("/").content.decode()
    client.force_login(world["sam"])
    page = client.get("/").content.decode()
    assert 'href="/insights/">' not in page and f"/insights/nav/?u={world['sam'].pk}" in page
    nav = client.get("/insights/nav/")
    assert 'href="/insights/"' in nav.content.decode()
    assert "max-age=300" in nav["Cache-Control"]
    client.force_login(world["ben"])
    assert client.get("/insights/nav/").content.decode().strip() == ""


# --- plotly's bundle -----------------------------------------------------------------------

def test_plotly_bundle_is_found_and_served_without_network(settings, tmp_path):
    """The finder gives collectstatic plotly's own file; whitenoise serves the hashed copy
    with a year-long immutable cache header."""
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.test import RequestFactory
    from whitenoise.middleware import WhiteNoiseMiddleware

    from cultivate.insights.staticfiles import bundle

    found = finders.find("plotly/plotly.min.js")
    assert found == str(bundle())
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = [p.name for p in (tmp_path / "plotly").iterdir() if p.name.endswith(".js")]
    assert len(hashed) == 2  # plotly.min.js and plotly.min.<hash>.js
    name = next(n for n in hashed if n != "plotly.min.js")
    middleware = WhiteNoiseMiddleware(lambda request: None)
    response = middleware(RequestFactory().get(f"/static/plotly/{name}"))
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body == bundle().read_bytes()


def test_one_week_of_history_is_drawn_around_its_day_not_zoomed_to_hours():
    from cultivate.insights.charts import _layout

    layout = _layout("Levels", "Week starting", "People", x=["2026-11-30"])
    assert layout["xaxis"]["range"] == ["2026-11-23", "2026-12-07"]
    assert layout["xaxis"]["tickformat"] == "%d %b %Y"
    assert "range" not in _layout("Levels", "Week", "People",
                                  x=["2026-11-23", "2026-11-30"])["xaxis"]
