"""`cultivate restore PATH`: put an archive from `cultivate backup` back, checked, then migrate."""

from django.core.management.base import BaseCommand

from cultivate.core.restore import restore


class Command(BaseCommand):
    help = ("Restore an archive written by `cultivate backup` into this instance's database "
            "and MEDIA_ROOT after checking every checksum, then migrate. Refuses a database that "
            "already holds accounts unless --force. See docs/backups.md.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .tar.gz written by `cultivate backup`.")
        parser.add_argument("--force", action="store_true",
                            help="Replace the data of a database and MEDIA_ROOT that are not "
                                 "empty.")

    def handle(self, *args, path, force, **options):
        restore(path, force=force, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Restore complete."))
