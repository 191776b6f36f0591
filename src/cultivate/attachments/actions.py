"""Attaching files in a community. Views, the API and (later) the practice library call these."""

import hashlib

from django.db import transaction

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.attachments.models import Attachment
from cultivate.core.uploads import DEFAULT_ALLOWED, check_upload
from cultivate.policy import Can


def _sha256(uploaded_file) -> str:
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


@transaction.atomic
def do_upload_attachment(*, actor, community, uploaded_file,
                         allowed=DEFAULT_ALLOWED) -> Attachment:
    """Check the file by its content and store it under a random name. Members who may post
    in the community may attach; ActionError (or TooLarge, 413) says why a file is refused."""
    policy.check(policy.standing_of(actor, community), Can.REPLY, community)
    content_type, name = check_upload(uploaded_file, allowed=allowed)
    attachment = Attachment(community=community, uploader=actor, original_name=name,
                            content_type=content_type, size=uploaded_file.size,
                            sha256=_sha256(uploaded_file))
    attachment.file.save(name, uploaded_file, save=False)
    try:
        attachment.save()
        record_activity(actor=actor, verb=Verb.ATTACHMENT_UPLOADED, community=community,
                        target=attachment,
                        payload={"content_type": content_type, "size": attachment.size})
    except BaseException:
        attachment.file.delete(save=False)  # no row, no file
        raise
    return attachment
