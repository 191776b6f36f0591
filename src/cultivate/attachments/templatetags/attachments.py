from django import template

from cultivate.core import uploads

register = template.Library()


@register.simple_tag
def attachment_limits() -> dict:
    """What the file input of a composer says and accepts."""
    return {"max_mb": uploads.format_mb(uploads.max_upload_bytes()),
            "max_bytes": uploads.max_upload_bytes(),
            "types": uploads.allowed_labels(), "accept": uploads.accept_attribute()}
