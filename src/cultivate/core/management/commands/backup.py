"""`cultivate backup [PATH]`: the database, uploaded files and instance settings in one archive."""

from django.core.management.base import BaseCommand

from cultivate.core.backup import make_backup


class Command(BaseCommand):
    help = ("Write one .tar.gz with the database (SQLite backup API or pg_dump), the uploaded "
            "files, the instance's settings and a manifest of checksums. PATH is a file or a "
            "folder (default: DATA_DIR/backups/). See docs/backups.md.")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Archive file or folder to write into.")

    def handle(self, *args, path=None, **options):
        written, manifest = make_backup(path)
        rows = sum(manifest["row_counts"].values())
        media = sum(1 for entry in manifest["files"] if entry["path"].startswith("media/"))
        self.stdout.write(self.style.SUCCESS(
            f"Backup written to {written}: {manifest['engine']} database ({rows} rows in "
            f"{len(manifest['row_counts'])} tables), {media} uploaded files."))
