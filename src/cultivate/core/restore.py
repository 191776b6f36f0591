"""`cultivate restore`: check an archive made by `cultivate backup` against its manifest, put
its database and files in place, then migrate. Refuses to overwrite an instance that already
holds data unless forced."""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections

from cultivate.core import backup

ARCHIVE_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error, UnicodeDecodeError)


def _unpack(archive: Path, folder: Path) -> dict:
    """Extract into `folder` (safely: no absolute paths, links or devices) and return the
    manifest once every file it lists matches its sha256 and nothing else is there."""
    if not archive.is_file():
        raise CommandError(f"No such archive: {archive}")
    try:
        with tarfile.open(archive, "r:gz") as opened:
            opened.extractall(folder, filter="data")
    except (tarfile.FilterError, *ARCHIVE_ERRORS) as error:
        raise CommandError(f"{archive} is not a readable Cultivate backup ({error}).") from None
    try:
        manifest = json.loads((folder / backup.MANIFEST).read_text())
        listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
        if lacking := {"engine", "database", "row_counts"} - set(manifest):
            raise KeyError(", ".join(sorted(lacking)))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CommandError(f"{archive} has no valid manifest.json ({error}).") from None
    if manifest.get("format") != backup.FORMAT:
        raise CommandError(f"This archive has format {manifest.get('format')}; this version of "
                           f"Cultivate reads format {backup.FORMAT}.")
    present = {path.relative_to(folder).as_posix() for path in folder.rglob("*")
               if path.is_file()} - {backup.MANIFEST}
    if missing := sorted(set(listed) - present):
        raise CommandError(f"The archive is incomplete; missing: {', '.join(missing[:5])}")
    if extra := sorted(present - set(listed)):
        raise CommandError(f"The archive holds files its manifest does not list: "
                           f"{', '.join(extra[:5])}")
    if damaged := sorted(name for name, digest in listed.items()
                         if backup.sha256_of(folder / name) != digest):
        raise CommandError(f"Checksums do not match; the archive is damaged: "
                           f"{', '.join(damaged[:5])}")
    if manifest["database"] not in listed:
        raise CommandError("The archive's manifest names no database file.")
    return manifest


def _holds_data() -> bool:
    """Whether the target database already has accounts (a freshly migrated one has none)."""
    try:
        if connection.vendor == "sqlite" and not Path(connection.settings_dict["NAME"]).exists():
            return False
        table = get_user_model()._meta.db_table
        if table not in connection.introspection.table_names():
            return False
        return get_user_model().objects.exists()
    except DatabaseError:
        return False
    finally:
        connections.close_all()


def _check_target(manifest: dict, force: bool) -> None:
    here = backup.engine()
    if manifest["engine"] != here:
        raise CommandError(f"This archive holds a {manifest['engine']} database and this instance "
                           f"runs on {here}. Set DATABASE_URL to a {manifest['engine']} database "
                           "to restore it.")
    if force:
        return
    if _holds_data():
        raise CommandError("The target database already holds accounts. Restore into an empty "
                           "database, or add --force to replace everything in it.")
    if backup.media_files(backup.local_media_root()):
        raise CommandError(f"{settings.MEDIA_ROOT} already holds files. Empty it, or add --force "
                           "to replace them.")


def _restore_sqlite(dump: Path) -> None:
    connections.close_all()
    target = Path(connection.settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    source, copy = sqlite3.connect(dump), sqlite3.connect(target)
    try:
        source.backup(copy)  # replaces every page of the target, whatever it held
        copy.execute("PRAGMA journal_mode=WAL")
    finally:
        copy.close()
        source.close()


def _restore_postgresql(dump: Path) -> None:
    # Past _check_target the tables there (if any) hold no accounts, or --force was given.
    clean = bool(connection.introspection.table_names())
    connections.close_all()
    command = [backup.pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
               "--single-transaction", f"--dbname={connection.settings_dict['NAME']}"]
    if clean:
        command += ["--clean", "--if-exists"]
    done = subprocess.run([*command, str(dump)], env=backup.pg_environment(),  # noqa: S603
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise CommandError(f"pg_restore failed; nothing was changed: {done.stderr.strip()}")


def _check_row_counts(manifest: dict) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            tables = backup.sqlite_tables(cursor)
        else:
            tables = connection.introspection.table_names(cursor)
        found = backup._inventory(cursor, [t for t in tables if t in manifest["row_counts"]])
    wrong = {table: (count, found["row_counts"].get(table))
             for table, count in manifest["row_counts"].items()
             if found["row_counts"].get(table) != count}
    if wrong:
        detail = ", ".join(f"{table}: {want} expected, {got} found"
                           for table, (want, got) in list(wrong.items())[:5])
        raise CommandError(f"The restored database does not match the manifest: {detail}")


def _restore_media(folder: Path, force: bool) -> int:
    root = backup.local_media_root()
    source = folder / backup.MEDIA_DIR
    files = backup.media_files(source)
    if root is None:
        return 0
    if force and root.is_dir():
        shutil.rmtree(root)
    for file in files:
        target = root / file.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, target)
        os.chmod(target, settings.FILE_UPLOAD_PERMISSIONS or 0o640)
    return len(files)


def _restore_secret_key(folder: Path, say) -> bool:
    """Take the archive's generated key: sessions and mailed links were signed with it. The
    target passed `_check_target`, so a key it holds signed nothing that matters."""
    kept = folder / backup.SECRET_KEY_FILE
    if not kept.is_file():
        return False
    if not settings.SECRET_KEY_GENERATED:
        say("Note: this instance takes SECRET_KEY from its environment, so the archive's key "
            f"({backup.SECRET_KEY_FILE} in the archive) was not installed. Set SECRET_KEY to it "
            "to keep sessions and mailed links valid.")
        return False
    target = backup.secret_key_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(kept, target)
    target.chmod(0o600)
    return True


def settings_differences(folder: Path) -> list[str]:
    saved = json.loads((folder / backup.SETTINGS_FILE).read_text())
    now = backup.instance_settings()
    return [f"{name}: {saved[name]!r} in the archive, {now.get(name)!r} here"
            for name in sorted(saved) if name in backup.INSTANCE_SETTINGS
            and str(saved[name]) != str(now.get(name))]


def restore(archive: str, *, force: bool = False, stdout=None) -> dict:
    say = stdout.write if stdout else (lambda text: None)
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=settings.DATA_DIR) as scratch:
        folder = Path(scratch)
        manifest = _unpack(Path(archive), folder)
        say(f"Archive checked: {len(manifest['files'])} files, Cultivate "
            f"{manifest.get('cultivate_version')}, made {manifest.get('created_at')}.")
        _check_target(manifest, force)
        dump = folder / manifest["database"]
        if manifest["engine"] == "sqlite":
            _restore_sqlite(dump)
        else:
            _restore_postgresql(dump)
        _check_row_counts(manifest)
        media = _restore_media(folder, force)
        key = _restore_secret_key(folder, say)
        if (folder / backup.SETTINGS_FILE).is_file():
            for difference in settings_differences(folder):
                say(f"Note, a setting differs: {difference}")
    call_command("migrate", interactive=False, verbosity=0)
    cache.clear()  # cached pages and counters belong to the instance that was replaced
    say(f"Restored the database ({sum(manifest['row_counts'].values())} rows), {media} "
        f"uploaded files{' and the secret key' if key else ''}; migrations applied.")
    return manifest
