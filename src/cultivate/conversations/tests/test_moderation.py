import json

import pytest

from cultivate.conversations import actions, search
from cultivate.conversations.models import Helpful, Post, PostRevision
from cultivate.core.errors import ActionError, Conflict, NotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(clinic):
    community, people = clinic
    topic = actions.do_start_topic(actor=people["ben"], community=community, kind="question",
                                   title="Costing a reform", body="Any templates?")
    reply = actions.do_reply(actor=people["cleo"], topic=topic, body="Use the PEFA costing sheet.")
    return topic, reply, people


def test_stewards_pin_lock_and_close(thread, signed_in):
    topic, reply, people = thread
    with pytest.raises(NotAllowed):
        actions.do_moderate_topic(actor=people["ben"], topic=topic, is_locked=True)
    actions.do_moderate_topic(actor=people["ana"], topic=topic, is_pinned=True, is_closed=True)
    topic.refresh_from_db()
    assert topic.is_pinned and topic.is_closed and not topic.accepts_replies
    with pytest.raises(Conflict):
        actions.do_reply(actor=people["cleo"], topic=topic, body="Late")
    with pytest.raises(ActionError):
        actions.do_moderate_topic(actor=people["ana"], topic=topic, is_secret=True)


def test_edits_keep_revisions_and_update_search(thread, signed_in):
    topic, reply, people = thread
    with pytest.raises(NotAllowed):
        actions.do_edit_post(actor=people["ben"], post=reply, body="Hijacked")
    actions.do_edit_post(actor=people["cleo"], post=reply, body="Use the PEFA costing workbook.")
    reply.refresh_from_db()
    assert reply.edited_at is not None and "workbook" in reply.body_html
    assert list(PostRevision.objects.values_list("body", flat=True)) == [
        "Use the PEFA costing sheet."]
    assert search.search(people["ben"], "workbook")
    page = signed_in(people["ben"]).get(
        f"/c/budget-clinic/t/{topic.pk}/p/{reply.pk}/revisions/").content.decode()
    assert "Use the PEFA costing sheet." in page
    actions.do_edit_post(actor=people["ana"], post=reply, body="Moderated text")  # stewards may
    with pytest.raises(ActionError):
        actions.do_edit_post(actor=people["cleo"], post=reply, body="  ")


def test_soft_delete_hides_text_from_members_until_restored(thread, signed_in):
    topic, reply, people = thread
    with pytest.raises(NotAllowed):
        actions.do_delete_post(actor=people["ben"], post=reply)
    with pytest.raises(ActionError):
        actions.do_delete_post(actor=people["ben"], post=topic.posts.get(is_opening=True))
    actions.do_delete_post(actor=people["cleo"], post=reply)
    member_page = signed_in(people["ben"]).get(topic.get_absolute_url()).content.decode()
    assert "This post was deleted." in member_page and "PEFA" not in member_page
    assert signed_in(people["ben"]).get(
        f"/c/budget-clinic/t/{topic.pk}/p/{reply.pk}/revisions/").status_code == 404
    api = signed_in(people["ben"]).get(f"/api/v1/communities/budget-clinic/topics/{topic.pk}")
    deleted = [p for p in api.json()["posts"] if p["deleted"]]
    assert deleted and deleted[0]["body"] == ""
    assert search.search(people["ben"], "PEFA") == []
    assert "PEFA" in signed_in(people["ana"]).get(topic.get_absolute_url()).content.decode()
    with pytest.raises(NotAllowed):
        actions.do_restore_post(actor=people["ben"], post=reply)  # not who deleted it
    actions.do_restore_post(actor=people["ana"], post=reply)
    assert Post.objects.get(pk=reply.pk).deleted_at is None


def test_helpful_marks(thread, signed_in):
    topic, reply, people = thread
    assert actions.do_mark_helpful(actor=people["ben"], post=reply) is True
    assert actions.do_mark_helpful(actor=people["ben"], post=reply) is True  # once only
    assert Helpful.objects.count() == 1
    with pytest.raises(ActionError):
        actions.do_mark_helpful(actor=people["cleo"], post=reply)  # not one's own
    page = signed_in(people["ana"]).get(topic.get_absolute_url()).content.decode()
    assert "1 found this helpful" in page
    assert actions.do_mark_helpful(actor=people["ben"], post=reply, helpful=False) is False
    assert Helpful.objects.count() == 0


def test_moderation_through_pages_and_api(thread, signed_in):
    topic, reply, people = thread
    ana = signed_in(people["ana"])
    ana.post(f"/c/budget-clinic/t/{topic.pk}/moderate/", {"setting": "is_locked", "value": "on"})
    topic.refresh_from_db()
    assert topic.is_locked
    assert signed_in(people["ben"]).post(f"/c/budget-clinic/t/{topic.pk}/moderate/", {
        "setting": "is_locked", "value": "off"}).status_code == 403
    unlocked = ana.patch(f"/api/v1/communities/budget-clinic/topics/{topic.pk}",
                         json.dumps({"is_locked": False}), content_type="application/json")
    assert unlocked.json()["is_locked"] is False
    cleo = signed_in(people["cleo"])
    edited = cleo.patch(f"/api/v1/communities/budget-clinic/topics/{topic.pk}/posts/{reply.pk}",
                        json.dumps({"body": "New text"}), content_type="application/json")
    assert edited.status_code == 200 and edited.json()["edited_at"]
    revisions = cleo.get(
        f"/api/v1/communities/budget-clinic/topics/{topic.pk}/posts/{reply.pk}/revisions")
    assert [r["body"] for r in revisions.json()] == ["Use the PEFA costing sheet."]
    ben = signed_in(people["ben"])
    url = f"/api/v1/communities/budget-clinic/topics/{topic.pk}/posts/{reply.pk}"
    assert ben.post(url + "/helpful", content_type="application/json").status_code == 204
    assert ben.delete(url).status_code == 403
    assert cleo.delete(url).status_code == 204
    restored = ana.post(url + "/restore", content_type="application/json")
    assert restored.json()["deleted"] is False
