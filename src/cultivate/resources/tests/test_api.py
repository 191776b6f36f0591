"""The library in the JSON API: the same actions and permissions as the pages."""

import json

import pytest

from cultivate.activity.models import Activity
from cultivate.attachments.tests import files
from cultivate.resources.models import KeyResource, Resource

pytestmark = pytest.mark.django_db

BASE = "/api/v1/communities/treasury-circle"
LINK = {"form": "link", "title": "PEFA framework", "summary": "The **standard**.",
        "type": "toolkit", "language": "en", "tags": ["assessment"],
        "url": "https://www.pefa.org/"}


def post_json(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def patch_json(client, url, data, **headers):
    return client.patch(url, json.dumps(data), content_type="application/json", **headers)


def put_json(client, url, data, **headers):
    return client.put(url, json.dumps(data), content_type="application/json", **headers)


def test_add_a_link_and_a_guide_as_json(world, client, token_of):
    ben = token_of(world["ben"])
    created = post_json(client, f"{BASE}/resources", LINK, **ben)
    assert created.status_code == 201, created.content
    body = created.json()
    resource = Resource.objects.get()
    assert body["id"] == resource.pk and body["form"] == "link" and body["type"] == "toolkit"
    assert body["summary_html"] == "<p>The <strong>standard</strong>.</p>\n"
    assert body["url"] == "https://www.pefa.org/" and body["file"] is None
    assert body["added_by"]["username"] == "ben" and body["tags"] == ["assessment"]
    assert body["html_url"] == f"/c/treasury-circle/resources/{resource.pk}/"
    assert body["is_key"] is False and body["deleted"] is False

    guide = post_json(client, f"{BASE}/resources", {
        "form": "guide", "title": "Case clinic", "summary": "How.", "language": "fr",
        "body": "## Steps\n\n<script>alert(1)</script>"}, **ben)
    assert guide.status_code == 201
    assert guide.json()["type"] == "other"  # the default
    assert "<h2>Steps</h2>" in guide.json()["body_html"]
    assert "<script" not in guide.json()["body_html"]


def test_add_a_file_as_multipart(world, client, token_of):
    ben = token_of(world["ben"])
    created = client.post(f"{BASE}/resources", {
        "form": "file", "title": "Budget circular", "summary": "The circular.",
        "type": "template", "language": "en", "tags": "circular, 2024",
        "file": files.upload("circular.pdf", files.pdf())}, **ben)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["tags"] == ["2024", "circular"]
    assert body["file"]["name"] == "circular.pdf"
    assert body["file"]["content_type"] == "application/pdf"
    assert body["file"]["size"] == len(files.pdf()) and len(body["file"]["sha256"]) == 64
    # With a token, the file comes from the API route (the page route wants a session).
    got = client.get(f"{BASE}/resources/{body['id']}/file", **ben)
    assert got.status_code == 200 and b"".join(got.streaming_content) == files.pdf()
    assert got["X-Content-Type-Options"] == "nosniff"
    assert got["Content-Disposition"] == 'attachment; filename="circular.pdf"'
    assert client.get(body["file"]["url"], **ben).status_code == 404
    link = post_json(client, f"{BASE}/resources", LINK, **ben).json()
    assert client.get(f"{BASE}/resources/{link['id']}/file", **ben).status_code == 404


@pytest.mark.parametrize(("data", "status", "field"), [
    (LINK | {"url": "javascript:alert(document.cookie)"}, 400, "url"),
    (LINK | {"language": "klingon"}, 400, "language"),
    (LINK | {"type": "novel"}, 400, "resource_type"),
    (LINK | {"form": "file"}, 400, "file"),
    ({"title": "No form"}, 422, "form"),
    (LINK | {"tags": "not a list"}, 422, "tags"),
    (LINK | {"colour": "green"}, 422, "colour"),
])
def test_bad_json_is_refused_with_field_details(world, client, token_of, data, status, field):
    answer = post_json(client, f"{BASE}/resources", data, **token_of(world["ben"]))
    assert answer.status_code == status, answer.content
    assert field in answer.json()["error"]["fields"]
    assert not Resource.objects.exists()


def test_bad_bodies_are_refused(world, client, token_of):
    ben = token_of(world["ben"])
    broken = client.post(f"{BASE}/resources", b"{oops", content_type="application/json",
                         **ben)
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "bad_request"
    text = client.post(f"{BASE}/resources", b"title=x", content_type="text/plain", **ben)
    assert text.status_code == 415
    assert client.post(f"{BASE}/resources", {}, **ben).status_code == 422  # empty multipart


def test_refused_files_through_the_api(world, client, token_of, settings):
    ben = token_of(world["ben"])

    def send(name, data):
        return client.post(f"{BASE}/resources", {
            "form": "file", "title": "A file", "summary": "x", "language": "en",
            "file": files.upload(name, data)}, **ben)

    disguised = send("report.pdf", files.exe())
    assert disguised.status_code == 400
    assert disguised.json()["error"]["code"] == "disguised_file"
    assert "Windows program" in disguised.json()["error"]["fields"]["file"][0]
    assert send("logo.svg", files.SVG).status_code == 400
    settings.CULTIVATE_RESOURCE_MAX_MB = 0.05
    near = send("big.pdf", files.pdf() + b"x" * 60_000)
    assert near.status_code == 413 and near.json()["error"]["code"] == "too_large"
    far = send("huge.pdf", files.pdf() + b"x" * 300_000)
    assert far.status_code == 413
    assert far.json()["error"]["message"] == "The file is larger than the limit of 0.05 MB."
    assert not Resource.objects.exists()


def test_who_may_add_through_the_api(world, client, token_of):
    assert post_json(client, f"{BASE}/resources", LINK).status_code == 401
    assert post_json(client, f"{BASE}/resources", LINK,
                     **token_of(world["olga"])).status_code == 404
    assert post_json(client, "/api/v1/communities/open-budgets/resources", LINK,
                     **token_of(world["olga"])).status_code == 403


def test_list_with_filters_and_pages(world, client, token_of, add_link, add_guide):
    for i in range(22):
        add_link(world["ben"], world["private"], title=f"Link {i:02}")
    add_guide(world["ben"], world["private"])
    bea = token_of(world["bea"])
    first = client.get(f"{BASE}/resources", **bea).json()
    assert first["count"] == 23 and first["pages"] == 2 and len(first["items"]) == 20
    assert first["items"][0]["title"] == "Running a case clinic"  # newest first
    second = client.get(f"{BASE}/resources?page=2", **bea).json()
    assert second["page"] == 2 and len(second["items"]) == 3
    assert client.get(f"{BASE}/resources?form=guide", **bea).json()["count"] == 1
    assert client.get(f"{BASE}/resources?language=FR", **bea).json()["count"] == 1
    assert client.get(f"{BASE}/resources?tag=facilitation&type=guide",
                      **bea).json()["count"] == 1
    assert client.get(f"{BASE}/resources?q=link%2003", **bea).json()["count"] == 1
    bad = client.get(f"{BASE}/resources?type=novel&form=zine&language=xx", **bea)
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"type", "form", "language"}
    assert client.get(f"{BASE}/resources").status_code == 404  # private, anonymous


def test_edit_and_delete_through_the_api(world, client, token_of, add_link):
    resource = add_link(world["ben"], world["private"])
    url = f"{BASE}/resources/{resource.pk}"
    assert patch_json(client, url, {"title": "Mine"}, **token_of(world["bea"])).status_code == 403
    assert client.delete(url, **token_of(world["bea"])).status_code == 403
    ben = token_of(world["ben"])
    changed = patch_json(client, url, {"title": "PEFA 2016", "type": "report",
                                       "tags": ["pefa"]}, **ben)
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "PEFA 2016" and changed.json()["type"] == "report"
    assert changed.json()["edited_at"] is not None and changed.json()["tags"] == ["pefa"]
    assert patch_json(client, url, {"url": "javascript:alert(1)"}, **ben).status_code == 400
    assert patch_json(client, url, {"body": "a guide?"}, **ben).status_code == 400
    assert patch_json(client, url, {"colour": "red"}, **ben).status_code == 422
    assert patch_json(client, url, {}, **ben).status_code == 400
    assert client.delete(url, **token_of(world["fay"])).status_code == 204
    assert client.get(url, **ben).status_code == 404
    assert client.get(url, **token_of(world["fay"])).json()["deleted"] is True
    assert Activity.objects.filter(verb="resource.deleted", actor=world["fay"]).exists()


def test_key_resources_through_the_api(world, client, token_of, add_link):
    first = add_link(world["ben"], world["private"], title="First")
    second = add_link(world["ben"], world["private"], title="Second")
    theirs = add_link(world["pete"], world["other"], title="Elsewhere")
    url = f"{BASE}/key-resources"
    bea = token_of(world["bea"])
    assert client.get(url, **bea).json() == []
    assert put_json(client, url, {"ids": [first.pk]}, **bea).status_code == 403
    fay = token_of(world["fay"])
    chosen = put_json(client, url, {"ids": [second.pk, first.pk]}, **fay)
    assert chosen.status_code == 200, chosen.content
    assert [r["title"] for r in chosen.json()] == ["Second", "First"]
    assert [r["title"] for r in client.get(url, **bea).json()] == ["Second", "First"]
    assert client.get(f"{BASE}/resources/{first.pk}", **bea).json()["is_key"] is True
    refused = put_json(client, url, {"ids": [first.pk, theirs.pk]}, **fay)
    assert refused.status_code == 400 and "ids" in refused.json()["error"]["fields"]
    assert put_json(client, url, {"ids": "1,2"}, **fay).status_code == 422
    assert put_json(client, url, {"ids": []}, **fay).json() == []
    assert not KeyResource.objects.exists()
