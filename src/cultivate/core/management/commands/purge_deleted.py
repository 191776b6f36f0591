"""`cultivate purge-deleted`: remove for good what was deleted before the restore window."""

from django.core.management.base import BaseCommand

from cultivate.core.retention import purge_deleted


class Command(BaseCommand):
    help = ("Remove for good the posts and resources deleted more than "
            "CULTIVATE_DELETED_RETENTION_DAYS ago (a post keeps an empty tombstone in its "
            "thread; a resource loses its row and stored file). `cultivate run` does this daily.")

    def handle(self, *args, **options):
        purged = purge_deleted()
        self.stdout.write(f"Removed for good: {purged['posts']} posts, "
                          f"{purged['resources']} resources.")
