"""Platform admins start imports from the admin and follow them to their report."""

import gzip
import io
import threading
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from cultivate.conversations.models import Post, Topic
from cultivate.imports import running
from cultivate.imports.forms import StartImportForm
from cultivate.imports.models import ImportJob
from cultivate.imports.tasks import wait_for_imports
from cultivate.insights.models import CommunityFigures
from cultivate.people.models import User

START = "/admin/imports/importjob/add/"
MBOX = """From ana@example.org Mon Jan  6 09:00:00 2020
From: Ana <ana@example.org>
To: budget@lists.example.org
Subject: Program budgeting in line ministries
Date: Mon, 06 Jan 2020 09:00:00 +0000
Message-ID: <first@example.org>

How did you phase it in?

From ben@example.org Tue Jan  7 10:00:00 2020
From: Ben <ben@example.org>
To: budget@lists.example.org
Subject: Re: Program budgeting in line ministries
Date: Tue, 07 Jan 2020 10:00:00 +0000
Message-ID: <second@example.org>
In-Reply-To: <first@example.org>
References: <first@example.org>

Two pilot ministries first.
"""
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                              "QUEUES": ["default"]}}


def job_page(job: ImportJob) -> str:
    return f"/admin/imports/importjob/{job.pk}/change/"


def start(client, **fields):
    return client.post(START, {"kind": "stackexchange", "site": "", "list_name": "",
                               "category_map": "", "path": "", **fields})


def zipped(entries: dict[str, bytes], name: str = "dump.zip") -> SimpleUploadedFile:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, content in entries.items():
            archive.writestr(entry, content)
    return SimpleUploadedFile(name, data.getvalue(), content_type="application/zip")


@pytest.mark.django_db(transaction=True)  # the import runs in its own thread and connection
def test_admin_starts_a_dump_import_and_follows_its_progress_to_the_report(
        platform_admin, make_user, make_community, dump, monkeypatch):
    community = make_community(make_user("ana"), name="History Meta")
    reached, release = threading.Event(), threading.Event()
    import_stackexchange = running.IMPORTERS["stackexchange"]

    def paused_midway(job, source, progress):
        def watched(items, label):
            for index, item in enumerate(progress(items, label)):
                if index == 50 and not reached.is_set():
                    reached.set()  # the import holds its transaction open here
                    release.wait(60)
                yield item
        return import_stackexchange(job, source, watched)

    monkeypatch.setitem(running.IMPORTERS, "stackexchange", paused_midway)
    response = start(platform_admin, community=community.pk, path="history-meta",
                     site="history.meta.stackexchange.com")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_page(job)
    try:
        assert reached.wait(60), "the import never started"
        # The request returned while the import runs; others read its progress meanwhile.
        running_page = platform_admin.get(job_page(job)).content.decode()
        assert "Running" in running_page and '<meta http-equiv="refresh"' in running_page
        assert "<progress max=" in running_page and " of " in running_page
        assert not Topic.objects.filter(community=community).exists()  # not committed yet
    finally:
        release.set()
        wait_for_imports()

    job.refresh_from_db()
    assert job.status == "done" and job.error == ""
    assert job.counts["questions"] == 556 and job.counts["answers"] == 1095
    assert Topic.objects.filter(community=community, kind="question").count() == 556
    done_page = platform_admin.get(job_page(job)).content.decode()
    assert "Done" in done_page and "refresh" not in done_page
    assert "questions" in done_page and ">556<" in done_page and ">1095<" in done_page
    assert not (dump.parent / "jobs" / f"{job.pk}.json").exists()  # live progress is gone
    # Insights read the archive at once, as of its last day, without waiting for the hour.
    figures = CommunityFigures.objects.get(community=community)
    assert figures.imported_history and figures.questions == 556


@pytest.mark.django_db(transaction=True)
def test_an_import_that_fails_midway_leaves_nothing_and_says_why(
        platform_admin, make_user, make_community, dump, monkeypatch):
    community = make_community(make_user("ana"))
    people, posts = User.objects.count(), Post.objects.count()
    written_before_failing = []
    import_stackexchange = running.IMPORTERS["stackexchange"]

    def failing_once_rows_exist(job, source, progress):
        def watched(items, label):
            for index, item in enumerate(progress(items, label)):
                if index % 50 == 0 and (User.objects.count() > people
                                        or Post.objects.count() > posts):
                    written_before_failing.append(label)
                    raise OSError("the disk went away")
                yield item
        return import_stackexchange(job, source, watched)

    monkeypatch.setitem(running.IMPORTERS, "stackexchange", failing_once_rows_exist)
    start(platform_admin, community=community.pk, path="history-meta")
    wait_for_imports()

    assert written_before_failing, "the import failed before writing anything"
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert "OSError: the disk went away" in job.error and "Nothing was imported" in job.error
    assert (User.objects.count(), Post.objects.count()) == (people, posts)
    page = platform_admin.get(job_page(job)).content.decode()
    assert "Failed" in page and "the disk went away" in page and "refresh" not in page


@pytest.mark.django_db(transaction=True)
def test_the_importers_own_refusal_is_shown_in_its_words(
        platform_admin, make_user, make_community, import_dir):
    community = make_community(make_user("ana"))
    (import_dir / "no-posts").mkdir(parents=True)
    (import_dir / "no-posts" / "Users.xml").write_text("<users></users>")
    start(platform_admin, community=community.pk, path="no-posts")
    wait_for_imports()
    job = ImportJob.objects.get()
    assert job.status == "failed" and "Posts.xml" in job.error
    assert "Posts.xml" in platform_admin.get(job_page(job)).content.decode()


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_an_uploaded_zip_waits_for_the_worker(
        settings, platform_admin, make_user, make_community, import_dir):
    settings.TASKS = DATABASE_TASKS
    community = make_community(make_user("ana"))
    upload = zipped({"site-dump/Users.xml": b"<users></users>"})
    response = start(platform_admin, community=community.pk, upload=upload)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "queued"
    assert job.uploaded_name == "dump.zip"
    assert job.source.startswith("uploads/") and job.source.endswith("/site-dump")
    assert (import_dir / job.source / "Users.xml").read_text() == "<users></users>"
    page = platform_admin.get(job_page(job)).content.decode()
    assert "Waiting for the task worker" in page and '<meta http-equiv="refresh"' in page

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert job.status == "failed" and "Posts.xml" in job.error


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_mail_archive_is_imported(platform_admin, make_user, make_community,
                                              import_dir):
    community = make_community(make_user("ana"))
    upload = SimpleUploadedFile("budget.mbox.gz", gzip.compress(MBOX.encode()))
    start(platform_admin, kind="mbox", community=community.pk, upload=upload,
          list_name="budget")
    wait_for_imports()
    job = ImportJob.objects.get()
    assert job.status == "done", job.error
    assert job.counts["messages"] == 2 and job.counts["topics"] == 1
    topic = Topic.objects.get(community=community)
    assert topic.title == "Program budgeting in line ministries"
    assert topic.posts.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_discourse_folder_reaches_its_importer_which_explains_what_is_missing(
        platform_admin, make_user, make_community, import_dir):
    (import_dir / "forum" / "api").mkdir(parents=True)
    community = make_community(make_user("ana"))
    start(platform_admin, kind="discourse", category_map=f"budgeting = {community.slug}",
          path="forum")
    wait_for_imports()
    job = ImportJob.objects.get()
    assert job.category_map == {"budgeting": community.slug}
    assert job.status == "failed" and "download-discourse" in job.error
    assert "did not expect" not in job.error


@pytest.mark.django_db
def test_discourse_categories_must_name_communities(make_user, make_community, import_dir):
    make_community(make_user("ana"), name="Budget Practitioners")
    (import_dir / "forum").mkdir(parents=True)

    def errors(category_map: str, community="") -> dict:
        form = StartImportForm({"kind": "discourse", "path": "forum", "community": community,
                                "category_map": category_map})
        form.is_valid()
        return form.errors

    assert errors("budgeting = budget-practitioners\n\nstaff/news = budget-practitioners") == {}
    assert "No community at the address nowhere." in errors("news = nowhere")["category_map"]
    assert "Line 1" in errors("just a name")["category_map"][0]
    assert "Choose a community" in errors("")["community"][0]


@pytest.mark.django_db
def test_the_start_page_names_the_import_folder_and_the_kinds(platform_admin, import_dir):
    page = platform_admin.get(START).content.decode()
    assert str(import_dir.resolve()) in page and 'enctype="multipart/form-data"' in page
    for kind in ("Stack Exchange dump", "Mailing-list archive", "Discourse forum"):
        assert kind in page
    assert "<script>" not in page and "style=" not in page  # the CSP allows neither inline
    index = platform_admin.get("/admin/").content.decode()
    assert "/admin/imports/importjob/" in index


@pytest.mark.django_db
def test_members_and_staff_who_are_not_platform_admins_are_kept_out(
        client, make_user, signed_in):
    member = make_user("ana")
    response = signed_in(member).get(START)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    staff = make_user("clerk")
    staff.is_staff = True
    staff.save()
    assert signed_in(staff).get(START).status_code == 403
    assert signed_in(staff).get("/admin/imports/importjob/").status_code == 403
    assert client.get(START).status_code == 302
    assert signed_in(staff).post(START, {"kind": "stackexchange"}).status_code == 403
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/etc/passwd", "../../etc", "/etc", "escape/passwd"])
def test_a_path_outside_the_import_folder_is_refused(
        platform_admin, make_user, make_community, import_dir, path):
    community = make_community(make_user("ana"))
    import_dir.mkdir(parents=True)
    (import_dir / "escape").symlink_to("/etc")  # a link inside that points out
    response = start(platform_admin, community=community.pk, path=path)
    assert response.status_code == 200
    assert "Only files and folders inside the import folder" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_a_missing_path_a_file_for_a_folder_and_no_community_are_explained(
        platform_admin, import_dir):
    import_dir.mkdir(parents=True)
    (import_dir / "list.mbox").write_text("From a@b Mon Jan  1 00:00:00 2024\n\nhi\n")
    page = start(platform_admin, path="nowhere").content.decode()
    assert "There is nothing at nowhere in the import folder." in page
    page = start(platform_admin, path="list.mbox").content.decode()
    assert "This import reads a folder; list.mbox is a file." in page
    assert "Choose the community that receives the history." in page
    assert "Name a file or folder on the server, or upload one." in start(
        platform_admin, kind="mbox").content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_a_zip_with_an_entry_that_climbs_out_is_refused_and_leaves_nothing(
        platform_admin, make_user, make_community, import_dir, tmp_path):
    community = make_community(make_user("ana"))
    upload = zipped({"dump/Posts.xml": b"<posts/>", "../../evil.txt": b"owned"})
    page = start(platform_admin, community=community.pk, upload=upload).content.decode()
    assert "points outside its folder" in page
    assert not ImportJob.objects.exists()
    assert not list(tmp_path.rglob("evil.txt"))
    assert not any((import_dir / "uploads").iterdir())


@pytest.mark.django_db
def test_a_zip_bomb_and_a_file_that_is_not_a_zip_are_refused(
        platform_admin, make_user, make_community, import_dir):
    community = make_community(make_user("ana"))
    bomb = zipped({"dump/Posts.xml": b"\0" * (30 * 1024 * 1024)})
    page = start(platform_admin, community=community.pk, upload=bomb).content.decode()
    assert "looks like a zip bomb" in page
    fake = SimpleUploadedFile("dump.zip", b"not a zip at all")
    page = start(platform_admin, community=community.pk, upload=fake).content.decode()
    assert "This is not a zip file we can read." in page
    exe = SimpleUploadedFile("dump.exe", b"MZ")
    page = start(platform_admin, community=community.pk, upload=exe).content.decode()
    assert "Upload a .zip of a dump or folder" in page
    assert not ImportJob.objects.exists()
    assert not any((import_dir / "uploads").iterdir())


@pytest.mark.django_db
def test_a_job_whose_process_ended_is_shown_as_failed(platform_admin, make_user, import_dir):
    job = ImportJob.objects.create(
        kind="stackexchange", source="history-meta", status="running",
        started_by=make_user("root2", superuser=True),
        started_at=timezone.now() - timedelta(minutes=10))
    page = platform_admin.get(job_page(job)).content.decode()
    job.refresh_from_db()
    assert job.status == "failed" and "the process running it ended" in page
