"""`cultivate import-stackexchange DIR --community SLUG`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext
from tqdm import tqdm

from cultivate.communities.models import Community
from cultivate.conversations.import_base import recompute_figures_after_import
from cultivate.conversations.importing import do_import_stackexchange
from cultivate.conversations.management.importer_cli import import_actor
from cultivate.core.errors import ActionError, NotAllowed


class Command(BaseCommand):
    help = ("Import a Stack Exchange data dump into a community: Posts.xml is required; "
            "Users.xml, Comments.xml, Votes.xml and PostHistory.xml are used when present.")

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--community", required=True, help="the community's address (slug)")
        parser.add_argument("--site", help="source site name, e.g. history.meta.stackexchange.com"
                            " (default: the directory's name)")
        parser.add_argument("--as", dest="username",
                            help="who runs the import (default: the community's first convener)")

    def handle(self, *args, directory: Path, community: str, site, username, **options):
        found = Community.objects.filter(slug=community).first()
        if found is None:
            raise CommandError(f"No community at /c/{community}/.")
        actor = import_actor(found, username)
        show = options["verbosity"] > 0

        def progress(items, label):
            return tqdm(items, desc=label, unit="", disable=not show, file=self.stderr._out)

        try:
            report = do_import_stackexchange(actor=actor, community=found,
                                             directory=directory.resolve(),
                                             site=site or directory.resolve().name,
                                             progress=progress)
        except (ActionError, NotAllowed) as error:
            raise CommandError(str(error)) from error
        if report.changed:
            recompute_figures_after_import([found.pk])
        self.stdout.write(
            f"Imported {report.questions} questions, {report.answers} answers, "
            f"{report.comments} comments, {report.accepted} accepted answers, "
            f"{report.revisions} earlier versions, {report.helpful} up-votes as helpful marks; "
            f"{report.people} placeholder accounts, {report.members} new members."
            + ("" if report.changed else " Nothing was new."))
        if report.absent:
            self.stdout.write(gettext("What the dump lacked:"))
            for line in report.absent:
                self.stdout.write(f"  - {line}")
