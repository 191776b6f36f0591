"""`cultivate download-discourse URL --api-key KEY --api-username NAME --to FOLDER`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cultivate.conversations.discourse_download import DownloadError, download_discourse


class Command(BaseCommand):
    help = ("Download a Discourse forum through its JSON API into a folder, for "
            "`cultivate import-discourse`. Running it again continues where it stopped.")

    def add_arguments(self, parser):
        parser.add_argument("url", help="the forum's address, e.g. https://forum.example.org")
        parser.add_argument("--api-key", required=True,
                            help="an admin API key (Admin > API > New API key, all users)")
        parser.add_argument("--api-username", default="system",
                            help="the user the key acts as (default: system)")
        parser.add_argument("--to", dest="folder", required=True, type=Path,
                            help="the folder to save into (created if needed)")

    def handle(self, *args, url, api_key, api_username, folder: Path, **options):
        show = options["verbosity"] > 0

        def progress(items, label):
            return tqdm(items, desc=label, unit="", disable=not show, file=self.stderr._out)

        try:
            summary = download_discourse(url, api_key=api_key, api_username=api_username,
                                         folder=Path(folder).resolve(), progress=progress)
        except DownloadError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Saved {summary.pages} listing pages, {summary.topics} topics ({summary.posts} "
            f"posts in all), {summary.likes} likes lists, {summary.users} profiles and "
            f"{summary.uploads} uploads into {folder}; {summary.saved_before} files were "
            "already there.")
        for missing in summary.missing:
            self.stdout.write(f"Not available: {missing}")
