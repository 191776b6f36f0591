"""`cultivate import-mbox FILE_OR_DIR --community SLUG [--as USERNAME] [--list NAME]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cultivate.communities.models import Community
from cultivate.conversations.import_base import recompute_figures_after_import
from cultivate.conversations.management.importer_cli import import_actor
from cultivate.conversations.mbox_import import do_import_mbox
from cultivate.core.errors import ActionError, NotAllowed


class Command(BaseCommand):
    help = ("Import a mailing-list archive (an mbox file, a folder of mbox or pipermail .txt "
            "files, gzip'd or not, or a Maildir folder) into a community.")

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, metavar="FILE_OR_DIR")
        parser.add_argument("--community", required=True, help="the community's address (slug)")
        parser.add_argument("--list", dest="list_name", default="",
                            help="the list's name, kept in references (default: the archive's "
                                 "file or folder name); use the same name for every run")
        parser.add_argument("--as", dest="username",
                            help="who runs the import (default: the community's first convener)")

    def handle(self, *args, path: Path, community: str, list_name: str, username, **options):
        found = Community.objects.filter(slug=community).first()
        if found is None:
            raise CommandError(f"No community at /c/{community}/.")
        actor = import_actor(found, username)
        show = options["verbosity"] > 0

        def progress(items, label):
            return tqdm(items, desc=label, unit=" msg", disable=not show, file=self.stderr._out)

        try:
            report = do_import_mbox(actor=actor, community=found, path=path.resolve(),
                                    list_name=list_name, progress=progress)
        except (ActionError, NotAllowed) as error:
            raise CommandError(str(error)) from error
        if report.changed:
            recompute_figures_after_import([found.pk])
        lines = [
            f"Read {report.messages} messages: {report.topics} new topics, {report.replies} "
            f"new replies; {report.people} placeholder accounts, {report.members} new members; "
            f"{report.attachments} attachments kept, {report.attachments_refused} refused."
            + ("" if report.changed else " Nothing was new."),
            f"Skipped: {report.already_imported} already imported, {report.skipped_duplicate} "
            f"duplicates, {report.skipped_no_body} without a body.",
        ]
        lines += [f"Attachment refused: {line}" for line in report.refused]
        lines += [f"The archive lacked: {line}" for line in report.absent]
        self.stdout.write("\n".join(lines))
