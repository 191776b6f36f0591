"""The import folder on the server: the only place imports read from. Paths an admin types must
resolve inside it (symbolic links included), and uploads are unpacked into it with checks
against entries that climb out of it (zip-slip) and archives that explode (zip bombs)."""

import gzip
import secrets
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cultivate.core.errors import ActionError

MB = 1024 * 1024
CHUNK = MB
UPLOAD_SUFFIXES = (".zip", ".mbox", ".mbx", ".gz")
MAX_RATIO = 200  # a member this much larger than its compressed size is a bomb, not a dump
RATIO_FLOOR = 10 * MB  # small members may compress well (XML of empty rows)


def import_root() -> Path:
    """DATA_DIR/imports unless CULTIVATE_IMPORT_DIR says otherwise; made when first needed."""
    root = Path(getattr(settings, "CULTIVATE_IMPORT_DIR", "") or settings.DATA_DIR / "imports")
    root.mkdir(parents=True, exist_ok=True)
    return root.resolve()


def max_upload_bytes() -> int:
    return int(float(getattr(settings, "CULTIVATE_IMPORT_UPLOAD_MAX_MB", 2048)) * MB)


def max_unpacked_bytes() -> int:
    return int(float(getattr(settings, "CULTIVATE_IMPORT_UNPACKED_MAX_MB", 20480)) * MB)


def max_files() -> int:
    return int(getattr(settings, "CULTIVATE_IMPORT_MAX_FILES", 200_000))


def resolve_source(text: str) -> Path:
    """The file or folder an admin named, relative to the import folder or in full."""
    root = import_root()
    raw = (text or "").strip()
    if not raw or "\x00" in raw:
        raise ActionError(_("Name a file or folder inside the import folder."), code="no_source")
    found = (root / raw).resolve()
    if found == root or not found.is_relative_to(root):
        raise ActionError(
            _("Only files and folders inside the import folder (%(root)s) can be imported.")
            % {"root": root}, code="outside_import_folder")
    if not found.exists():
        raise ActionError(_("There is nothing at %(path)s in the import folder.")
                          % {"path": found.relative_to(root)}, code="source_missing")
    return found


def relative(path: Path) -> str:
    return str(path.relative_to(import_root()))


def receive_upload(upload) -> Path:
    """Put an uploaded .zip (unpacked), .mbox or .gz (decompressed) into a new folder under
    uploads/ and return what to import: the folder, or the one file or folder it holds."""
    name = upload.name or ""
    suffix = Path(name.lower()).suffix
    if suffix not in UPLOAD_SUFFIXES:
        raise ActionError(_("Upload a .zip of a dump or folder, or an .mbox or .gz file."),
                          code="upload_kind")
    if upload.size > max_upload_bytes():
        raise ActionError(_("The file is larger than %(mb)s MB.")
                          % {"mb": max_upload_bytes() // MB}, code="too_large")
    stem = slugify(Path(name).stem)[:60] or "upload"
    target = (import_root() / "uploads"
              / f"{timezone.now():%Y%m%d-%H%M%S}-{stem}-{secrets.token_hex(3)}")
    target.mkdir(parents=True)
    try:
        if suffix == ".zip":
            unpack_zip(upload, target)
        elif suffix == ".gz":
            _gunzip(upload, target / (slugify(Path(Path(name).stem).stem)[:60] + ".mbox"))
        else:
            _copy(upload.chunks(), target / f"{stem}{suffix}", max_unpacked_bytes())
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # nothing half-unpacked stays behind
        raise
    return _content_of(target)


def unpack_zip(upload, target: Path) -> None:
    try:
        upload.seek(0)
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError) as error:
        raise ActionError(_("This is not a zip file we can read."), code="bad_zip") from error
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        _check_members(members, target)
        budget = max_unpacked_bytes()
        for info in members:
            destination = target / _safe_name(info.filename)
            destination.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as source:
                    budget -= _copy(iter(lambda s=source: s.read(CHUNK), b""), destination,
                                    budget)
            except (zipfile.BadZipFile, OSError, EOFError) as error:  # includes a bad CRC
                raise ActionError(_("The zip file is damaged (%(name)s).")
                                  % {"name": info.filename}, code="bad_zip") from error


def _check_members(members: list[zipfile.ZipInfo], target: Path) -> None:
    if not members:
        raise ActionError(_("The zip file is empty."), code="bad_zip")
    if len(members) > max_files():
        raise ActionError(_("The zip file holds more than %(count)s files.")
                          % {"count": max_files()}, code="bad_zip")
    declared = 0
    for info in members:
        _safe_name(info.filename)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ActionError(_("The zip file holds a symbolic link (%(name)s); links are "
                                "refused.") % {"name": info.filename}, code="bad_zip")
        if info.flag_bits & 0x1:
            raise ActionError(_("The zip file is encrypted."), code="bad_zip")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1):
            raise ActionError(_("The zip file looks like a zip bomb: %(name)s would grow "
                                "%(ratio)s times.") % {
                "name": info.filename, "ratio": info.file_size // max(info.compress_size, 1)},
                code="zip_bomb")
        declared += info.file_size
    if declared > max_unpacked_bytes():
        raise ActionError(_("Unpacked, the zip file would take more than %(mb)s MB.")
                          % {"mb": max_unpacked_bytes() // MB}, code="zip_bomb")


def _safe_name(name: str) -> PurePosixPath:
    """A member's name as a relative path that stays inside the folder, or a refusal."""
    path = PurePosixPath(name.replace("\\", "/"))
    if (path.is_absolute() or not path.parts or ".." in path.parts
            or ":" in path.parts[0] or "\x00" in name):
        raise ActionError(_("The zip file holds an entry that points outside its folder "
                            "(%(name)s); it was refused.") % {"name": name}, code="zip_slip")
    return path


def _gunzip(upload, destination: Path) -> None:
    try:
        upload.seek(0)
        with gzip.GzipFile(fileobj=upload, mode="rb") as source:
            _copy(iter(lambda: source.read(CHUNK), b""), destination, max_unpacked_bytes())
    except (gzip.BadGzipFile, EOFError, OSError) as error:
        raise ActionError(_("This is not a gzip file we can read."), code="bad_gzip") from error


def _copy(chunks, destination: Path, budget: int) -> int:
    """Write chunks to a new file, counting real bytes (headers can lie); returns the size."""
    written = 0
    with destination.open("xb") as out:
        for chunk in chunks:
            written += len(chunk)
            if written > budget:
                raise ActionError(_("Unpacked, the upload would take more than %(mb)s MB.")
                                  % {"mb": max_unpacked_bytes() // MB}, code="zip_bomb")
            out.write(chunk)
    return written


def _content_of(folder: Path) -> Path:
    """Look through folders that only wrap another (a zip of `dump/` holds `dump/...`)."""
    found = folder
    while len(entries := visible_entries(found)) == 1 and entries[0].is_dir():
        found = entries[0]
    return found


def visible_entries(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [entry for entry in folder.iterdir()
            if not entry.name.startswith(".") and entry.name != "__MACOSX"]
