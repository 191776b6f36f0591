"""Deleted resources: restorable by whoever deleted them (or a steward) for
CULTIVATE_DELETED_RETENTION_DAYS; then the purge removes the row and its stored file."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from cultivate.activity.models import Activity
from cultivate.attachments.tests import files
from cultivate.core.errors import Conflict
from cultivate.core.retention import purge_deleted
from cultivate.resources import actions
from cultivate.resources.models import Resource

pytestmark = pytest.mark.django_db(transaction=True)  # the file goes once the purge commits


def add_file(actor, community, title="Costing sheet"):
    return actions.do_add_resource(actor=actor, community=community, form="file", title=title,
                                   summary="Our sheet.", language="en",
                                   uploaded_file=files.upload("sheet.pdf", files.pdf()))


def deleted_days_ago(resource, days):
    Resource.objects.filter(pk=resource.pk).update(
        deleted_at=timezone.now() - timedelta(days=days))
    resource.refresh_from_db()
    return resource


def test_whoever_deleted_it_restores_it_from_its_page_within_the_window(world, signed_in):
    resource = add_file(world["ben"], world["private"])
    actions.do_delete_resource(actor=world["ben"], resource=resource)
    ben = signed_in(world["ben"])
    page = ben.get(resource.get_absolute_url()).content.decode()
    assert "Deleted — can be restored until" in page and "then removed for good" in page
    assert f'action="{resource.get_absolute_url()}restore/"' in page
    assert signed_in(world["bea"]).get(resource.get_absolute_url()).status_code == 404

    assert ben.post(resource.get_absolute_url() + "restore/").status_code == 302
    assert Resource.objects.get(pk=resource.pk).deleted_at is None
    assert Activity.objects.filter(verb="resource.restored", actor=world["ben"]).exists()


def test_the_api_restores_within_the_window_and_refuses_after(world, client, token_of):
    resource = add_file(world["ben"], world["private"])
    url = f"/api/v1/communities/treasury-circle/resources/{resource.pk}"
    ben = token_of(world["ben"])
    assert client.delete(url, **ben).status_code == 204
    shown = client.get(url, **ben).json()
    assert shown["deleted"] is True and shown["restorable_until"]
    bea = token_of(world["bea"])
    assert client.post(url + "/restore", content_type="application/json",
                       **bea).status_code == 404  # not who deleted it: not even shown
    restored = client.post(url + "/restore", content_type="application/json", **ben)
    assert restored.status_code == 200 and restored.json()["deleted"] is False

    actions.do_delete_resource(actor=world["ben"], resource=resource)
    deleted_days_ago(resource, 31)
    refused = client.post(url + "/restore", content_type="application/json", **ben)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "restore_window_over"
    with pytest.raises(Conflict):
        actions.do_restore_resource(actor=world["fay"], resource=resource)  # stewards too
    assert Resource.objects.get(pk=resource.pk).deleted_at is not None


def test_the_purge_removes_row_and_file_and_spares_newer_deletions(world, settings):
    old, recent = add_file(world["ben"], world["private"]), add_file(
        world["ben"], world["private"], title="Newer sheet")
    old_file = Path(settings.MEDIA_ROOT) / old.file.name
    recent_file = Path(settings.MEDIA_ROOT) / recent.file.name
    assert old_file.is_file() and recent_file.is_file()
    for resource in (old, recent):
        actions.do_delete_resource(actor=world["fay"], resource=resource)
    deleted_days_ago(old, 31)
    deleted_days_ago(recent, 29)

    call_command("purge_deleted", stdout=open("/dev/null", "w"))

    assert not Resource.objects.filter(pk=old.pk).exists()
    assert not old_file.exists()
    assert Resource.objects.filter(pk=recent.pk).exists() and recent_file.is_file()
    assert Activity.objects.filter(verb="resource.purged", actor=None, target_id=old.pk).exists()
    assert purge_deleted() == {"posts": 0, "resources": 0}  # nothing more is due


def test_the_window_follows_the_setting(world, settings):
    settings.CULTIVATE_DELETED_RETENTION_DAYS = 7
    resource = add_file(world["ben"], world["private"])
    actions.do_delete_resource(actor=world["ben"], resource=resource)
    deleted_days_ago(resource, 8)
    assert purge_deleted()["resources"] == 1
