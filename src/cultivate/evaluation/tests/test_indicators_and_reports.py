"""Indicators by cycle (computed and custom), the matrix, the roll-up and the sponsor report
(page, Markdown, PDF), with their permissions and pinned query counts."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cultivate.evaluation.applied import actions as applied
from cultivate.evaluation.indicators import actions
from cultivate.evaluation.indicators.computed import values_for
from cultivate.evaluation.indicators.models import Indicator, IndicatorValue
from cultivate.evaluation.periods import current_quarter
from cultivate.evaluation.stories import actions as stories
from cultivate.insights.jobs import recompute


@pytest.fixture
def valued(world):
    """The world with an applied answer, its follow-up, a published story and a custom
    indicator with a figure for this quarter."""
    record = applied.do_record_applied(actor=world["ben"], kind="post",
                                       target_id=world["answer"].pk, note="Used it")
    applied.do_answer_follow_up(actor=world["ben"], record_id=record.pk, values={
        "difference": "yes", "what_changed": "Three weeks less", "figure_kind": "time_saved",
        "figure_value": "120", "figure_unit": "hours", "may_quote": True})
    story = stories.do_save_story(actor=world["ben"], community=world["budget"], publish=True,
                                  values={"title": "Budget calls three weeks shorter",
                                          "immediate_text": "Asked, answered.",
                                          "immediate_evidence":
                                              world["question"].get_absolute_url(),
                                          "realized_text": "Three weeks less.",
                                          "reframing_text": "We hope for a new rule.",
                                          "reframing_aspirational": "on"})
    indicator = actions.do_define_indicator(actor=world["ana"], community=world["budget"],
                                            values={"name": "Ministries that adopted "
                                                    "programme budgeting", "cycle": "reframing",
                                                    "unit": "ministries", "target": "8",
                                                    "aggregation": "latest"})
    actions.do_enter_value(actor=world["sam"], community=world["budget"], indicator=indicator,
                           values={"period": current_quarter().key, "value": "5",
                                   "source": "Annual survey"})
    recompute()
    return {**world, "story": story, "indicator": indicator, "record": record}


def test_computed_indicators_count_what_happened(valued):
    figures = values_for([valued["budget"].pk], current_quarter())[valued["budget"].pk]
    assert figures["applied"] == 1 and figures["people_applying"] == 1
    assert figures["differences"] == 1 and figures["hours_saved"] == 120
    assert figures["questions_answered"] == 1
    assert figures["contributions"] >= 3  # question, answer, accepted... as insights counts


def test_the_matrix_shows_indicators_and_story_steps_by_cycle(valued, signed_in):
    page = signed_in(valued["ana"]).get(f"/c/{valued['budget'].slug}/value/").content.decode()
    assert "Ministries that adopted programme budgeting" in page
    assert "Budget calls three weeks shorter" in page
    assert f"/value/stories/{valued['story'].pk}/#cycle-realized" in page
    assert "story-lines" in page and "hoped" in page


@pytest.mark.parametrize("who, status", [("ana", 200), ("fay", 200), ("sam", 200),
                                         ("ben", 403), ("olga", 403), ("sid", 403)])
def test_who_reads_the_matrix_indicators_and_report(valued, signed_in, who, status):
    client = signed_in(valued[who])
    slug = valued["budget"].slug
    for path in (f"/c/{slug}/value/", f"/c/{slug}/value/indicators/",
                 f"/c/{slug}/value/report/", f"/c/{slug}/value/report.md"):
        assert client.get(path).status_code == status, path


def test_a_bad_period_is_explained_not_a_server_error(valued, signed_in):
    response = signed_in(valued["ana"]).get(f"/c/{valued['budget'].slug}/value/?period=2026-Q9")
    assert response.status_code == 400
    assert "Choose a year (2026), a quarter (2026-Q4) or a month (2026-11)." in (
        response.content.decode())
    api = signed_in(valued["ana"]).get(
        f"/api/v1/communities/{valued['budget'].slug}/value/matrix?period=1999")
    assert api.status_code == 400 and "period" in api.json()["error"]["fields"]


def test_stewards_define_indicators_and_sponsors_enter_figures(valued, signed_in):
    slug = valued["budget"].slug
    fay = signed_in(valued["fay"])
    response = fay.post(f"/c/{slug}/value/indicators/new/", {
        "name": "Survey satisfaction", "cycle": "immediate", "unit": "%", "target": "80",
        "target_period": "quarter", "aggregation": "average"})
    assert response.status_code == 302
    survey = Indicator.objects.get(name="Survey satisfaction")
    refused = fay.post(f"/c/{slug}/value/indicators/new/", {
        "name": "Kept name", "cycle": "nowhere", "target": "lots"})
    assert refused.status_code == 400 and "Kept name" in refused.content.decode()
    sam = signed_in(valued["sam"])
    assert sam.post(f"/c/{slug}/value/indicators/new/", {"name": "x", "cycle": "applied"}
                    ).status_code == 403
    url = f"/c/{slug}/value/indicators/{survey.pk}/values/"
    bad = sam.post(url, {"period": "2026-Q9", "value": "x"})
    assert bad.status_code == 400 and not IndicatorValue.objects.filter(indicator=survey).exists()
    assert sam.post(url, {"period": current_quarter().key, "value": "84",
                          "source": "Clinic forms"}).status_code == 302
    assert signed_in(valued["ben"]).post(url, {"period": "2026", "value": "1",
                                               "source": "me"}).status_code == 403
    page = sam.get(f"/c/{slug}/value/indicators/").content.decode()
    assert "Survey satisfaction" in page and "Clinic forms" in page


def test_computed_indicators_take_no_figures(valued, signed_in):
    computed = actions.do_set_computed_target(actor=valued["ana"], community=valued["budget"],
                                              key="applied", target="5")
    assert computed.target == 5
    response = signed_in(valued["sam"]).post(
        f"/c/{valued['budget'].slug}/value/indicators/{computed.pk}/values/",
        {"period": "2026", "value": "3", "source": "x"})
    assert response.status_code == 302 and not IndicatorValue.objects.filter(
        indicator=computed).exists()


def test_the_report_holds_indicators_stories_and_downloads(valued, signed_in):
    from pypdf import PdfReader

    sam = signed_in(valued["sam"])
    slug = valued["budget"].slug
    page = sam.get(f"/c/{slug}/value/report/").content.decode()
    for text in ("Ministries that adopted programme budgeting", "Budget calls three weeks "
                 "shorter", "Budget reform in ministries of finance", "Levels of participation"):
        assert text in page
    markdown = sam.get(f"/c/{slug}/value/report.md")
    assert markdown["Content-Type"].startswith("text/markdown")
    text = markdown.content.decode()
    assert "| Reframing value | Ministries that adopted programme budgeting | 5 ministries" in text
    assert "#### [Budget calls three weeks shorter](http" in text
    pdf = sam.get(f"/c/{slug}/value/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    content = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Ministries that adopted programme budgeting" in content
    assert "Budget calls three weeks shorter" in content


def test_the_pdf_renders_cyrillic_and_arabic(valued, signed_in):
    from pypdf import PdfReader

    stories.do_save_story(actor=valued["bea"], community=valued["budget"], publish=True,
                          values={"title": "Бюджет для граждан — ميزانية المواطن",
                                  "immediate_text": "Кириллица и العربية."})
    pdf = signed_in(valued["ana"]).get(f"/c/{valued['budget'].slug}/value/report.pdf")
    content = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Бюджет для граждан" in content


def test_the_landscape_report_and_rollup_are_for_sponsors_and_admins(valued, signed_in,
                                                                      make_user):
    admin = make_user("root", superuser=True)
    page = signed_in(admin).get("/value/report/").content.decode()
    assert "Budget Practitioners" in page and "Audit Office" in page
    sid = signed_in(valued["sid"]).get("/value/").content.decode()
    assert "Audit Office" in sid and "Budget Practitioners" not in sid
    assert signed_in(valued["ben"]).get("/value/").status_code == 403
    pdf = signed_in(valued["sam"]).get("/value/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_api_gives_the_same_figures(valued, client, token_of):
    slug = valued["budget"].slug
    headers = token_of(valued["sam"])
    listed = client.get(f"/api/v1/communities/{slug}/value/indicators", **headers).json()
    by_key = {row["key"] or row["name"]: row for row in listed["indicators"]}
    assert by_key["applied"]["value"] == "1" or float(by_key["applied"]["value"]) == 1
    report = client.get(f"/api/v1/communities/{slug}/value/report", **headers).json()
    assert report["stories"][0]["title"] == "Budget calls three weeks shorter"
    refused = client.get(f"/api/v1/communities/{slug}/value/report", **token_of(valued["ben"]))
    assert refused.status_code == 403
    created = client.post(f"/api/v1/communities/{slug}/value/indicators",
                          {"name": "", "cycle": "x"}, content_type="application/json",
                          **token_of(valued["ana"]))
    assert created.status_code == 400 and {"name", "cycle"} <= set(
        created.json()["error"]["fields"])


# The report adds community health's sections (signals, thresholds, formats, stage history,
# maturity rounds, the current plan): six queries more than the matrix.
@pytest.mark.parametrize("path, most", [("/c/{slug}/value/", 30), ("/c/{slug}/value/report/", 36)])
def test_query_counts_of_the_matrix_and_report_stay_flat(valued, signed_in, path, most):
    """More stories and indicators must not mean more queries (no N+1)."""
    client = signed_in(valued["ana"])
    url = path.format(slug=valued["budget"].slug)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(4):
        stories.do_save_story(actor=valued["bea"], community=valued["budget"], publish=True,
                              values={"title": f"Another story {n}", "immediate_text": "x",
                                      "potential_text": "y", "potential_evidence":
                                      valued["question"].get_absolute_url()})
        actions.do_define_indicator(actor=valued["ana"], community=valued["budget"],
                                    values={"name": f"Custom {n}", "cycle": "applied"})
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before) <= most, [q["sql"][:120] for q in after.captured_queries]
