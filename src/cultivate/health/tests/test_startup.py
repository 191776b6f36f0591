"""The start-up guide: a new community's convener is taken through the case for membership,
the first core group, a first plan and a first event, and the step is kept."""

from cultivate.communities.models import Community, Invitation
from cultivate.health.models import Plan, StartupGuide

CHARTER = {"name": "Gender Budgeting", "charter_domain": "Gender-responsive budgets.",
           "charter_community": "Budget officers.", "charter_practice": "Peer reviews.",
           "visibility": "public", "join_policy": "open", "kind": "community",
           "stage": "potential", "external_images": "click"}


def test_a_new_community_walks_through_the_guide(make_user, signed_in, smtp_server):
    ana = signed_in(make_user("ana"))
    created = ana.post("/c/new/", CHARTER)
    community = Community.objects.get(name="Gender Budgeting")
    assert created["Location"] == f"/c/{community.slug}/start/"
    page = ana.get(f"/c/{community.slug}/start/").content.decode()
    assert "Step 2 of 5: Case for membership" in page
    refused = ana.post(f"/c/{community.slug}/start/", {"step": "case", "case_what": "Clinics"})
    assert refused.status_code == 400
    assert "Answer at least why someone should join." in refused.content.decode()
    assert "Clinics" in refused.content.decode()  # the draft survives
    ana.post(f"/c/{community.slug}/start/", {"step": "case", "case_why": "Learn from peers."})
    assert StartupGuide.objects.get().step == "core"
    refused = ana.post(f"/c/{community.slug}/start/", {"step": "core",
                                                       "emails": "bea@example.org\nnot-an-email"})
    assert refused.status_code == 400 and not Invitation.objects.exists()  # all or none
    ana.post(f"/c/{community.slug}/start/", {"step": "core",
                                             "emails": "bea@example.org, cid@example.org"})
    assert set(Invitation.objects.values_list("email", "role")) == {
        ("bea@example.org", "core"), ("cid@example.org", "core")}
    home = ana.get(f"/c/{community.slug}/").content.decode()
    assert "Continue the guide" in home
    ana.post(f"/c/{community.slug}/start/", {"step": "plan", "skip": "1"})
    page = ana.get(f"/c/{community.slug}/start/").content.decode()
    assert "Step 5 of 5: First event" in page
    ana.post(f"/c/{community.slug}/start/", {
        "step": "plan", "title": "Year one", "starts_on": "2027-01-01", "ends_on": "2027-12-31",
        "goal_title": "A first circle of peers", "goal_target": "20 active members"})
    assert Plan.objects.filter(community=community).exists()
    ana.post(f"/c/{community.slug}/start/", {"step": "event", "skip": "1"})
    page = ana.get(f"/c/{community.slug}/start/").content.decode()
    assert "The start-up guide is done" in page
    assert "Continue the guide" not in ana.get(f"/c/{community.slug}/").content.decode()


def test_only_stewards_see_the_guide(make_user, make_community, signed_in):
    ana, ben = make_user("ana"), make_user("ben")
    community = make_community(ana)
    signed_in(ben).post(f"/c/{community.slug}/join/")
    assert signed_in(ben).get(f"/c/{community.slug}/start/").status_code == 403
    assert signed_in(ben).post(f"/c/{community.slug}/start/", {
        "step": "case", "case_why": "x"}).status_code == 403
