"""`cultivate backup`: one .tar.gz holding the database, the uploaded files and the instance's
settings that matter, with a manifest that lets `cultivate restore` check every byte.

Layout of an archive:
  manifest.json            format, version, engine, migrations, row counts, every file's sha256
  database.sqlite3         SQLite: a consistent copy made through SQLite's backup API
  database.pgdump          PostgreSQL: `pg_dump --format=custom` of one snapshot
  instance/settings.json   the non-secret settings a restored instance should match
  instance/secret_key      the generated key under DATA_DIR, when there is one
  media/...                every file under MEDIA_ROOT (attachments, resources, avatars)
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PGDUMP_FILE = "database.pgdump"
SETTINGS_FILE = "instance/settings.json"
SECRET_KEY_FILE = "instance/secret_key"  # noqa: S105 - a path in the archive
MEDIA_DIR = "media"
# Settings worth comparing after a restore; none of them is a secret.
INSTANCE_SETTINGS = ("SITE_URL", "DEFAULT_FROM_EMAIL", "TIME_ZONE", "LANGUAGE_CODE",
                     "MEDIA_ROOT", "DATA_DIR")


def cultivate_version() -> str:
    try:
        return version("cultivate")
    except PackageNotFoundError:  # running from a checkout that is not installed
        return "unknown"


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise CommandError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def secret_key_path() -> Path:
    return Path(settings.DATA_DIR) / "secret_key"


def local_media_root() -> Path | None:
    """MEDIA_ROOT when uploads live on local disk; None for object storage (S3), which the
    archive cannot hold: back the bucket up with its own tools (see docs/backups.md)."""
    backend = settings.STORAGES["default"]["BACKEND"]
    if backend != "django.core.files.storage.FileSystemStorage":
        return None
    return Path(settings.MEDIA_ROOT)


def media_files(root: Path | None) -> list[Path]:
    if root is None or not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def instance_settings() -> dict:
    values = {name: str(getattr(settings, name, "")) for name in INSTANCE_SETTINGS}
    values |= {name: getattr(settings, name) for name in dir(settings)
               if name.startswith("CULTIVATE_")}
    values["DATABASE_ENGINE"] = engine()
    values["STORAGE"] = settings.STORAGES["default"]["BACKEND"]
    return values


# --- the database ---------------------------------------------------------------------------

def _inventory(cursor, tables) -> dict:
    """Row counts per table and the applied migrations, read through one cursor (so from one
    consistent state)."""
    counts = {}
    for table in sorted(tables):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    migrations = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return {"row_counts": counts, "migrations": migrations}


def sqlite_tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                   "AND name NOT LIKE 'sqlite_%'")
    return [row[0] for row in cursor.fetchall()]


def _dump_sqlite(folder: Path) -> tuple[str, dict]:
    """Copy through the backup API: a consistent image even while the server writes (a file
    copy of a WAL database can miss what is still in the -wal file)."""
    target = folder / SQLITE_FILE
    source = sqlite3.connect(connection.settings_dict["NAME"])
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        inventory = _inventory(copy.cursor(), sqlite_tables(copy.cursor()))
    finally:
        copy.close()
        source.close()
    return SQLITE_FILE, inventory


def pg_environment() -> dict:
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise CommandError(
            f"{name} is not on PATH. Install the PostgreSQL client tools of your server's major "
            "version (Debian: apt install postgresql-client) and run the command again.")
    return found


def _dump_postgresql(folder: Path) -> tuple[str, dict]:
    """pg_dump in custom format, from the same snapshot the row counts are read in."""
    pg_dump = pg_tool("pg_dump")
    target = folder / PGDUMP_FILE
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        inventory = _inventory(cursor, connection.introspection.table_names(cursor))
        done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges",
             f"--snapshot={snapshot}", f"--file={target}"],
            env=pg_environment(), capture_output=True, text=True)
    if done.returncode != 0:
        raise CommandError(f"pg_dump failed: {done.stderr.strip()}")
    return PGDUMP_FILE, inventory


# --- the archive ----------------------------------------------------------------------------

def default_path() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Path(settings.DATA_DIR) / "backups" / f"cultivate-{stamp}.tar.gz"


def archive_path(path: str | None) -> Path:
    if not path:
        return default_path()
    chosen = Path(path)
    if chosen.is_dir():
        return chosen / default_path().name
    return chosen


def make_backup(path: str | None = None) -> tuple[Path, dict]:
    """Write the archive (to a .partial file renamed at the end, so a failure leaves no
    half archive behind) and return its path and manifest."""
    target = archive_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    kind = engine()
    media_root = local_media_root()
    # Scratch space beside the data, not /tmp: often a small RAM disk, and the copy is big.
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=settings.DATA_DIR) as scratch:
        folder = Path(scratch)
        dump = _dump_sqlite if kind == "sqlite" else _dump_postgresql
        database_name, inventory = dump(folder)
        members = {database_name: folder / database_name}
        settings_file = folder / "settings.json"
        settings_file.write_text(json.dumps(instance_settings(), indent=2, default=str))
        members[SETTINGS_FILE] = settings_file
        if secret_key_path().is_file():
            members[SECRET_KEY_FILE] = secret_key_path()
        for file in media_files(media_root):
            members[f"{MEDIA_DIR}/{file.relative_to(media_root).as_posix()}"] = file
        manifest = {
            "format": FORMAT,
            "cultivate_version": cultivate_version(),
            "created_at": datetime.now(UTC).isoformat(),
            "engine": kind,
            "database": database_name,
            "media": "local" if media_root is not None else "object storage (not included)",
            **inventory,
            "files": [{"path": name, "size": file.stat().st_size, "sha256": sha256_of(file)}
                      for name, file in members.items()],
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = target.with_name(target.name + ".partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(folder / MANIFEST, arcname=MANIFEST)
                for name, file in members.items():
                    archive.add(file, arcname=name, recursive=False)
            partial.chmod(0o600)  # it holds every member's data and the secret key
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    return target, manifest
