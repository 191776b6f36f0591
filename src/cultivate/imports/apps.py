import re

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

START_PATH = re.compile(r"^/admin/imports/importjob/add/")


class ImportsConfig(AppConfig):
    """Platform admins start the importers (Stack Exchange, mail archives, Discourse) from the
    admin; each runs as a background task whose progress the job page shows."""

    name = "cultivate.imports"
    label = "imports"
    verbose_name = _("Imports")

    def ready(self):
        from cultivate.core.uploads import register_upload_limit
        from cultivate.imports.folder import max_upload_bytes

        # An archive is far larger than an attachment: the early 413 uses the import limit.
        register_upload_limit(START_PATH, max_upload_bytes)
