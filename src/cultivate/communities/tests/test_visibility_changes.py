"""Who sees a community and its address are a convener's decision, and widening who sees it is
confirmed knowing what becomes visible (issue 12, finding 10)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from cultivate.communities import actions
from cultivate.communities.actions.membership import add_member
from cultivate.communities.models import Membership
from cultivate.conversations.actions import do_start_topic
from cultivate.core.errors import ActionError
from cultivate.events.actions import do_plan_event
from cultivate.people.actions import do_create_access_token
from cultivate.practice.actions import do_create_method
from cultivate.resources.actions import do_add_resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle(make_user, make_community):
    """A private community with 2 conversations, 1 method, 1 resource, 1 event, 3 members."""
    ana, fay, ben = make_user("ana"), make_user("fay"), make_user("ben")
    community = make_community(ana, name="Circle", visibility="private",
                               join_policy="invitation")
    for user, role in ((fay, "facilitator"), (ben, "member")):
        add_member(community=community, user=user, role=role, how="test", actor=ana)
    for title in ("Our arrears", "Cash plans"):
        do_start_topic(actor=ben, community=community, title=title, body="Private words.")
    do_create_method(actor=ben, community=community, title="Cash forecasting",
                     brief="Forecast cash a quarter ahead.")
    do_add_resource(actor=ben, community=community, form="link", title="PEFA",
                    summary="The framework.", language="en", url="https://www.pefa.org/")
    starts = timezone.now() + timedelta(days=2)
    do_plan_event(actor=ana, community=community, title="Clinic", starts_at=starts,
                  ends_at=starts + timedelta(hours=1), time_zone="UTC")
    community.refresh_from_db()
    return community, ana, fay


def test_facilitators_keep_the_charter_but_not_visibility_or_address(circle):
    community, _ana, fay = circle
    for change in ({"visibility": "public"}, {"slug": "open-circle"}):
        with pytest.raises(ActionError) as refused:
            actions.do_update_community(actor=fay, community=community, confirm_visibility=True,
                                        **change)
        assert refused.value.code == "conveners_only" and refused.value.status == 403
        assert list(refused.value.fields) == list(change)
    actions.do_update_community(actor=fay, community=community, charter_practice="Clinics.",
                                visibility="private", slug="circle")  # unchanged: fine
    community.refresh_from_db()
    assert (community.visibility, community.slug) == ("private", "circle")
    assert community.charter_practice == "Clinics."


def test_widening_needs_confirmation_that_names_what_becomes_visible(circle):
    community, ana, _fay = circle
    with pytest.raises(ActionError) as unconfirmed:
        actions.do_update_community(actor=ana, community=community, visibility="public")
    error = unconfirmed.value
    assert error.code == "confirm_visibility" and error.status == 409
    assert error.details["counts"] == {"conversations": 2, "methods": 1, "resources": 1,
                                       "events": 1, "members": 3}
    assert ("anyone read 2 conversations, 1 methods, 1 resources, 1 events and the names of "
            "its 3 members") in error.message
    community.refresh_from_db()
    assert community.visibility == "private"
    with pytest.raises(ActionError) as listing:
        actions.do_update_community(actor=ana, community=community, visibility="listed")
    assert listing.value.details["content_becomes_public"] is False
    actions.do_update_community(actor=ana, community=community, visibility="listed",
                                confirm_visibility=True)
    with pytest.raises(ActionError):
        actions.do_update_community(actor=ana, community=community, visibility="public")
    actions.do_update_community(actor=ana, community=community, visibility="private")  # narrower
    community.refresh_from_db()
    assert community.visibility == "private"


def test_the_edit_page_asks_for_confirmation_and_locks_the_fields_for_facilitators(
        circle, signed_in):
    community, ana, fay = circle
    form = {"name": "Circle", "slug": "circle", "tagline": "", "kind": "community",
            "stage": "potential", "visibility": "public", "join_policy": "invitation",
            "tags": "", "charter_domain": "D", "charter_community": "C",
            "charter_practice": "P"}
    page = signed_in(ana).post("/c/circle/edit/", form)
    text = page.content.decode()
    assert page.status_code == 200 and "2 conversations" in text
    assert 'name="confirm_visibility"' in text
    community.refresh_from_db()
    assert community.visibility == "private"
    saved = signed_in(ana).post("/c/circle/edit/", form | {"confirm_visibility": "on"})
    assert saved.status_code == 302
    community.refresh_from_db()
    assert community.visibility == "public"

    fay_page = signed_in(fay).get("/c/circle/edit/").content.decode()
    assert fay_page.count("Only conveners can change this.") == 3  # + external images
    signed_in(fay).post("/c/circle/edit/", form | {"visibility": "private", "slug": "x",
                                                   "charter_practice": "Peer assists"})
    community.refresh_from_db()
    assert (community.visibility, community.slug) == ("public", "circle")
    assert community.charter_practice == "Peer assists"


def test_the_api_answers_409_with_the_counts_until_confirmed(circle, client):
    community, ana, fay = circle

    def patch(user, body):
        _token, secret = do_create_access_token(actor=user, name="script")
        return client.patch("/api/v1/communities/circle", json.dumps(body),
                            content_type="application/json",
                            HTTP_AUTHORIZATION=f"Bearer {secret}")

    facilitator = patch(fay, {"visibility": "public", "confirm": True})
    assert facilitator.status_code == 403
    assert facilitator.json()["error"]["code"] == "conveners_only"
    unconfirmed = patch(ana, {"visibility": "public"})
    assert unconfirmed.status_code == 409
    body = unconfirmed.json()["error"]
    assert body["code"] == "confirm_visibility"
    assert body["details"]["counts"]["conversations"] == 2
    assert body["details"]["counts"]["members"] == 3
    assert "visibility" in body["fields"]
    confirmed = patch(ana, {"visibility": "public", "confirm": True})
    assert confirmed.status_code == 200 and confirmed.json()["visibility"] == "public"
    assert Membership.objects.filter(community=community).count() == 3
