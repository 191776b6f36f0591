"""core.uploads: what a file is decides, not its name or what the browser claims."""

import pytest

from cultivate.attachments.tests import files
from cultivate.core.errors import ActionError
from cultivate.core.uploads import IMAGES, TooLarge, check_upload, safe_name


def refusal(name, data, **options) -> ActionError:
    with pytest.raises(ActionError) as caught:
        check_upload(files.upload(name, data), **options)
    assert caught.value.fields["file"] == [caught.value.message]
    return caught.value


@pytest.mark.parametrize(("name", "data", "content_type"), [
    ("chart.png", files.png(), "image/png"),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "image/jpeg"),
    ("wave.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
    ("pic.webp", b"RIFF\x1a\x00\x00\x00WEBPVP8 " + b"\x00" * 20, "image/webp"),
    ("Budget circular.pdf", files.pdf(), "application/pdf"),
    ("notes.docx", files.docx(),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("notes.odt", files.odt(), "application/vnd.oasis.opendocument.text"),
    ("figures.csv", b"country,amount\nKenya,12\nChile,9\n", "text/csv; charset=utf-8"),
    ("readme.md", "# Notes\n\nBMW and *ümlauts*".encode(), "text/markdown; charset=utf-8"),
    ("notes.txt", b"BM is just text here", "text/plain; charset=utf-8"),
])
def test_allowed_files_are_recognised_by_content(name, data, content_type):
    assert check_upload(files.upload(name, data, "text/html")) == (content_type, name)


def test_names_are_made_safe_and_get_the_extension_of_their_content():
    assert check_upload(files.upload("../../etc/Budget v1.2", files.pdf()))[1] == \
        "Budget v1.2.pdf"
    assert check_upload(files.upload("scan.jpg", files.png()))[1] == "scan.png"
    assert safe_name('C:\\Users\\me\\"odd"\x00<name>.pdf') == "_odd___name_.pdf"
    assert safe_name("   ") == "file"
    long = safe_name("x" * 300 + ".pdf")
    assert len(long) <= 120 and long.endswith(".pdf")


def test_oversized_and_empty_files_are_refused_clearly():
    error = refusal("big.png", files.png() + b"\x00" * 3 * 1024 * 1024, max_bytes=1024 * 1024)
    assert isinstance(error, TooLarge) and error.status == 413
    assert "the limit is 1 MB" in error.message
    assert refusal("empty.pdf", b"").message == "The file is empty."


def test_no_file_at_all():
    with pytest.raises(ActionError) as caught:
        check_upload(None)
    assert caught.value.fields == {"file": ["Choose a file to attach."]}


@pytest.mark.parametrize(("name", "data", "words"), [
    ("cat.png", files.exe(), ["PNG", "Windows program"]),
    ("report.pdf", files.HTML, ["HTML", "never accepted"]),
    ("logo.png", files.SVG, ["SVG", "never accepted"]),
    ("logo.svg", files.SVG, [".svg", "never accepted"]),
    ("page.html", b"hello", [".html", "never accepted"]),
    ("notes.txt", b"  <html><body>hi</body></html>", ["HTML", "never accepted"]),
    ("archive.docx", files.zipped({"a.txt": b"hello"}), ["Word (docx)", "ZIP archive"]),
    ("archive.zip", files.zipped({"a.txt": b"hello"}), ["ZIP archive", "not accepted"]),
    ("macros.docx", files.zipped({"[Content_Types].xml": b"macroEnabled",
                                  "word/document.xml": b"x"}), ["macros"]),
    ("setup.exe", files.exe(), ["Windows program", "not accepted"]),
    ("data.pdf", b"\x00\x01\x02\x03garbage\xff\xfe", ["PDF", "not a PDF file"]),
    ("photo.png", files.pdf(), ["PNG", "PDF"]),
    ("table.csv", files.png(), ["CSV", "PNG"]),
    ("slides.pdf", b"just some words", ["PDF", "plain text"]),
])
def test_disguised_and_forbidden_files_are_refused(name, data, words):
    error = refusal(name, data)
    for word in words:
        assert word in error.message, error.message
    if "accepted" in error.message:  # refused types say what is allowed instead
        assert "You can attach: PNG, JPEG, GIF, WebP, PDF" in error.message
    else:  # an allowed type under another's name
        assert "Rename it or choose the right file." in error.message


def test_a_narrower_allowed_set_names_only_its_types():
    error = refusal("circular.pdf", files.pdf(), allowed=IMAGES)
    assert error.code == "type_not_allowed"
    assert error.message.endswith("You can attach: PNG, JPEG, GIF, WebP.")
