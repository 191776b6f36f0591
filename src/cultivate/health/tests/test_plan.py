"""The action plan: stewards start one with a first goal, add goals and activities built from
learning formats, export it and copy it into the next period; members read it on the home."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cultivate.communities.models import Membership
from cultivate.health.models import Plan, PlanActivity, PlanGoal


@pytest.fixture
def budget(make_user, make_community):
    people = {name: make_user(name) for name in ("ana", "fay", "ben", "olga")}
    community = make_community(people["ana"])
    Membership.objects.create(community=community, user=people["fay"], role="facilitator")
    Membership.objects.create(community=community, user=people["ben"])
    return {"community": community, **people}


def year_plan(client, slug, **extra):
    today = timezone.localdate()
    return client.post(f"/c/{slug}/plan/start/", {
        "title": f"Plan {today.year}", "starts_on": f"{today.year}-01-01",
        "ends_on": f"{today.year}-12-31", "goal_title": "Members apply what they learn",
        "goal_indicator": "applied", "goal_target": "40 applied records", **extra})


def test_a_plan_needs_a_goal_and_keeps_the_draft(budget, signed_in):
    slug = budget["community"].slug
    ana = signed_in(budget["ana"])
    refused = year_plan(ana, slug, goal_title="", title="Our year")
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "A plan needs at least one goal" in body and 'value="Our year"' in body
    refused = year_plan(ana, slug, goal_indicator="", goal_target="")
    assert refused.status_code == 400 and "Point the goal at an indicator" in \
        refused.content.decode()
    refused = year_plan(ana, slug, ends_on="2001-01-01")
    assert refused.status_code == 400 and "on or after the start" in refused.content.decode()
    assert not Plan.objects.exists()
    assert year_plan(signed_in(budget["ben"]), slug).status_code == 403


def test_stewards_write_members_read_and_the_home_shows_this_quarter(budget, signed_in):
    community = budget["community"]
    slug = community.slug
    fay = signed_in(budget["fay"])
    assert year_plan(fay, slug).status_code == 302
    plan = Plan.objects.get()
    goal = plan.goals.get()
    today = timezone.localdate()
    added = fay.post(f"/c/{slug}/plan/goals/{goal.pk}/activities/", {
        "title": "Monthly case clinics", "learning_format": "case-clinics",
        "owner": budget["fay"].pk, "starts_on": (today - timedelta(days=10)).isoformat(),
        "cadence": "monthly"})
    assert added.status_code == 302
    refused = fay.post(f"/c/{slug}/plan/goals/{goal.pk}/activities/", {
        "title": "Field trip", "owner": budget["olga"].pk, "learning_format": "nope"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "must be a member" in text and "No such learning format" in text
    assert 'value="Field trip"' in text
    page = signed_in(budget["ben"]).get(f"/c/{slug}/plan/").content.decode()
    assert "Monthly case clinics" in page and "Case clinics" in page
    assert "Add an activity" not in page  # members read
    home = signed_in(budget["ben"]).get(f"/c/{slug}/").content.decode()
    assert "What we are doing this quarter" in home and "Monthly case clinics" in home
    activity = PlanActivity.objects.get()
    fay.post(f"/c/{slug}/plan/activities/{activity.pk}/", {"status": "done"})
    activity.refresh_from_db()
    assert activity.status == "done"
    home = signed_in(budget["ben"]).get(f"/c/{slug}/").content.decode()
    assert "Monthly case clinics" not in home  # done: not "what we are doing"
    assert signed_in(budget["ben"]).post(f"/c/{slug}/plan/activities/{activity.pk}/",
                                         {"status": "dropped"}).status_code == 403
    # the last goal stays
    fay.post(f"/c/{slug}/plan/goals/{goal.pk}/remove/")
    assert PlanGoal.objects.filter(pk=goal.pk).exists()


@pytest.mark.django_db(transaction=True)  # caches expire when a write commits
def test_the_cached_home_shows_a_plan_change_at_once(budget, signed_in, settings):
    settings.PAGE_CACHE_SECONDS = 60
    slug = budget["community"].slug
    fay, ben = signed_in(budget["fay"]), signed_in(budget["ben"])
    assert "Quarterly peer review" not in ben.get(f"/c/{slug}/").content.decode()
    year_plan(fay, slug)
    goal = PlanGoal.objects.get()
    fay.post(f"/c/{slug}/plan/goals/{goal.pk}/activities/", {
        "title": "Quarterly peer review", "owner": budget["fay"].pk,
        "starts_on": timezone.localdate().isoformat(), "cadence": "quarterly"})
    assert "Quarterly peer review" in ben.get(f"/c/{slug}/").content.decode()
    fay.post(f"/c/{slug}/plan/activities/{PlanActivity.objects.get().pk}/", {"status": "done"})
    assert "Quarterly peer review" not in ben.get(f"/c/{slug}/").content.decode()


def test_the_plan_exports_and_copies_into_the_next_period(budget, signed_in, client):
    slug = budget["community"].slug
    ana = signed_in(budget["ana"])
    year_plan(ana, slug)
    plan = Plan.objects.get()
    goal = plan.goals.get()
    ana.post(f"/c/{slug}/plan/goals/{goal.pk}/activities/", {
        "title": "Peer assists before each reform", "learning_format": "peer-assist",
        "starts_on": plan.starts_on.replace(month=3).isoformat(), "cadence": "quarterly"})
    ana.post(f"/c/{slug}/plan/goals/{goal.pk}/activities/", {"title": "Dropped idea"})
    PlanActivity.objects.filter(title="Dropped idea").update(status="dropped")
    markdown = client.get(f"/c/{slug}/plan/{plan.pk}.md")  # a public community: anyone reads
    assert markdown.status_code == 200
    text = markdown.content.decode()
    assert "# Plan" in text and "Peer assists before each reform" in text
    assert "40 applied records" in text
    pdf = ana.get(f"/c/{slug}/plan/{plan.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    import io

    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Peer assists before each reform" in pdf_text
    assert ana.post(f"/c/{slug}/plan/{plan.pk}/copy/").status_code == 302
    copy = Plan.objects.exclude(pk=plan.pk).get()
    assert copy.starts_on == date(plan.starts_on.year + 1, 1, 1)
    assert copy.ends_on == date(plan.ends_on.year + 1, 12, 31)
    copied = list(PlanActivity.objects.filter(goal__plan=copy).values_list("title", "status",
                                                                           "starts_on"))
    assert copied == [("Peer assists before each reform", "planned",
                       date(plan.starts_on.year + 1, 3, 1))]


def test_the_api_writes_and_reads_plans_and_maturity(budget, client, token_of):
    slug = budget["community"].slug
    ana, ben = token_of(budget["ana"]), token_of(budget["ben"])
    refused = client.post(f"/api/v1/communities/{slug}/plans", {
        "title": "2027", "starts_on": "2027-01-01", "ends_on": "2027-12-31",
        "goal_title": ""}, content_type="application/json", **ana)
    assert refused.status_code == 400 and "goal_title" in refused.json()["error"]["fields"]
    made = client.post(f"/api/v1/communities/{slug}/plans", {
        "title": "2027", "starts_on": "2027-01-01", "ends_on": "2027-12-31",
        "goal_title": "More peer help", "goal_indicator": "questions_answered"},
        content_type="application/json", **ana)
    assert made.status_code == 201
    plan = made.json()
    goal_id = plan["goals"][0]["id"]
    added = client.post(f"/api/v1/communities/{slug}/plans/{plan['id']}/goals/{goal_id}"
                        "/activities", {"title": "Help desk", "learning_format": "help-desk",
                                        "cadence": "weekly"},
                        content_type="application/json", **ana)
    assert added.status_code == 201
    activity = added.json()["goals"][0]["activities"][0]
    assert activity["learning_format"] == "help-desk"
    assert client.post(f"/api/v1/communities/{slug}/plans", {
        "title": "x", "starts_on": "2027-01-01", "ends_on": "2027-12-31",
        "goal_title": "y", "goal_target": "z"}, content_type="application/json",
        **ben).status_code == 403
    listed = client.get(f"/api/v1/communities/{slug}/plans", **ben).json()
    assert listed[0]["goals"][0]["indicator_name"] == "Questions answered"
    opened = client.post(f"/api/v1/communities/{slug}/maturity", {"label": "2027"},
                         content_type="application/json", **ana)
    assert opened.status_code == 201
    round_id = opened.json()[0]["id"]
    levels = {"domain": 3, "community": 2, "practice": 2, "rhythm": 4, "value": 1,
              "sponsorship": 3, "technology": 4}
    rated = client.put(f"/api/v1/communities/{slug}/maturity/{round_id}/ratings",
                       {"levels": levels}, content_type="application/json", **ana)
    assert rated.status_code == 200 and rated.json()[0]["averages"]["rhythm"] == 4
    bad = client.put(f"/api/v1/communities/{slug}/maturity/{round_id}/ratings",
                     {"levels": {**levels, "value": 7}}, content_type="application/json",
                     **ana)
    assert bad.status_code == 400 and "value" in bad.json()["error"]["fields"]
    assert client.put(f"/api/v1/communities/{slug}/maturity/{round_id}/ratings",
                      {"levels": levels}, content_type="application/json",
                      **ben).status_code == 403


def test_the_sponsor_report_carries_health_maturity_and_the_plan(budget, signed_in):
    from cultivate.health import maturity
    from cultivate.insights import jobs

    slug = budget["community"].slug
    ana = signed_in(budget["ana"])
    year_plan(ana, slug)
    round_ = maturity.do_open_assessment(actor=budget["ana"], community=budget["community"],
                                         label="2026")
    maturity.do_rate(actor=budget["ana"], assessment=round_,
                     values=dict.fromkeys(maturity.DIMENSION_KEYS, "3"))
    maturity.do_close_assessment(actor=budget["ana"], assessment=round_)
    jobs.recompute()
    report = ana.get(f"/c/{slug}/value/report/").content.decode()
    assert "Community health" in report and "signals healthy" in report
    assert "Maturity self-assessment (2026, 1 to 5)" in report and "Domain clarity: 3.0" in report
    assert "What the community plans next" in report
    assert "Members apply what they learn (40 applied records)" in report
    markdown = ana.get(f"/c/{slug}/value/report.md").content.decode()
    assert "### Community health" in markdown and "- Domain clarity: 3.0" in markdown
