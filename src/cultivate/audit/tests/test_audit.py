"""The audit trail: moderation, roles, settings and /admin/ edits are recorded, and only
conveners (their community) and platform admins read them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cultivate.audit.models import AppendOnlyError, AuditEntry
from cultivate.communities.actions import do_change_role, do_update_community
from cultivate.communities.models import Membership
from cultivate.events.models import Event
from cultivate.live.actions import do_join_as_member, do_moderate_item, do_post_item


@pytest.fixture
def world(make_user, make_community):
    """A private community (convener ana, facilitator fay, member ben) with a running event;
    another community (convener pia); olga belongs to none; root is a platform admin."""
    people = {name: make_user(name) for name in ("ana", "fay", "ben", "pia", "olga")}
    people["root"] = make_user("root", superuser=True)
    circle = make_community(people["ana"], name="Treasury Circle", visibility="private",
                            join_policy="invitation")
    Membership.objects.create(community=circle, user=people["fay"], role="facilitator")
    Membership.objects.create(community=circle, user=people["ben"])
    other = make_community(people["pia"], name="Audit Office")
    start = timezone.now() - timedelta(minutes=10)
    event = Event.objects.create(community=circle, title="Case clinic on arrears",
                                 starts_at=start, ends_at=start + timedelta(hours=1),
                                 created_by=people["ana"])
    return {"circle": circle, "other": other, "event": event, **people}


def _hide_a_live_question(world):
    participant = do_join_as_member(actor=world["ben"], event=world["event"])
    item = do_post_item(participant=participant, kind="question", body="Who leaked the memo?")
    return do_moderate_item(actor=world["fay"], item=item, op="hide")


@pytest.mark.django_db
def test_hiding_a_live_item_is_in_the_communitys_audit(world, signed_in):
    _hide_a_live_question(world)
    page = signed_in(world["ana"]).get("/c/treasury-circle/audit/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "live.hide" in text and "Who leaked the memo?" in text and "(fay)" in text
    listed = signed_in(world["ana"]).get("/api/v1/communities/treasury-circle/audit").json()
    assert [(e["verb"], e["actor"], e["details"]["by"]) for e in listed["items"]] == [
        ("live.hide", "fay", "ben")]


@pytest.mark.django_db
def test_a_role_change_and_a_visibility_change_are_audited(world, signed_in):
    membership = Membership.objects.get(user=world["ben"])
    do_change_role(actor=world["ana"], membership=membership, role="core")
    do_update_community(actor=world["ana"], community=world["circle"], visibility="listed",
                        tagline="Cash and debt", confirm_visibility=True)
    entries = list(AuditEntry.objects.order_by("pk").values_list("verb", "details"))
    assert entries == [("member.role_changed", {"from": "member", "to": "core"}),
                       ("community.settings_changed", {"visibility": "listed"})]
    text = signed_in(world["ana"]).get("/c/treasury-circle/audit/").content.decode()
    assert "member.role_changed" in text and "community.settings_changed" in text


@pytest.mark.django_db
def test_an_admin_edit_is_audited_with_its_community(world, signed_in):
    membership = Membership.objects.get(user=world["ben"])
    root = signed_in(world["root"])
    answer = root.post(f"/admin/communities/membership/{membership.pk}/change/", {
        "user": world["ben"].pk, "community": world["circle"].pk, "role": "sponsor",
        "joined_at_0": "2026-01-05", "joined_at_1": "10:00:00"})
    assert answer.status_code == 302
    entry = AuditEntry.objects.get()
    assert (entry.verb, entry.actor_label, entry.community) == (
        "admin.changed", "root", world["circle"])
    assert "Role" in entry.details["change_message"]
    assert "admin.changed" in signed_in(world["ana"]).get(
        "/c/treasury-circle/audit/").content.decode()
    assert "admin.changed" in root.get("/audit/?verb=admin.").content.decode()


@pytest.mark.django_db
def test_a_bulk_delete_in_admin_is_audited_too(world, signed_in):
    ids = [m.pk for m in Membership.objects.filter(user__in=[world["ben"], world["fay"]])]
    root = signed_in(world["root"])
    answer = root.post("/admin/communities/membership/", {
        "action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert answer.status_code == 302 and not Membership.objects.filter(pk__in=ids).exists()
    listed = root.get("/api/v1/audit?verb=admin.deleted").json()
    assert listed["count"] == 2
    assert {e["target_id"] for e in listed["items"]} == {str(pk) for pk in ids}
    assert root.get("/api/v1/audit?verb=admin.deleted").json()["count"] == 2  # copied once


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "page", "api"), [
    ("fay", 403, 403), ("ben", 403, 403), ("olga", 404, 404), ("pia", 404, 404)])
def test_only_conveners_and_admins_read_a_communitys_audit(world, signed_in, who, page, api):
    _hide_a_live_question(world)
    client = signed_in(world[who])
    assert client.get("/c/treasury-circle/audit/").status_code == page
    assert client.get("/api/v1/communities/treasury-circle/audit").status_code == api
    assert client.get("/audit/").status_code == 403
    assert client.get("/api/v1/audit").status_code == 403
    assert signed_in(world["root"]).get("/c/treasury-circle/audit/").status_code == 200


@pytest.mark.django_db
def test_a_convener_of_another_community_sees_nothing_of_this_one(world, signed_in):
    _hide_a_live_question(world)
    do_update_community(actor=world["pia"], community=world["other"], join_policy="request")
    pia = signed_in(world["pia"])
    text = pia.get("/c/audit-office/audit/").content.decode()
    assert "community.settings_changed" in text
    assert "live.hide" not in text and "Who leaked" not in text
    listed = pia.get("/api/v1/communities/audit-office/audit?community=treasury-circle").json()
    assert [e["verb"] for e in listed["items"]] == ["community.settings_changed"]


@pytest.mark.django_db
def test_the_platform_audit_filters_and_refuses_bad_filters(world, signed_in):
    _hide_a_live_question(world)
    do_update_community(actor=world["pia"], community=world["other"], join_policy="request")
    root = signed_in(world["root"])
    verbs = lambda query: [e["verb"] for e in root.get(f"/api/v1/audit?{query}").json()["items"]]  # noqa: E731
    assert verbs("") == ["community.settings_changed", "live.hide"]
    assert verbs("community=treasury-circle") == ["live.hide"]
    assert verbs("actor=pia") == ["community.settings_changed"]
    assert verbs("verb=live.") == ["live.hide"]
    today = timezone.now().date()
    assert verbs(f"since={today + timedelta(days=1)}") == []
    assert len(verbs(f"since={today}&until={today}")) == 2
    assert root.get("/audit/?actor=a%00b").status_code == 400
    bad = root.get("/audit/?since=yesterday")
    assert bad.status_code == 400
    assert "Give a date as YYYY-MM-DD." in bad.content.decode()
    assert root.get("/api/v1/audit?since=0001-01-01").status_code == 400
    assert root.get("/api/v1/audit?until=9999-12-31").status_code == 400


@pytest.mark.django_db
def test_entries_are_never_changed(world):
    entry = _hide_a_live_question(world) and AuditEntry.objects.get()
    entry.verb = "nothing.happened"
    with pytest.raises(AppendOnlyError):
        entry.save()


@pytest.mark.django_db
def test_topic_moderation_and_deletions_are_audited(world, signed_in, settings, tmp_path):
    from cultivate.conversations import actions as conversations
    from cultivate.resources.actions import do_add_resource, do_delete_resource

    settings.MEDIA_ROOT = tmp_path
    ana, ben, fay = world["ana"], world["ben"], world["fay"]
    topic = conversations.do_start_topic(actor=ben, community=world["circle"],
                                         title="Arrears", body="How do you count them?")
    reply = conversations.do_reply(actor=ben, topic=topic, body="Buy cheap watches!")
    conversations.do_edit_post(actor=ben, post=reply, body="Buy cheap watches now!")  # own
    conversations.do_edit_post(actor=fay, post=reply, body="[removed: an ad]")  # moderation
    conversations.do_moderate_topic(actor=fay, topic=topic, is_pinned=True)
    conversations.do_flag_post(actor=ana, post=reply, reason="spam")
    conversations.do_resolve_flags(actor=fay, post=reply, hide=True)
    guide = do_add_resource(actor=ben, community=world["circle"], form="guide", title="Notes",
                            summary="Ours.", language="en", body="1. Count")
    do_delete_resource(actor=ana, resource=guide)
    listed = signed_in(ana).get("/api/v1/communities/treasury-circle/audit").json()
    assert [(e["verb"], e["actor"]) for e in listed["items"]] == [
        ("resource.deleted", "ana"), ("flags.resolved", "fay"), ("topic.moderated", "fay"),
        ("post.edited", "fay")]
    assert listed["items"][2]["details"] == {"is_pinned": True}
    assert listed["items"][3]["details"] == {"author": ben.pk}


@pytest.mark.django_db
def test_the_audit_is_paginated(world, signed_in):
    from cultivate.audit.actions import record_audit

    for number in range(55):
        record_audit(actor=world["ana"], verb=f"test.step_{number:02d}",
                     community=world["circle"])
    ana = signed_in(world["ana"])
    first = ana.get("/c/treasury-circle/audit/?verb=test.").content.decode()
    assert "test.step_54" in first and "test.step_04" not in first and "Page 1 of 2" in first
    second = ana.get("/c/treasury-circle/audit/?verb=test.&page=2").content.decode()
    assert "test.step_04" in second and "test.step_54" not in second
    assert ana.get("/api/v1/communities/treasury-circle/audit?page=2").json()["page"] == 2


@pytest.mark.django_db
def test_a_single_delete_in_admin_is_audited_in_its_community(world, signed_in):
    membership = Membership.objects.get(user=world["ben"])
    root = signed_in(world["root"])
    answer = root.post(f"/admin/communities/membership/{membership.pk}/delete/",
                       {"post": "yes"})
    assert answer.status_code == 302 and not Membership.objects.filter(pk=membership.pk).exists()
    entry = AuditEntry.objects.get(verb="admin.deleted")
    assert (entry.community, entry.actor_label) == (world["circle"], "root")
    assert "admin.deleted" in signed_in(world["ana"]).get(
        "/c/treasury-circle/audit/").content.decode()
