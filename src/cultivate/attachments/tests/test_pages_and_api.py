"""Uploading from the composers and the API, serving with permission checks."""

import hashlib

import pytest
from django.core.files.storage import default_storage

from cultivate.activity.models import Activity
from cultivate.attachments.models import Attachment
from cultivate.attachments.tests import files
from cultivate.core.markdown import render_markdown

pytestmark = pytest.mark.django_db


def attach(client, slug: str, name: str, data: bytes, **extra):
    return client.post(f"/c/{slug}/attachments/", {"file": files.upload(name, data)},
                       HTTP_ACCEPT="application/json", **extra)


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_member_attaches_an_image_and_readers_see_it(world, signed_in, client):
    ben = signed_in(world["cleo"])
    data = files.png()
    answer = attach(ben, "open-budgets", "chart (final).png", data)
    assert answer.status_code == 201, answer.content
    found = answer.json()
    attachment = Attachment.objects.get()
    assert found == {"id": attachment.pk, "name": "chart (final).png",
                     "url": f"/files/{attachment.pk}/chart%20%28final%29.png",
                     "markdown": f"![chart (final).png](/files/{attachment.pk}/"
                                 "chart%20%28final%29.png)"}
    assert attachment.content_type == "image/png" and attachment.size == len(data)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.uploader == world["cleo"]
    # Stored under a random name, not the member's.
    assert "chart" not in attachment.file.name and attachment.file.name.endswith(".png")
    assert default_storage.exists(attachment.file.name)
    assert Activity.objects.filter(verb="attachment.uploaded", community=world["public"],
                                   actor=world["cleo"]).exists()

    served = client.get(found["url"])  # anonymous, public community
    assert served.status_code == 200
    assert body_of(served) == data
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert served["Content-Disposition"].startswith("inline")
    assert "private" in served["Cache-Control"]


@pytest.mark.parametrize(("name", "data", "content_type"), [
    ("Budget circular.pdf", files.pdf(), "application/pdf"),
    ("Costing notes.docx", files.docx(),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_documents_download_with_their_own_name(world, signed_in, name, data, content_type):
    ben = signed_in(world["ben"])
    answer = attach(ben, "treasury-circle", name, data)
    assert answer.status_code == 201, answer.content
    assert answer.json()["markdown"].startswith(f"[{name}](/files/")
    served = ben.get(answer.json()["url"])
    assert served.status_code == 200 and body_of(served) == data
    assert served["Content-Type"] == content_type
    disposition = served["Content-Disposition"]
    assert disposition == f'attachment; filename="{name}"'


def test_rfc_6266_names_for_non_ascii_and_quotes(world, signed_in):
    ben = signed_in(world["ben"])
    answer = attach(ben, "treasury-circle", "Bütçe «plan».pdf", files.pdf())
    served = ben.get(answer.json()["url"])
    assert "filename*=utf-8''B%C3%BCt%C3%A7e%20%C2%ABplan%C2%BB.pdf" in \
        served["Content-Disposition"]


@pytest.mark.parametrize(("name", "data", "status", "words"), [
    ("cat.png", files.exe(), 400, "Windows program"),
    ("report.pdf", files.HTML, 400, "HTML"),
    ("logo.svg", files.SVG, 400, "never accepted"),
    ("logo.png", files.SVG, 400, "SVG"),
    ("notes.docx", files.zipped({"a.txt": b"x"}), 400, "ZIP archive"),
    ("empty.pdf", b"", 400, "empty"),
])
def test_refusals_answer_json_with_the_reason(world, signed_in, name, data, status, words):
    answer = attach(signed_in(world["ben"]), "treasury-circle", name, data)
    assert answer.status_code == status
    error = answer.json()["error"]
    assert words in error["message"] and error["fields"]["file"] == [error["message"]]
    assert not Attachment.objects.exists()


def test_oversized_files_get_413_before_and_after_reading(world, signed_in, settings):
    settings.CULTIVATE_ATTACHMENT_MAX_MB = 0.05  # 51 KB: still over the 64 KB framing slack
    ben = signed_in(world["ben"])
    slightly = attach(ben, "treasury-circle", "big.pdf", files.pdf() + b"x" * 60_000)
    assert slightly.status_code == 413
    assert slightly.json()["error"] == {
        "code": "too_large", "message": "The file is 0.06 MB; the limit is 0.05 MB.",
        "fields": {"file": ["The file is 0.06 MB; the limit is 0.05 MB."]}}
    far = attach(ben, "treasury-circle", "huge.pdf", files.pdf() + b"x" * 300_000)
    assert far.status_code == 413
    assert far.json()["error"]["message"] == "The file is larger than the limit of 0.05 MB."
    assert not Attachment.objects.exists()
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.pdf"))


def test_outsiders_and_visitors_cannot_upload(world, signed_in, client):
    olga = signed_in(world["olga"])
    assert attach(olga, "treasury-circle", "a.png", files.png()).status_code == 404
    refused = attach(olga, "open-budgets", "a.png", files.png())
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert attach(client, "open-budgets", "a.png", files.png()).status_code == 403
    assert attach(client, "no-such-place", "a.png", files.png()).status_code == 404
    assert not Attachment.objects.exists()


def test_private_files_stay_private(world, signed_in, client, make_community):
    ben = signed_in(world["ben"])
    url = attach(ben, "treasury-circle", "secret.png", files.png()).json()["url"]
    assert ben.get(url).status_code == 200
    assert signed_in(world["ana"]).get(url).status_code == 200
    assert signed_in(world["olga"]).get(url).status_code == 404
    assert client.get(url).status_code == 404
    # cleo is a member of another private community: the id alone does not let her in.
    make_community(world["cleo"], name="Cleo's own", visibility="private")
    assert signed_in(world["cleo"]).get(url).status_code == 404
    # The name is part of the address; a wrong one is not found.
    assert ben.get(url.rsplit("/", 1)[0] + "/other.png").status_code == 404
    assert ben.post(url).status_code == 405


def test_a_file_missing_from_storage_is_not_found(world, signed_in):
    ben = signed_in(world["ben"])
    url = attach(ben, "treasury-circle", "gone.pdf", files.pdf()).json()["url"]
    default_storage.delete(Attachment.objects.get().file.name)
    assert ben.get(url).status_code == 404
    Attachment.objects.update(file="")  # a row left without any file (edited by hand)
    assert ben.get(url).status_code == 404


def test_uploads_count_against_the_write_rate(world, signed_in, settings):
    settings.CULTIVATE_WRITE_RATE = "2/m"
    ben = signed_in(world["ben"])
    codes = [attach(ben, "treasury-circle", "a.png", files.png()).status_code for _ in range(3)]
    assert codes == [201, 201, 429]


def test_composers_offer_the_attach_field(world, signed_in):
    ben = signed_in(world["ben"])
    page = ben.get("/c/treasury-circle/topics/new/").content.decode()
    assert 'data-url="/c/treasury-circle/attachments/"' in page
    assert "Attach images or documents" in page and "Up to 10 MB each" in page
    assert "attachments/attach.js" in page and 'accept=".png,' in page


def test_relative_file_links_survive_the_markdown_sanitiser():
    html = render_markdown("![chart (final).png](/files/12/chart%20%28final%29.png) and "
                           "[notes.pdf](/files/13/notes.pdf)")
    assert '<img src="/files/12/chart%20%28final%29.png" alt="chart (final).png">' in html
    assert '<a href="/files/13/notes.pdf" rel="nofollow noopener noreferrer">notes.pdf</a>' in html


# --- the API ---


def api_attach(client, slug, name, data, **headers):
    return client.post(f"/api/v1/communities/{slug}/attachments",
                       {"file": files.upload(name, data)}, **headers)


def test_api_upload_and_details(world, client, token_of):
    ben = token_of(world["ben"])
    created = api_attach(client, "treasury-circle", "chart.png", files.png(), **ben)
    assert created.status_code == 201, created.content
    found = created.json()
    assert set(found) == {"id", "url", "name", "markdown"}
    assert found["markdown"] == f"![chart.png]({found['url']})"
    details = client.get(f"/api/v1/attachments/{found['id']}", **ben)
    assert details.status_code == 200
    body = details.json()
    assert body["content_type"] == "image/png" and body["is_image"] is True
    assert body["community"] == "treasury-circle" and body["uploader"]["username"] == "ben"
    assert client.get(found["url"], **ben).status_code == 404  # a token is not a session
    olga = token_of(world["olga"])
    assert client.get(f"/api/v1/attachments/{found['id']}", **olga).status_code == 404
    assert client.get(f"/api/v1/attachments/{found['id']}").status_code == 404


def test_api_refusals(world, client, token_of, settings):
    ben = token_of(world["ben"])
    disguised = api_attach(client, "treasury-circle", "cat.png", files.exe(), **ben)
    assert disguised.status_code == 400
    assert "Windows program" in disguised.json()["error"]["fields"]["file"][0]
    assert disguised.json()["error"]["code"] == "disguised_file"
    missing = client.post("/api/v1/communities/treasury-circle/attachments", {"note": "x"},
                          **ben)
    assert missing.status_code == 422 and "file" in missing.json()["error"]["fields"]
    as_json = client.post("/api/v1/communities/treasury-circle/attachments", b'{"file": 1}',
                          content_type="application/json", **ben)
    assert as_json.status_code == 415 and "multipart" in as_json.json()["error"]["message"]
    settings.CULTIVATE_ATTACHMENT_MAX_MB = 0.05
    near = api_attach(client, "treasury-circle", "big.pdf", files.pdf() + b"x" * 60_000, **ben)
    assert near.status_code == 413 and near.json()["error"]["fields"]["file"]
    huge = api_attach(client, "treasury-circle", "big.pdf", files.pdf() + b"x" * 300_000, **ben)
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"
    olga = token_of(world["olga"])
    assert api_attach(client, "treasury-circle", "a.png", files.png(), **olga).status_code == 404
    assert api_attach(client, "open-budgets", "a.png", files.png(), **olga).status_code == 403
    assert api_attach(client, "open-budgets", "a.png", files.png()).status_code == 401
    assert not Attachment.objects.exists()


def test_json_bodies_elsewhere_are_still_limited(world, client, token_of):
    huge = client.post("/api/v1/communities", b'{"name": "' + b"x" * 3_000_000 + b'"}',
                       content_type="application/json", **token_of(world["ben"]))
    assert huge.status_code == 413


@pytest.mark.parametrize("content_type", [
    "multipart/form-data", "multipart/form-data; boundary=xyz",
    "multipart/form-data; boundary=" + "b" * 300, "multipart/mixed; boundary=xyz"])
def test_broken_multipart_bodies_are_refused_without_a_crash(world, client, signed_in,
                                                             token_of, content_type):
    body = b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n"
    answer = client.generic("POST", "/api/v1/communities/treasury-circle/attachments", body,
                            content_type=content_type, **token_of(world["ben"]))
    assert 400 <= answer.status_code < 500, answer.content
    assert set(answer.json()["error"]) == {"code", "message", "fields"}
    page = signed_in(world["ben"]).generic("POST", "/c/treasury-circle/attachments/", body,
                                           content_type=content_type)
    assert 400 <= page.status_code < 500
    assert not Attachment.objects.exists()


def test_files_never_enter_the_anonymous_page_cache(world, signed_in, client, settings):
    url = attach(signed_in(world["cleo"]), "open-budgets", "a.png", files.png()).json()["url"]
    settings.PAGE_CACHE_SECONDS = 60
    for _ in range(2):
        served = client.get(url)
        assert served.status_code == 200 and "X-Cache" not in served
    world["public"].visibility = "private"
    world["public"].save()
    assert client.get(url).status_code == 404


def test_the_upload_endpoint_explains_garbage(world, signed_in):
    ben = signed_in(world["ben"])
    for data in ({}, {"file": "not a file"}, {"file": "x" * 5000, "other": "y"}):
        answer = ben.post("/c/treasury-circle/attachments/", data)
        assert answer.status_code == 400
        assert answer.json()["error"]["fields"] == {"file": ["Choose a file to attach."]}
    assert ben.get("/c/treasury-circle/attachments/").status_code == 405


def test_the_upload_is_recorded_but_the_stream_shows_the_post_not_the_file(world, signed_in):
    from cultivate.activity.models import Activity

    ben = signed_in(world["ben"])
    attach(ben, "treasury-circle", "a.png", files.png())
    assert Activity.objects.filter(verb="attachment.uploaded", actor=world["ben"]).exists()
    assert "attached a file" not in ben.get("/c/treasury-circle/").content.decode()
