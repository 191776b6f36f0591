"""The library's actions: each form of resource, the checks that refuse bad input, changing,
deleting and curating, with permissions."""

import hashlib
import re

import pytest
from django.core.files.storage import default_storage

from cultivate.activity.models import Activity
from cultivate.attachments.tests import files
from cultivate.communities.models import Membership
from cultivate.core.errors import ActionError, Conflict, NotAllowed
from cultivate.core.uploads import TooLarge
from cultivate.resources import actions
from cultivate.resources.models import KeyResource, Resource
from cultivate.resources.tests.conftest import LINK

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def add_file(actor, community, name="Budget circular.pdf", data=None, **changes):
    values = {"form": "file", "title": "Budget circular 2024", "summary": "The circular.",
              "resource_type": "template", "language": "en",
              "uploaded_file": files.upload(name, files.pdf() if data is None else data)}
    return actions.do_add_resource(actor=actor, community=community, **(values | changes))


def refused(call, **kwargs) -> ActionError:
    with pytest.raises(ActionError) as caught:
        call(**kwargs)
    return caught.value


def test_a_member_adds_a_link(world, add_link):
    resource = add_link(world["ben"], world["private"])
    assert resource.form == "link" and resource.url == "https://www.pefa.org/framework"
    assert resource.summary_html == "<p>The <strong>standard</strong> assessment.</p>\n"
    assert [t.name for t in resource.tags.all()] == ["assessment"]
    assert resource.added_by == world["ben"] and not resource.file
    assert resource.get_absolute_url() == f"/c/treasury-circle/resources/{resource.pk}/"
    activity = Activity.objects.get(verb="resource.added")
    assert activity.actor == world["ben"] and activity.community == world["private"]
    assert activity.target_id == resource.pk
    assert activity.payload == {"form": "link", "type": "toolkit"}


def test_a_member_adds_a_written_guide(world, add_guide):
    resource = add_guide(world["ben"], world["private"])
    assert resource.form == "guide" and resource.language == "fr"
    assert "<h2>Steps</h2>" in resource.body_html and "<ol>" in resource.body_html
    assert resource.url == ""


def test_a_member_adds_a_file(world, settings):
    data = files.pdf()
    resource = add_file(world["ben"], world["private"], data=data)
    assert resource.form == "file" and resource.original_name == "Budget circular.pdf"
    assert resource.content_type == "application/pdf" and resource.size == len(data)
    assert resource.sha256 == hashlib.sha256(data).hexdigest()
    # Stored under a random name through the default storage, never the member's own name.
    assert resource.file.name.startswith("resources/") and "Budget" not in resource.file.name
    assert default_storage.exists(resource.file.name)
    assert resource.file_url == (f"/c/treasury-circle/resources/{resource.pk}/file/"
                                 "Budget%20circular.pdf")
    assert Activity.objects.get(verb="resource.added").payload == {
        "form": "file", "type": "template", "content_type": "application/pdf",
        "size": len(data)}


def test_the_fields_of_the_other_forms_are_ignored(world, add_link):
    resource = add_link(world["ben"], world["private"], body="a guide text",
                        uploaded_file=files.upload("a.pdf", files.pdf()))
    assert resource.body == "" and not resource.file


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"title": "ab"}, "title", "3 to 200"),
    ({"summary": "  "}, "summary", "few words"),
    ({"summary": "x" * 2001}, "summary", "2000"),
    ({"resource_type": "novel"}, "resource_type", "case_study"),
    ({"language": "english"}, "language", "ISO 639-1"),
    ({"language": "xx"}, "language", "ISO 639-1"),
    ({"tags": [f"t{i}" for i in range(11)]}, "tags", "at most 10"),
    ({"form": "podcast"}, "form", "link, file, guide"),
    ({"url": ""}, "url", "address"),
    ({"url": "javascript:alert(document.cookie)"}, "url", "http:// or https://"),
    ({"url": "JaVaScRiPt:alert(1)//https://x.org"}, "url", "http:// or https://"),
    ({"url": "data:text/html,<script>alert(1)</script>"}, "url", "http:// or https://"),
    ({"url": "ftp://files.example.org/a.pdf"}, "url", "http:// or https://"),
    ({"url": "https://" + "a" * 2000 + ".org"}, "url", "2000"),
    ({"form": "guide", "body": ""}, "body", "Write the guide"),
    ({"form": "file"}, "file", "Choose the file"),
])
def test_bad_input_is_refused_field_by_field(world, changes, field, words):
    error = refused(actions.do_add_resource, actor=world["ben"], community=world["private"],
                    **(LINK | changes))
    assert error.status == 400
    assert words in " ".join(error.fields[field]), error.fields
    assert not Resource.objects.exists() and not Activity.objects.filter(
        verb="resource.added").exists()


def test_several_fields_are_refused_at_once(world):
    error = refused(actions.do_add_resource, actor=world["ben"], community=world["private"],
                    **(LINK | {"title": "", "language": "", "url": "javascript:x"}))
    assert set(error.fields) == {"title", "language", "url"}


@pytest.mark.parametrize(("name", "data", "code", "words"), [
    ("report.pdf", files.exe(), "disguised_file", "Windows program"),
    ("chart.svg", files.SVG, "type_not_allowed", "never accepted"),
    ("chart.png", files.SVG, "disguised_file", "SVG"),
    ("page.pdf", files.HTML, "disguised_file", "HTML"),
    ("empty.pdf", b"", "empty_file", "empty"),
])
def test_disguised_and_dangerous_files_are_refused(world, settings, name, data, code, words):
    error = refused(add_file, actor=world["ben"], community=world["private"], name=name,
                    data=data)
    assert error.code == code and words in error.fields["file"][0]
    assert not Resource.objects.exists() and stored_files(settings) == []


def test_an_oversized_file_is_refused_with_413(world, settings):
    settings.CULTIVATE_RESOURCE_MAX_MB = 0.05
    error = refused(add_file, actor=world["ben"], community=world["private"],
                    data=files.pdf() + b"x" * 60_000)
    assert isinstance(error, TooLarge) and error.status == 413
    assert error.fields == {"file": ["The file is 0.06 MB; the limit is 0.05 MB."]}
    # With another field wrong as well, both are said, and the status stays 413.
    error = refused(add_file, actor=world["ben"], community=world["private"], title="",
                    data=files.pdf() + b"x" * 60_000)
    assert error.status == 413 and set(error.fields) == {"title", "file"}
    assert stored_files(settings) == []


def test_the_resource_limit_is_its_own(world, settings):
    settings.CULTIVATE_ATTACHMENT_MAX_MB = 0.01
    settings.CULTIVATE_RESOURCE_MAX_MB = 1
    assert add_file(world["ben"], world["private"], data=files.pdf() + b"x" * 60_000).pk


def test_markdown_is_sanitised(world, add_guide):
    resource = add_guide(
        world["ben"], world["private"],
        summary="<script>alert(1)</script> [click](javascript:alert(2)) "
                "<img src=x onerror=alert(3)>",
        body='<iframe src="https://evil.example"></iframe>\n\n[ok](https://pefa.org) '
             '<a href="javascript:alert(4)" onclick="x()">raw</a>')
    for html in (resource.summary_html, resource.body_html):
        tags = re.findall(r"<[a-z][^>]*>", html)
        assert {re.match(r"<(\w+)", tag)[1] for tag in tags} <= {"p", "a"}, tags
        assert not [tag for tag in tags if re.search(r"\son\w+=|javascript:", tag)], tags
    assert '<a href="https://pefa.org" rel="nofollow noopener noreferrer">ok</a>' in \
        resource.body_html


def test_search_document_is_plain_text(world, add_guide, add_link):
    guide = add_guide(world["ben"], world["private"], summary="Use *this* & that.")
    title, text = guide.search_document()
    assert title == "Running a case clinic"
    assert text.startswith("Use this & that.") and "Steps" in text and "<" not in text
    link = add_link(world["ben"], world["private"])
    assert "https://www.pefa.org/framework" in link.search_document()[1]


def test_who_may_add(world, add_link, make_user):
    with pytest.raises(NotAllowed) as hidden:
        add_link(world["olga"], world["private"])
    assert hidden.value.hide
    with pytest.raises(NotAllowed) as refused_outsider:
        add_link(world["olga"], world["public"])
    assert not refused_outsider.value.hide
    assert add_link(make_user("root", superuser=True), world["private"]).pk  # platform admin


# --- editing and deleting ---

def test_the_author_edits_and_it_is_recorded(world, add_link):
    resource = add_link(world["ben"], world["private"])
    edited = actions.do_edit_resource(actor=world["ben"], resource=resource,
                                      title="PEFA 2016 framework", tags=["pefa", "assessment"],
                                      url="https://www.pefa.org/2016", summary="Now **2016**.")
    assert edited.title == "PEFA 2016 framework" and edited.url == "https://www.pefa.org/2016"
    assert edited.summary_html == "<p>Now <strong>2016</strong>.</p>\n"
    assert edited.edited_at is not None
    assert sorted(t.slug for t in edited.tags.all()) == ["assessment", "pefa"]
    activity = Activity.objects.get(verb="resource.edited")
    assert set(activity.payload["fields"]) == {"title", "url", "summary", "tags"}
    # Nothing changed: nothing recorded.
    actions.do_edit_resource(actor=world["ben"], resource=edited, title="PEFA 2016 framework")
    assert Activity.objects.filter(verb="resource.edited").count() == 1


def test_edits_are_checked_like_new_resources(world, add_link, add_guide):
    link = add_link(world["ben"], world["private"])
    error = refused(actions.do_edit_resource, actor=world["ben"], resource=link,
                    url="javascript:alert(1)", language="zz")
    assert set(error.fields) == {"url", "language"}
    guide = add_guide(world["ben"], world["private"])
    error = refused(actions.do_edit_resource, actor=world["ben"], resource=guide,
                    url="https://example.org")
    assert "no such field" in error.fields["url"][0]
    link.refresh_from_db()
    assert link.url == LINK["url"]


def test_replacing_a_file_removes_the_old_one_after_commit(
        world, settings, django_capture_on_commit_callbacks):
    resource = add_file(world["ben"], world["private"])
    old = resource.file.name
    with django_capture_on_commit_callbacks(execute=True):
        edited = actions.do_edit_resource(actor=world["ben"], resource=resource,
                                          uploaded_file=files.upload("v2.docx", files.docx()))
    assert edited.original_name == "v2.docx" and edited.file.name != old
    assert edited.content_type.endswith("wordprocessingml.document")
    assert not default_storage.exists(old) and default_storage.exists(edited.file.name)
    error = refused(actions.do_edit_resource, actor=world["ben"], resource=edited,
                    uploaded_file=files.upload("v3.pdf", files.exe()))
    assert "Windows program" in error.fields["file"][0]
    assert [p.name for p in stored_files(settings)] == [edited.file.name.rsplit("/", 1)[1]]


def test_who_may_edit_and_delete(world, add_link):
    resource = add_link(world["ben"], world["private"])
    for other in ("bea", "olga", "cleo"):
        with pytest.raises(NotAllowed):
            actions.do_edit_resource(actor=world[other], resource=resource, title="Mine now")
        with pytest.raises(NotAllowed):
            actions.do_delete_resource(actor=world[other], resource=resource)
    actions.do_edit_resource(actor=world["fay"], resource=resource, title="Fixed by a steward")
    actions.do_delete_resource(actor=world["ana"], resource=resource)
    resource.refresh_from_db()
    assert resource.deleted_at is not None and resource.deleted_by == world["ana"]
    assert Activity.objects.filter(verb="resource.deleted", actor=world["ana"]).exists()


def test_an_author_who_left_can_no_longer_change(world, add_link):
    Membership.objects.create(community=world["public"], user=world["ben"])
    mine = add_link(world["ben"], world["public"], title="Ben's link")
    Membership.objects.filter(user=world["ben"], community=world["public"]).delete()
    with pytest.raises(NotAllowed):
        actions.do_edit_resource(actor=world["ben"], resource=mine, title="Still mine?")


def test_deleted_resources_leave_the_key_list_and_can_be_restored(world, add_link):
    resource = add_link(world["ben"], world["private"])
    actions.do_add_key_resource(actor=world["fay"], resource=resource)
    actions.do_delete_resource(actor=world["ben"], resource=resource)
    assert not KeyResource.objects.exists()
    with pytest.raises(Conflict):
        actions.do_edit_resource(actor=world["ben"], resource=resource, title="Back")
    with pytest.raises(NotAllowed):
        actions.do_restore_resource(actor=world["bea"], resource=resource)  # not who deleted it
    actions.do_restore_resource(actor=world["fay"], resource=resource)
    resource.refresh_from_db()
    assert resource.deleted_at is None
    assert Activity.objects.filter(verb="resource.restored").exists()


# --- key resources ---

def test_stewards_curate_the_key_resources(world, add_link):
    first, second, third = (add_link(world["ben"], world["private"], title=f"Resource {i}")
                            for i in range(3))
    assert actions.do_add_key_resource(actor=world["fay"], resource=first) == [first.pk]
    actions.do_add_key_resource(actor=world["ana"], resource=second)
    actions.do_add_key_resource(actor=world["ana"], resource=third)
    assert actions.do_add_key_resource(actor=world["ana"], resource=third) == [
        first.pk, second.pk, third.pk]  # already there: unchanged
    assert actions.do_move_key_resource(actor=world["fay"], resource=third, offset=-1) == [
        first.pk, third.pk, second.pk]
    assert actions.do_move_key_resource(actor=world["fay"], resource=first, offset=-1) == [
        first.pk, third.pk, second.pk]  # the top stays the top
    assert actions.do_remove_key_resource(actor=world["fay"], resource=third) == [
        first.pk, second.pk]
    assert actions.do_set_key_resources(actor=world["ana"], community=world["private"],
                                        resource_ids=[second.pk, first.pk]) == [second.pk,
                                                                                first.pk]
    assert list(KeyResource.objects.order_by("position").values_list("resource_id",
                                                                      flat=True)) == [
        second.pk, first.pk]
    changes = list(Activity.objects.filter(verb="resource.curated").order_by("id")
                   .values_list("payload__change", flat=True))
    assert changes == ["added", "added", "added", "moved", "removed", "set"]


def test_members_do_not_curate(world, add_link):
    resource = add_link(world["ben"], world["private"])
    for person in ("ben", "bea"):
        with pytest.raises(NotAllowed):
            actions.do_add_key_resource(actor=world[person], resource=resource)
    with pytest.raises(NotAllowed) as hidden:
        actions.do_set_key_resources(actor=world["olga"], community=world["private"],
                                     resource_ids=[resource.pk])
    assert hidden.value.hide


def test_key_resources_must_be_resources_of_the_community(world, add_link):
    mine = add_link(world["ben"], world["private"])
    theirs = add_link(world["pete"], world["other"])
    gone = add_link(world["ben"], world["private"], title="Deleted one")
    actions.do_delete_resource(actor=world["ben"], resource=gone)
    for ids, words in [([mine.pk, theirs.pk], f"community: {theirs.pk}"),
                       ([gone.pk], str(gone.pk)), ([mine.pk, mine.pk], "only once"),
                       ([mine.pk, "x"], "list of"), ([True], "list of"),
                       (list(range(1, 14)), "at most 12")]:
        error = refused(actions.do_set_key_resources, actor=world["ana"],
                        community=world["private"], resource_ids=ids)
        assert words in " ".join(error.fields["ids"]), (ids, error.fields)
    assert not KeyResource.objects.exists()
    error = refused(actions.do_move_key_resource, actor=world["ana"], resource=mine, offset=1)
    assert error.code == "not_key"
