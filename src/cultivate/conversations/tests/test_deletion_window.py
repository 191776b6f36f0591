"""Deleted posts: restorable by whoever deleted them (or a steward) for
CULTIVATE_DELETED_RETENTION_DAYS, then the purge leaves only a tombstone."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import formats, timezone

from cultivate.activity.models import Activity
from cultivate.conversations import actions, search
from cultivate.conversations.models import Helpful, Post, PostRevision
from cultivate.core.errors import Conflict, NotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(clinic):
    community, people = clinic
    topic = actions.do_start_topic(actor=people["ben"], community=community,
                                   title="Costing a reform", body="Any templates?")
    reply = actions.do_reply(actor=people["cleo"], topic=topic, body="Use the PEFA sheet.")
    return topic, reply, people


def deleted_days_ago(post, days):
    Post.objects.filter(pk=post.pk).update(deleted_at=timezone.now() - timedelta(days=days))
    post.refresh_from_db()
    return post


def test_the_author_who_deleted_a_reply_sees_the_window_and_restores_it(thread, signed_in):
    topic, reply, people = thread
    actions.do_delete_post(actor=people["cleo"], post=reply)
    cleo = signed_in(people["cleo"])
    page = cleo.get(topic.get_absolute_url()).content.decode()
    until = timezone.localtime(timezone.now() + timedelta(days=30))
    shown = formats.date_format(until, "DATE_FORMAT")  # "Jan. 2, 2027"
    assert f"Deleted — can be restored until {shown}, then removed for good." in page
    restore_url = f"{topic.get_absolute_url()}p/{reply.pk}/restore/"
    assert f'action="{restore_url}"' in page
    assert f'action="{restore_url}"' not in signed_in(people["ben"]).get(
        topic.get_absolute_url()).content.decode()  # another member may not

    assert cleo.post(restore_url).status_code == 302
    assert Post.objects.get(pk=reply.pk).deleted_at is None
    assert "PEFA" in signed_in(people["ben"]).get(topic.get_absolute_url()).content.decode()
    assert Activity.objects.filter(verb="post.restored", actor=people["cleo"]).exists()


def test_what_a_moderator_hid_stays_with_the_moderators(thread):
    topic, reply, people = thread
    actions.do_delete_post(actor=people["ana"], post=reply)
    with pytest.raises(NotAllowed):
        actions.do_restore_post(actor=people["cleo"], post=reply)  # the author did not delete it
    actions.do_restore_post(actor=people["ana"], post=reply)
    assert Post.objects.get(pk=reply.pk).deleted_at is None


def test_restore_is_refused_after_the_window(thread, signed_in, settings):
    settings.CULTIVATE_DELETED_RETENTION_DAYS = 30
    topic, reply, people = thread
    actions.do_delete_post(actor=people["cleo"], post=reply)
    deleted_days_ago(reply, 31)
    with pytest.raises(Conflict) as refused:
        actions.do_restore_post(actor=people["ana"], post=reply)
    assert refused.value.code == "restore_window_over"
    api = signed_in(people["cleo"]).post(
        f"/api/v1/communities/budget-clinic/topics/{topic.pk}/posts/{reply.pk}/restore",
        content_type="application/json")
    assert api.status_code == 409
    assert api.json()["error"]["code"] == "restore_window_over"
    page = signed_in(people["ana"]).get(topic.get_absolute_url()).content.decode()
    assert "can be restored until" not in page  # no button that can only fail
    assert Post.objects.get(pk=reply.pk).deleted_at is not None


def test_the_api_restores_for_whoever_deleted_it_and_tells_the_window(thread, signed_in):
    topic, reply, people = thread
    url = f"/api/v1/communities/budget-clinic/topics/{topic.pk}/posts/{reply.pk}"
    cleo = signed_in(people["cleo"])
    assert cleo.delete(url).status_code == 204
    shown = signed_in(people["ana"]).get(f"/api/v1/communities/budget-clinic/topics/{topic.pk}")
    [deleted] = [post for post in shown.json()["posts"] if post["deleted"]]
    assert deleted["restorable_until"][:10] == str(
        (timezone.now() + timedelta(days=30)).date())
    assert signed_in(people["ben"]).post(
        url + "/restore", content_type="application/json").status_code == 403
    restored = cleo.post(url + "/restore", content_type="application/json")
    assert restored.status_code == 200 and restored.json()["deleted"] is False


def test_the_purge_leaves_a_tombstone_and_spares_newer_deletions(thread, signed_in):
    topic, reply, people = thread
    actions.do_edit_post(actor=people["cleo"], post=reply, body="Use the PEFA workbook.")
    actions.do_mark_helpful(actor=people["ben"], post=reply)
    answer = actions.do_reply(actor=people["ben"], topic=topic, body="Thanks!", reply_to=reply)
    recent = actions.do_reply(actor=people["ben"], topic=topic, body="Also the GFS manual.")
    actions.do_delete_post(actor=people["cleo"], post=reply)
    actions.do_delete_post(actor=people["ben"], post=recent)
    deleted_days_ago(reply, 31)
    deleted_days_ago(recent, 29)

    call_command("purge_deleted", stdout=open("/dev/null", "w"))

    purged = Post.objects.get(pk=reply.pk)
    assert purged.purged_at is not None and purged.body == "" and purged.body_html == ""
    assert not PostRevision.objects.filter(post=purged).exists()
    assert not Helpful.objects.filter(post=purged).exists()
    assert Post.objects.get(pk=answer.pk).reply_to_id == reply.pk  # the thread holds together
    assert Post.objects.get(pk=recent.pk).body == "Also the GFS manual."  # still restorable
    assert Activity.objects.filter(verb="post.purged", actor=None, target_id=reply.pk).exists()
    assert search.search(people["ana"], "workbook") == []
    page = signed_in(people["ana"]).get(topic.get_absolute_url()).content.decode()
    assert "removed for good" in page and "PEFA" not in page
    with pytest.raises(Conflict):
        actions.do_restore_post(actor=people["ana"], post=purged)

    call_command("purge_deleted", stdout=open("/dev/null", "w"))  # again: nothing more
    assert Activity.objects.filter(verb="post.purged").count() == 1
