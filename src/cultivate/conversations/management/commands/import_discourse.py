"""`cultivate import-discourse FOLDER (--community SLUG | --map CATEGORY=COMMUNITY …)`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cultivate.communities.models import Community
from cultivate.conversations.discourse_import import do_import_discourse
from cultivate.conversations.import_base import recompute_figures_after_import
from cultivate.conversations.management.importer_cli import import_actor
from cultivate.core.errors import ActionError, NotAllowed


class Command(BaseCommand):
    help = ("Import a Discourse forum from a folder `cultivate download-discourse` filled: "
            "every category into one community, or categories into communities with --map.")

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--community", help="import every category into this community")
        target.add_argument("--map", dest="mapping", action="append", default=[],
                            metavar="CATEGORY=COMMUNITY",
                            help="import a category (its slug, or parent/child) into a "
                                 "community; repeat for each; categories not mapped are "
                                 "skipped (subcategories follow their parent)")
        parser.add_argument("--as", dest="username",
                            help="who runs the import (default: the first convener of the "
                                 "first community)")

    def handle(self, *args, directory: Path, community, mapping, username, **options):
        category_map = self._mapping(mapping)
        slugs = [community] if community else list(category_map.values())
        found = Community.objects.filter(slug=slugs[0]).first()
        if found is None:
            raise CommandError(f"No community at /c/{slugs[0]}/.")
        actor = import_actor(found, username)
        show = options["verbosity"] > 0

        def progress(items, label):
            return tqdm(items, desc=label, unit="", disable=not show, file=self.stderr._out)

        try:
            report = do_import_discourse(actor=actor, directory=directory.resolve(),
                                         community=found if community else None,
                                         category_map=category_map, progress=progress)
        except (ActionError, NotAllowed) as error:
            raise CommandError(str(error)) from error
        if report.changed:
            recompute_figures_after_import(
                Community.objects.filter(slug__in=slugs).values_list("pk", flat=True))
        self.stdout.write(
            f"Imported {report.topics} topics, {report.posts} replies, {report.accepted} "
            f"accepted answers, {report.helpful} helpful marks ({report.helpful_counted} more "
            f"likes kept as counts), {report.attachments} attachments; {report.people} "
            f"placeholder accounts, {report.members} new members. Skipped "
            f"{report.skipped_whispers} whispers, {report.skipped_notices} notices, "
            f"{report.skipped_deleted} deleted posts, {report.skipped_unmapped} topics of "
            "categories not mapped." + ("" if report.changed else " Nothing was new."))
        if report.absent:
            self.stdout.write("What the download lacked:")
        for line in report.absent:
            self.stdout.write(f"  - {line}")

    @staticmethod
    def _mapping(pairs: list[str]) -> dict[str, str]:
        mapping = {}
        for pair in pairs:
            category, _, community = pair.partition("=")
            if not category.strip() or not community.strip():
                raise CommandError(f"--map wants CATEGORY=COMMUNITY, not {pair!r}.")
            mapping[category.strip()] = community.strip()
        return mapping
