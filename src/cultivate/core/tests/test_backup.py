"""`cultivate backup` and `cultivate restore`: a populated instance, backed up and restored into
an empty one (its own database and MEDIA_ROOT, in another process), is the same in every table
and every file. Runs on whichever database the suite runs on (SQLite or PostgreSQL)."""

import json
import os
import subprocess
import sys
import tarfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from cultivate.attachments.actions import do_upload_attachment
from cultivate.attachments.tests.files import pdf, png, upload
from cultivate.conversations.actions import do_delete_post, do_reply, do_start_topic
from cultivate.core.tests.fingerprint import fingerprint
from cultivate.events.actions import do_plan_event
from cultivate.insights.jobs import recompute
from cultivate.live.actions import do_join_as_member, do_post_item
from cultivate.resources.actions import do_add_resource

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "source-media"
    return settings.MEDIA_ROOT


def populate(make_user, make_community):
    """The demo landscape plus what it lacks: a thread, files, a live backchannel, levels."""
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    convener, member = make_user("backup-convener"), make_user("backup-member")
    community = make_community(convener, "Backup Practitioners")
    from cultivate.communities.actions import do_join_community

    do_join_community(actor=member, community=community)
    topic = do_start_topic(actor=member, community=community, title="Cash plans that held",
                           body="Which **cash plan** survived a mid-year cut?")
    do_reply(actor=convener, topic=topic, body="Ours, with a monthly review.")
    deleted = do_reply(actor=member, topic=topic, body="A reply taken back.")
    do_delete_post(actor=member, post=deleted)
    do_upload_attachment(actor=member, community=community,
                         uploaded_file=upload("chart.png", png(), "image/png"))
    do_add_resource(actor=member, community=community, form="file", title="Circular template",
                    summary="The template we use.", language="en",
                    uploaded_file=upload("template.pdf", pdf(), "application/pdf"))
    starts = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    event = do_plan_event(actor=convener, community=community, title="Case clinic",
                          starts_at=starts, ends_at=starts + timedelta(hours=1),
                          time_zone="UTC")
    do_post_item(participant=do_join_as_member(actor=member, event=event), kind="question",
                 body="How do you review cash plans?")
    recompute()


def restored_instance(tmp_path):
    """Environment for a child process on an empty database of the same engine."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env |= {"DJANGO_SETTINGS_MODULE": "cultivate.settings",
            "CULTIVATE_DATA_DIR": str(tmp_path / "restored"),
            "MEDIA_ROOT": str(tmp_path / "restored" / "media")}
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return env, None
    name = f"cultivate_restore_{os.getpid()}"
    db = connection.settings_dict
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env["DATABASE_URL"] = (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
                           f"{db['PORT'] or 5432}/{name}")
    return env, name


def drop(name):
    if name:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def cultivate(env, *args):
    return subprocess.run([sys.executable, "-m", "cultivate.cli", *args], env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=120)


GENERATED_KEY = "a-generated-key-of-this-instance-0123456789-abcdefghijkl"


def test_a_populated_instance_restores_into_an_empty_one_table_for_table_file_for_file(
        make_user, make_community, media_root, tmp_path, settings):
    populate(make_user, make_community)
    settings.DATA_DIR = tmp_path / "source"  # where a generated secret key lives
    settings.DATA_DIR.mkdir()
    (settings.DATA_DIR / "secret_key").write_text(GENERATED_KEY)
    archive = tmp_path / "instance.tar.gz"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))
    before = fingerprint()
    assert len(before["files"]) >= 2  # the attachment and the resource's file
    assert before["tables"]["live_item"][0] == 4  # the demo's peer assist (3) and one here
    assert before["tables"]["conversations_post"][0] >= 3

    env, database = restored_instance(tmp_path)
    try:
        done = cultivate(env, "restore", str(archive))
        assert done.returncode == 0, done.stderr
        assert "Restore complete" in done.stdout
        seen = subprocess.run([sys.executable, "-m", "cultivate.core.tests.fingerprint"],
                              env=env, capture_output=True, text=True, timeout=120)
        assert seen.returncode == 0, seen.stderr
        assert json.loads(seen.stdout) == before
        restored_key = tmp_path / "restored" / "secret_key"
        assert restored_key.read_text() == GENERATED_KEY
    finally:
        drop(database)


def test_the_manifest_lists_version_migrations_row_counts_and_checksums(
        make_user, make_community, media_root, tmp_path):
    community = make_community(make_user("keeper"))
    do_upload_attachment(actor=community.memberships.get().user, community=community,
                         uploaded_file=upload("chart.png", png(), "image/png"))
    archive = tmp_path / "instance.tar.gz"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
        names = set(opened.getnames())
    assert manifest["engine"] == connection.vendor
    assert manifest["cultivate_version"]
    assert "0001_initial" in manifest["migrations"]["communities"][0]
    assert manifest["row_counts"]["communities_community"] == 1
    media = [entry for entry in manifest["files"] if entry["path"].startswith("media/")]
    assert len(media) == 1 and len(media[0]["sha256"]) == 64
    assert {entry["path"] for entry in manifest["files"]} | {"manifest.json"} == names
    assert "instance/settings.json" in names


def test_a_damaged_or_foreign_archive_is_refused_with_a_clear_message(tmp_path, media_root):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    done = cultivate({**os.environ, "DJANGO_SETTINGS_MODULE": "cultivate.settings"},
                     "restore", str(junk))
    assert done.returncode == 1
    assert "is not a readable Cultivate backup" in done.stderr
    assert "Traceback" not in done.stderr

    stranger = tmp_path / "stranger.tar.gz"  # a real archive, not one of ours
    (tmp_path / "notes.txt").write_text("hello")
    with tarfile.open(stranger, "w:gz") as writing:
        writing.add(tmp_path / "notes.txt", arcname="notes.txt")
    with pytest.raises(CommandError, match="has no valid manifest.json"):
        call_command("restore", str(stranger))

    archive = tmp_path / "instance.tar.gz"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive) as opened:
        opened.extractall(unpacked, filter="data")
    settings_file = unpacked / "instance" / "settings.json"
    settings_file.write_text(settings_file.read_text() + " ")
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(tampered, "w:gz") as writing:
        for path in sorted(unpacked.rglob("*")):
            if path.is_file():
                writing.add(path, arcname=path.relative_to(unpacked).as_posix())
    with pytest.raises(CommandError, match="Checksums do not match.*instance/settings.json"):
        call_command("restore", str(tampered))


def test_restore_refuses_a_database_that_holds_accounts(make_user, media_root, tmp_path):
    archive = tmp_path / "instance.tar.gz"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))
    make_user("someone-here")
    with pytest.raises(CommandError, match="already holds accounts.*--force"):
        call_command("restore", str(archive))


def test_an_archive_of_the_other_engine_is_refused_before_anything_changes(
        make_user, media_root, tmp_path):
    archive = tmp_path / "instance.tar.gz"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive) as opened:
        opened.extractall(unpacked, filter="data")
    manifest = json.loads((unpacked / "manifest.json").read_text())
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    (unpacked / "manifest.json").write_text(json.dumps(manifest | {"engine": other}))
    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as writing:
        for path in sorted(unpacked.rglob("*")):
            if path.is_file():
                writing.add(path, arcname=path.relative_to(unpacked).as_posix())
    make_user("still-here")
    with pytest.raises(CommandError, match=f"holds a {other} database"):
        call_command("restore", str(foreign), force=True)
    from cultivate.people.models import User

    assert User.objects.filter(username="still-here").exists()  # nothing was touched


def test_without_the_postgresql_client_tools_the_command_says_what_to_install(monkeypatch):
    from cultivate.core.backup import pg_tool

    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(CommandError, match="pg_dump is not on PATH.*postgresql-client"):
        pg_tool("pg_dump")
