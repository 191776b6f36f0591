"""What the library accepts: the attachment types, up to CULTIVATE_RESOURCE_MAX_MB."""

import re

from django.conf import settings

from cultivate.core import uploads

ALLOWED = uploads.DEFAULT_ALLOWED
# Pages and API routes that take a resource's file (add, edit): UploadSizeMiddleware refuses a
# multipart body over our limit (not the attachments' one) before reading it.
UPLOAD_PATHS = re.compile(r"^/(c|api/v1/communities)/[-\w]+/resources(/|$)")


def max_resource_bytes() -> int:
    """The size limit from CULTIVATE_RESOURCE_MAX_MB (megabytes, fractions allowed)."""
    return int(float(settings.CULTIVATE_RESOURCE_MAX_MB) * uploads.MB)


def describe() -> dict:
    """What the file field says and accepts."""
    return {"max_mb": uploads.format_mb(max_resource_bytes()), "max_bytes": max_resource_bytes(),
            "types": uploads.allowed_labels(ALLOWED), "accept": uploads.accept_attribute(ALLOWED)}
