"""The library pages: list and filters (with and without htmx), adding each form of resource,
drafts kept when a file is refused, detail, edit, delete, files, and key resources on the home."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cultivate.attachments.tests import files
from cultivate.resources import actions
from cultivate.resources.models import KeyResource, Resource

pytestmark = pytest.mark.django_db

LIBRARY = "/c/treasury-circle/resources/"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def new_resource(**fields) -> dict:
    values = {"form": "link", "title": "PEFA framework", "summary": "The *standard*.",
              "resource_type": "toolkit", "language": "en", "tags": "assessment, pefa",
              "url": "https://www.pefa.org/", "body": ""}
    return values | fields


def test_members_add_each_form_of_resource_through_the_page(world, signed_in):
    ben = signed_in(world["ben"])
    form = ben.get(LIBRARY + "new/").content.decode()
    assert 'enctype="multipart/form-data"' in form and "Up to 25 MB" in form
    assert 'accept=".png,' in form and "resources/resource_form.js" in form

    link = ben.post(LIBRARY + "new/", new_resource())
    assert link.status_code == 302
    resource = Resource.objects.get()
    assert link["Location"] == resource.get_absolute_url()
    page = ben.get(link["Location"]).content.decode()
    assert "The <em>standard</em>." in page and 'href="https://www.pefa.org/"' in page
    assert "Toolkit" in page and "English" in page and "assessment" in page

    guide = ben.post(LIBRARY + "new/", new_resource(
        form="guide", title="Case clinic steps", body="1. **Listen**", url="",
        resource_type="guide", language="fr"))
    assert guide.status_code == 302
    assert "<strong>Listen</strong>" in ben.get(guide["Location"]).content.decode()

    data = files.pdf()
    uploaded = ben.post(LIBRARY + "new/", new_resource(
        form="file", title="Budget circular", url="", resource_type="template",
        file=files.upload("circular 2024.pdf", data)))
    assert uploaded.status_code == 302
    resource = Resource.objects.get(form="file")
    page = ben.get(uploaded["Location"]).content.decode()
    assert f'href="/c/treasury-circle/resources/{resource.pk}/file/circular%202024.pdf"' in page
    assert "Download circular 2024.pdf" in page

    listing = ben.get(LIBRARY).content.decode()
    for title in ("PEFA framework", "Case clinic steps", "Budget circular"):
        assert title in listing
    assert "3 resources" in listing


def test_a_refused_upload_keeps_the_draft(world, signed_in):
    ben = signed_in(world["ben"])
    refused = ben.post(LIBRARY + "new/", new_resource(
        form="file", title="My careful title", summary="A summary I wrote with care.",
        tags="costing, gender", url="", file=files.upload("report.pdf", files.exe())))
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Windows program" in page and "choose it again" in page
    assert 'value="My careful title"' in page and "A summary I wrote with care." in page
    assert 'value="costing, gender"' in page
    assert re.search(r'<input type="radio" name="form" value="file"[^>]* checked', page)
    assert not Resource.objects.exists()


def test_oversized_uploads_are_refused_early_or_after_reading(world, signed_in, settings):
    settings.CULTIVATE_RESOURCE_MAX_MB = 0.05  # 51 KB; the early refusal allows 64 KB framing
    ben = signed_in(world["ben"])
    near = ben.post(LIBRARY + "new/", new_resource(
        form="file", title="Big report", url="", file=files.upload(
            "big.pdf", files.pdf() + b"x" * 60_000)))
    assert near.status_code == 413
    page = near.content.decode()
    assert "The file is 0.06 MB; the limit is 0.05 MB." in page and 'value="Big report"' in page
    far = ben.post(LIBRARY + "new/", new_resource(
        form="file", title="Huge report", url="", file=files.upload(
            "huge.pdf", files.pdf() + b"x" * 300_000)))
    assert far.status_code == 413
    assert far.content.decode() == "The file is larger than the limit of 0.05 MB."
    assert not Resource.objects.exists()
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.pdf"))


def test_the_attachment_limit_does_not_apply_to_the_library(world, signed_in, settings):
    settings.CULTIVATE_ATTACHMENT_MAX_MB = 0.05
    settings.CULTIVATE_RESOURCE_MAX_MB = 1
    ben = signed_in(world["ben"])
    answer = ben.post(LIBRARY + "new/", new_resource(
        form="file", url="", file=files.upload("big.pdf", files.pdf() + b"x" * 300_000)))
    assert answer.status_code == 302
    resource = Resource.objects.get()
    assert resource.file.size > 300_000 and answer["Location"] == resource.get_absolute_url()


def test_a_javascript_link_is_refused_on_the_page(world, signed_in):
    refused = signed_in(world["ben"]).post(LIBRARY + "new/", new_resource(
        url="javascript:alert(document.cookie)"))
    assert refused.status_code == 400
    assert "http:// or https://" in refused.content.decode()
    assert not Resource.objects.exists()


def test_who_sees_the_add_form(world, signed_in, client):
    assert client.get(LIBRARY + "new/").status_code == 302  # to sign in
    assert signed_in(world["olga"]).get(LIBRARY + "new/").status_code == 404
    assert signed_in(world["olga"]).get("/c/open-budgets/resources/new/").status_code == 403
    assert signed_in(world["olga"]).get("/c/open-budgets/resources/").status_code == 200


# --- library, filters ---

@pytest.fixture
def shelf(world, add_link, add_guide):
    ben = world["ben"]
    return {
        "pefa": add_link(ben, world["private"]),
        "clinic": add_guide(ben, world["private"]),
        "video": add_link(ben, world["private"], title="Budget calendars explained",
                          summary="A short film.", resource_type="video", language="es",
                          tags=["calendar"], url="https://video.example.org/v/1"),
    }


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"pefa", "clinic", "video"}),
    ("type=video", {"video"}),
    ("language=fr", {"clinic"}),
    ("tag=assessment", {"pefa"}),
    ("form=guide", {"clinic"}),
    ("q=calendars", {"video"}),
    ("q=listen", {"clinic"}),  # words of a guide's text
    ("type=toolkit&language=en", {"pefa"}),
    ("type=toolkit&language=fr", set()),
    ("type=nonsense&language=xx", {"pefa", "clinic", "video"}),  # meaningless: ignored
])
def test_filters_work_without_javascript(world, signed_in, shelf, query, expected):
    page = signed_in(world["bea"]).get(f"{LIBRARY}?{query}").content.decode()
    titles = {"pefa": "PEFA framework", "clinic": "Running a case clinic",
              "video": "Budget calendars explained"}
    assert {key for key, title in titles.items() if f">{title}</a>" in page} == expected
    assert '<form method="get"' in page and 'hx-get="/c/treasury-circle/resources/"' in page
    if not expected:
        assert "No resource matches these filters." in page


def test_htmx_gets_only_the_results(world, signed_in, shelf):
    answer = signed_in(world["bea"]).get(f"{LIBRARY}?type=video", HTTP_HX_REQUEST="true")
    page = answer.content.decode()
    assert "Budget calendars explained" in page and "PEFA framework" not in page
    assert "<html" not in page and "<form" not in page and "1 resource" in page


def test_filter_choices_come_from_the_library(world, signed_in, shelf):
    page = signed_in(world["bea"]).get(LIBRARY).content.decode()
    assert '<option value="calendar">calendar</option>' in page
    assert '<option value="es">Spanish</option>' in page
    assert '<option value="de">' not in page  # no resource in German


def test_the_library_pages_through_many_resources(world, signed_in, add_link):
    for i in range(23):
        add_link(world["ben"], world["private"], title=f"Resource number {i:02}")
    bea = signed_in(world["bea"])
    first = bea.get(LIBRARY + "?type=toolkit").content.decode()
    assert "Resource number 22" in first and "Resource number 02" not in first
    assert 'href="?type=toolkit&amp;page=2"' in first
    second = bea.get(LIBRARY + "?type=toolkit&page=2").content.decode()
    assert "Resource number 02" in second and "Resource number 22" not in second


def test_visitors_read_public_libraries_only(world, client, add_link):
    add_link(world["cleo"], world["public"], title="Open data portal")
    public = client.get("/c/open-budgets/resources/")
    assert public.status_code == 200 and "Open data portal" in public.content.decode()
    assert "Add a resource" not in public.content.decode()
    assert client.get(LIBRARY).status_code == 404


def test_library_queries_do_not_grow_with_resources(world, signed_in, add_link):
    bea = signed_in(world["bea"])

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert bea.get(LIBRARY + "?language=en").status_code == 200
        return len(captured)

    add_link(world["ben"], world["private"], tags=["a", "b"])
    few = count()
    for i in range(15):
        add_link(world["ben"], world["private"], title=f"More {i}", tags=[f"t{i}", "b"])
    # session, user, community, role, count, page, tags of the page, filter tags, languages
    assert few == count() == 9


# --- detail, edit, delete ---

def test_edit_and_delete_through_the_pages(world, signed_in, add_link):
    resource = add_link(world["ben"], world["private"])
    url = resource.get_absolute_url()
    bea = signed_in(world["bea"])
    page = bea.get(url).content.decode()
    assert f'href="{url}edit/"' not in page and f'action="{url}delete/"' not in page
    assert "key resource" not in page
    assert bea.get(url + "edit/").status_code == 403
    assert bea.post(url + "edit/", {"title": "Bea's now"}).status_code == 403
    assert bea.post(url + "delete/").status_code == 403

    ben = signed_in(world["ben"])
    form = ben.get(url + "edit/").content.decode()
    assert 'value="PEFA framework"' in form and 'value="assessment"' in form
    assert 'name="form"' not in form and 'name="body"' not in form  # the form stays a link
    saved = ben.post(url + "edit/", new_resource(title="PEFA 2016", url="https://pefa.org/2016",
                                                 tags="pefa"))
    assert saved.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "PEFA 2016" and resource.url == "https://pefa.org/2016"
    refused = ben.post(url + "edit/", new_resource(title="PEFA 2016", url="javascript:alert(1)"))
    assert refused.status_code == 400 and "http:// or https://" in refused.content.decode()

    fay = signed_in(world["fay"])
    assert f'action="{url}delete/"' in fay.get(url).content.decode()
    deleted = fay.post(url + "delete/")
    assert deleted.status_code == 302 and deleted["Location"] == LIBRARY
    assert "PEFA 2016" not in ben.get(LIBRARY).content.decode()
    assert ben.get(url).status_code == 404  # gone for members, the author too (fay deleted it)
    steward_view = fay.get(url).content.decode()
    assert "Deleted — can be restored until" in steward_view and "Restore" in steward_view
    assert fay.post(url + "restore/").status_code == 302
    assert ben.get(url).status_code == 200


def test_a_file_can_be_replaced_on_its_edit_page(world, signed_in):
    ben = signed_in(world["ben"])
    ben.post(LIBRARY + "new/", new_resource(form="file", url="",
                                            file=files.upload("v1.pdf", files.pdf())))
    resource = Resource.objects.get()
    form = ben.get(resource.get_absolute_url() + "edit/").content.decode()
    assert "Now: v1.pdf" in form and "Replace the file" in form
    kept = ben.post(resource.get_absolute_url() + "edit/", new_resource(title="Same file"))
    assert kept.status_code == 302
    resource.refresh_from_db()
    assert resource.original_name == "v1.pdf" and resource.title == "Same file"
    replaced = ben.post(resource.get_absolute_url() + "edit/", new_resource(
        title="Same file", file=files.upload("chart.png", files.png())))
    assert replaced.status_code == 302
    resource.refresh_from_db()
    assert resource.original_name == "chart.png" and resource.content_type == "image/png"


def test_files_are_served_with_the_attachment_headers(world, signed_in, client):
    ben = signed_in(world["ben"])
    ben.post(LIBRARY + "new/", new_resource(form="file", url="",
                                            file=files.upload("notes.pdf", files.pdf())))
    ben.post(LIBRARY + "new/", new_resource(form="file", url="", title="A chart",
                                            file=files.upload("chart.png", files.png())))
    pdf, png = Resource.objects.get(original_name="notes.pdf"), Resource.objects.get(
        original_name="chart.png")
    served = ben.get(pdf.file_url)
    assert served.status_code == 200 and body_of(served) == files.pdf()
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert served["Content-Disposition"] == 'attachment; filename="notes.pdf"'
    assert "private" in served["Cache-Control"]
    image = ben.get(png.file_url)
    assert image["Content-Type"] == "image/png" and image["Content-Disposition"].startswith(
        "inline")
    assert '<img src="' + png.file_url in ben.get(png.get_absolute_url()).content.decode()
    assert ben.get(pdf.file_url.replace("notes.pdf", "other.pdf")).status_code == 404
    assert ben.post(pdf.file_url).status_code == 405
    assert client.get(pdf.file_url).status_code == 404
    assert signed_in(world["olga"]).get(pdf.file_url).status_code == 404
    link = Resource.objects.create(community=world["private"], form="link", title="A link",
                                   summary="x", language="en", url="https://example.org")
    assert ben.get(f"{link.get_absolute_url()}file/").status_code == 404


# --- key resources ---

def key_section_of(page: str) -> str:
    """The key resources panel of a community home (the activity stream names resources too)."""
    section = page[page.index('id="key-resources-heading"'):]
    return section[:section.index("</section>")]


def test_conveners_mark_key_resources_and_the_home_shows_them(world, signed_in, add_link):
    first = add_link(world["ben"], world["private"], title="Start here")
    second = add_link(world["ben"], world["private"], title="Then read this")
    home = "/c/treasury-circle/"
    bea = signed_in(world["bea"])
    assert "Key resources" not in bea.get(home).content.decode()  # none yet, nothing shown
    assert bea.post(first.get_absolute_url() + "key/", {"change": "add"}).status_code == 403
    assert bea.get(LIBRARY + "key/").status_code == 403

    ana = signed_in(world["ana"])
    empty = ana.get(home).content.decode()
    assert "Key resources" in empty and "Arrange key resources" in empty
    assert "Mark as a key resource" in ana.get(first.get_absolute_url()).content.decode()
    for resource in (first, second):
        marked = ana.post(resource.get_absolute_url() + "key/", {"change": "add"})
        assert marked.status_code == 302
    assert "Remove from key resources" in ana.get(first.get_absolute_url()).content.decode()

    page = bea.get(home).content.decode()
    assert 'id="key-resources-heading"' in page
    assert key_section_of(page).index("Start here") < key_section_of(page).index("Then read this")
    assert f'href="{LIBRARY}"' in page  # the "Resources" action
    assert "added a resource to the library" in page and "updated the key resources" in page

    arrange = ana.get(LIBRARY + "key/").content.decode()
    assert "Move down" in arrange and "Move up" in arrange
    moved = ana.post(second.get_absolute_url() + "key/", {"change": "up", "next": "key"})
    assert moved.status_code == 302 and moved["Location"] == LIBRARY + "key/"
    key_section = key_section_of(bea.get(home).content.decode())
    assert key_section.index("Then read this") < key_section.index("Start here")
    ana.post(second.get_absolute_url() + "key/", {"change": "remove", "next": "key"})
    assert "Then read this" not in key_section_of(bea.get(home).content.decode())
    unknown = ana.post(first.get_absolute_url() + "key/", {"change": "sideways"})
    assert unknown.status_code == 302
    assert list(KeyResource.objects.values_list("resource_id", flat=True)) == [first.pk]


def test_the_key_resources_limit_is_explained(world, signed_in, add_link):
    resources = [add_link(world["ben"], world["private"], title=f"Resource {i}")
                 for i in range(actions.MAX_KEY_RESOURCES + 1)]
    actions.do_set_key_resources(actor=world["ana"], community=world["private"],
                                 resource_ids=[r.pk for r in resources[:-1]])
    ana = signed_in(world["ana"])
    answer = ana.post(resources[-1].get_absolute_url() + "key/", {"change": "add"}, follow=True)
    assert "at most 12 key resources" in answer.content.decode()
