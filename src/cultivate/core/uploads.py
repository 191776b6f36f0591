"""Checking uploaded files by their content: one place for every app that accepts files.

`check_upload` reads a file's first bytes (and, for Office and OpenDocument files, the names
inside the zip) to decide what it really is, whatever its name or the browser claim. It refuses
empty and oversized files, types that are not allowed, and files whose content disagrees with
their name (a program or a web page renamed `.png` or `.pdf`). HTML, SVG and other markup are
never accepted: a browser could run their scripts. Magic bytes come from the pure-Python
`filetype` package; the zip and text checks are ours.
"""

import codecs
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cultivate.core.errors import ActionError

HEAD_BYTES = 8192
MAX_NAME = 120
MB = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first is the one added to a name without one
    image: bool = False


KINDS = {kind.key: kind for kind in (
    Kind("png", "PNG", "image/png", ("png",), image=True),
    Kind("jpeg", "JPEG", "image/jpeg", ("jpg", "jpeg", "jpe", "jfif"), image=True),
    Kind("gif", "GIF", "image/gif", ("gif",), image=True),
    Kind("webp", "WebP", "image/webp", ("webp",), image=True),
    Kind("pdf", "PDF", "application/pdf", ("pdf",)),
    Kind("docx", "Word (docx)",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)),
    Kind("xlsx", "Excel (xlsx)",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    Kind("pptx", "PowerPoint (pptx)",
         "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",)),
    Kind("odt", "OpenDocument text (odt)", "application/vnd.oasis.opendocument.text", ("odt",)),
    Kind("ods", "OpenDocument spreadsheet (ods)", "application/vnd.oasis.opendocument.spreadsheet",
         ("ods",)),
    Kind("odp", "OpenDocument presentation (odp)",
         "application/vnd.oasis.opendocument.presentation", ("odp",)),
    Kind("txt", gettext_lazy("plain text"), "text/plain; charset=utf-8", ("txt", "text")),
    Kind("csv", "CSV", "text/csv; charset=utf-8", ("csv",)),
    Kind("md", "Markdown", "text/markdown; charset=utf-8", ("md", "markdown")),
)}
IMAGES = frozenset({"png", "jpeg", "gif", "webp"})
DOCUMENTS = frozenset({"pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp"})
TEXT = frozenset({"txt", "csv", "md"})
DEFAULT_ALLOWED = IMAGES | DOCUMENTS | TEXT

# What filetype reports, for the kinds we accept (an animated PNG is still a PNG).
_FILETYPE_KINDS = {"image/png": "png", "image/apng": "png", "image/jpeg": "jpeg",
                   "image/gif": "gif", "image/webp": "webp", "application/pdf": "pdf"}
# Names for recognised content we never accept, used in refusals.
_FORBIDDEN_LABELS = {
    "html": "HTML", "svg": "SVG", "xml": "XML", "zip": gettext_lazy("a ZIP archive"),
    "office-macros": gettext_lazy("an Office document with macros"),
    "exe": gettext_lazy("a Windows program (EXE)"), "elf": gettext_lazy("a program (ELF)"),
}
_MARKUP_EXTENSIONS = {"html", "htm", "xhtml", "shtml", "svg", "svgz", "xml", "xsl", "js", "mjs"}

# Texts that browsers would sniff as HTML (WHATWG MIME sniffing), or that are XML (SVG, XHTML).
_MARKUP = re.compile(
    rb"<(!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p"
    rb"|!--|\?xml|svg|math|object|embed|meta|link|img|form)[\s>/]",
    re.IGNORECASE,
)
_OOXML_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx",
                "ppt/presentation.xml": "pptx"}
_ODF_TYPES = {"application/vnd.oasis.opendocument.text": "odt",
              "application/vnd.oasis.opendocument.spreadsheet": "ods",
              "application/vnd.oasis.opendocument.presentation": "odp"}


def max_upload_bytes() -> int:
    """The size limit from CULTIVATE_ATTACHMENT_MAX_MB (megabytes, fractions allowed)."""
    return int(float(settings.CULTIVATE_ATTACHMENT_MAX_MB) * MB)


def format_mb(size: int) -> str:
    value = size / MB
    if value >= 10:
        return f"{value:.0f}"
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def allowed_labels(allowed=DEFAULT_ALLOWED) -> str:
    """'PNG, JPEG, …': for help texts and refusals, in the order of KINDS."""
    return ", ".join(str(kind.label) for key, kind in KINDS.items() if key in allowed)


def accept_attribute(allowed=DEFAULT_ALLOWED) -> str:
    """The value of a file input's `accept`: the extensions of the allowed kinds."""
    return ",".join(f".{ext}" for key, kind in KINDS.items() if key in allowed
                    for ext in kind.extensions)


def too_large_message(size: int | None, max_bytes: int) -> str:
    if size is None:
        return _("The file is larger than the limit of %(limit)s MB.") % {
            "limit": format_mb(max_bytes)}
    return _("The file is %(size)s MB; the limit is %(limit)s MB.") % {
        "size": format_mb(size), "limit": format_mb(max_bytes)}


class TooLarge(ActionError):
    status = 413

    def __init__(self, message, *, fields: dict | None = None):
        super().__init__(message, code="too_large", fields=fields)


def _refuse(message: str, code: str = "invalid_file") -> ActionError:
    return ActionError(message, code=code, fields={"file": [message]})


def safe_name(name: str) -> str:
    """The file's own name, shortened and without paths, control or shell-special characters."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join("_" if unicodedata.category(ch).startswith("C") or ch in '"<>:*?|%;'
                   else ch for ch in name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:10] if dot and stem else ""
        name = name[: MAX_NAME - len(ext) - 1].rstrip(" .") + ("." + ext if ext else "")
    return name or "file"


def extension_of(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _read_head(uploaded_file) -> bytes:
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    uploaded_file.seek(0)
    return head


def _zip_kind(uploaded_file) -> str:
    """docx/xlsx/pptx/odt/ods/odp by the names inside the zip; 'zip' for any other archive."""
    try:
        uploaded_file.seek(0)
        with zipfile.ZipFile(uploaded_file) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                for part, key in _OOXML_PARTS.items():
                    if part in names:
                        info = archive.getinfo("[Content_Types].xml")
                        if info.file_size > MB:
                            return "zip"
                        types = archive.read("[Content_Types].xml")
                        return "office-macros" if b"macroEnabled" in types else key
                return "zip"
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    declared = archive.read("mimetype").decode("ascii", "replace").strip()
                    return _ODF_TYPES.get(declared, "zip")
            return "zip"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, RuntimeError,
            NotImplementedError, EOFError):
        return "zip"
    finally:
        uploaded_file.seek(0)


def _is_utf8_text(uploaded_file) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    uploaded_file.seek(0)
    try:
        for chunk in uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else [
                uploaded_file.read()]:
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        uploaded_file.seek(0)
    return True


def detect(uploaded_file) -> str | None:
    """What the content is: a key of KINDS, "text" (its name decides which text kind), a key
    of _FORBIDDEN_LABELS, another word for recognised binary types (their usual extension),
    or None when unrecognised."""
    head = _read_head(uploaded_file)
    guess = filetype.guess(head)
    if guess is not None and guess.mime in _FILETYPE_KINDS:
        return _FILETYPE_KINDS[guess.mime]
    if head[:4] == b"PK\x03\x04":  # Office, OpenDocument or any other zip
        return _zip_kind(uploaded_file)
    text_start = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if _MARKUP.match(text_start):
        if re.search(rb"<svg[\s>]", head, re.IGNORECASE):
            return "svg"
        is_xml = text_start[:5].lower() == b"<?xml"
        return "xml" if is_xml and not re.search(rb"<html[\s>]", head, re.IGNORECASE) else "html"
    # Some signatures are two letters ("BM", "MZ"): real binaries hold NUL or invalid UTF-8.
    if _is_utf8_text(uploaded_file):
        return "text"
    if guess is not None:
        return {"application/x-msdownload": "exe", "application/x-executable": "elf"}.get(
            guess.mime, guess.extension)
    return None


def _label(key: str | None) -> str:
    if key in KINDS:
        return str(KINDS[key].label)
    if key in _FORBIDDEN_LABELS:
        return str(_FORBIDDEN_LABELS[key])
    return key.upper() if key else _("an unknown type")


def check_upload(uploaded_file, *, allowed=DEFAULT_ALLOWED,
                 max_bytes: int | None = None) -> tuple[str, str]:
    """Accept the file or raise ActionError (TooLarge, 413, for size) with `fields["file"]`.

    Returns the content type sniffed from the content and a safe name whose extension agrees
    with it. Images of one allowed kind named as another (a WebP saved as .jpg) are renamed.
    """
    allowed = frozenset(allowed)
    max_bytes = max_upload_bytes() if max_bytes is None else max_bytes
    types = allowed_labels(allowed)
    if uploaded_file is None:
        raise _refuse(_("Choose a file to attach."), code="no_file")
    size = getattr(uploaded_file, "size", None)
    if size is None:
        uploaded_file.seek(0, 2)
        size = uploaded_file.tell()
        uploaded_file.seek(0)
    if size > max_bytes:
        message = too_large_message(size, max_bytes)
        raise TooLarge(message, fields={"file": [message]})
    if not size:
        raise _refuse(_("The file is empty."), code="empty_file")
    name = safe_name(getattr(uploaded_file, "name", ""))
    ext = extension_of(name)
    if ext in _MARKUP_EXTENSIONS:
        raise _refuse(_("Files of type .%(ext)s are never accepted: they could run scripts in a "
                        "browser. You can attach: %(types)s.") % {"ext": ext, "types": types},
                      code="type_not_allowed")
    # The kind the name claims, when it names one we know (another extension claims nothing:
    # "budget v1.2" or "notes.log" get the right extension added).
    claimed = next((key for key, kind in KINDS.items() if ext in kind.extensions), None)

    found = detect(uploaded_file)
    if found == "text":
        if claimed is not None and claimed not in TEXT:
            raise _refuse(_("The name says %(claimed)s, but the file is plain text. Rename it "
                            "or choose the right file.") % {"claimed": _label(claimed)},
                          code="disguised_file")
        found = claimed or "txt"
    if found not in allowed:
        raise _refuse(_refusal(found, claimed) + " " + _("You can attach: %(types)s.") % {
            "types": types}, code="disguised_file" if claimed not in (None, found)
            else "type_not_allowed")
    kind = KINDS[found]
    if claimed is None:
        name = f"{name}.{kind.extensions[0]}"
    elif claimed != found:
        if not (kind.image and KINDS[claimed].image):
            raise _refuse(_("The name says %(claimed)s, but the file is %(what)s. Rename it or "
                            "choose the right file.") % {"claimed": _label(claimed),
                                                         "what": kind.label},
                          code="disguised_file")
        name = f"{name.rpartition('.')[0]}.{kind.extensions[0]}"
    return kind.content_type, name


def _refusal(found: str | None, claimed: str | None) -> str:
    if found in ("html", "svg", "xml"):
        return _("This file is %(what)s, which is never accepted: it could run scripts in a "
                 "browser.") % {"what": _label(found)}
    if found is None:
        if claimed is not None:
            return _("The name says %(claimed)s, but the content is not a %(claimed)s file. "
                     "Only files recognised by their content are accepted.") % {
                "claimed": _label(claimed)}
        return _("This file's content is not of a type we recognise, so it is not accepted.")
    if claimed not in (None, found):
        return _("The name says %(claimed)s, but the file is %(what)s, which is not "
                 "accepted.") % {"claimed": _label(claimed), "what": _label(found)}
    return _("This file is %(what)s, which is not accepted.") % {"what": _label(found)}


def is_image(content_type: str) -> bool:
    return any(content_type == KINDS[key].content_type for key in IMAGES)


# Room for the form fields and multipart framing around the file itself.
MULTIPART_OVERHEAD = 64 * 1024

# Routes whose uploads have a limit of their own (the library's files, say): path pattern ->
# function giving the limit in bytes. Every other multipart body gets the attachment limit.
_ROUTE_LIMITS: dict[re.Pattern, Callable[[], int]] = {}


def register_upload_limit(pattern: re.Pattern, limit: Callable[[], int]) -> None:
    """Apps call this from AppConfig.ready() for the routes that take their files."""
    _ROUTE_LIMITS[pattern] = limit


def upload_limit_for(path: str) -> int:
    for pattern, limit in _ROUTE_LIMITS.items():
        if pattern.match(path):
            return limit()
    return max_upload_bytes()


class UploadSizeMiddleware:
    """Refuses a multipart body larger than the upload limit with 413, before anything reads
    it (Django counts only non-file data against DATA_UPLOAD_MAX_MEMORY_SIZE, so without this
    a file of any size would be streamed to a temporary file first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = upload_limit_for(request.path)
            if length > limit + MULTIPART_OVERHEAD:
                return self.too_large(request, limit)
        return self.get_response(request)

    @staticmethod
    def too_large(request, limit: int):
        message = too_large_message(None, limit)
        wants_json = request.path.startswith("/api/") or "json" in request.headers.get(
            "Accept", "")
        if wants_json:
            return JsonResponse({"error": {"code": "too_large", "message": message,
                                           "fields": {"file": [message]}}}, status=413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
