"""Shared by the bench scripts: point Django at the landscape's database before setup."""

import os
from pathlib import Path


def setup_django(database_url: str | None, data_dir: str | None, *,
                 for_pages: bool = False) -> None:
    # Settings read the environment at import time, so set it before django.setup().
    os.environ["DJANGO_SETTINGS_MODULE"] = "cultivate.settings"
    if for_pages:  # render as production does: no DEBUG, no collectstatic needed
        os.environ.pop("DEBUG", None)
        os.environ["STATICFILES_BACKEND"] = (
            "django.contrib.staticfiles.storage.StaticFilesStorage")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    if data_dir:
        os.environ["CULTIVATE_DATA_DIR"] = str(Path(data_dir).resolve())
    import django

    django.setup()
