"""JSON routes for attachments over the same action as the composers."""

from datetime import datetime

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from cultivate import policy
from cultivate.attachments import actions
from cultivate.attachments.models import Attachment
from cultivate.attachments.views import describe
from cultivate.core.errors import NotAllowed
from cultivate.policy import Can

router = Router(tags=["attachments"])


class AttachmentCreated(Schema):
    id: int
    url: str
    name: str
    markdown: str


class Uploader(Schema):
    id: int
    username: str
    display_name: str


class AttachmentOut(AttachmentCreated):
    community: str
    content_type: str
    size: int
    sha256: str
    is_image: bool
    uploader: Uploader | None
    created_at: datetime


@router.post("/communities/{slug}/attachments", response={201: AttachmentCreated},
             summary="Attach an image or document (multipart field `file`)")
def upload_attachment(request: HttpRequest, slug: str, file: File[UploadedFile]):
    community, _standing = policy.access_community(request.user, slug, Can.REPLY)
    attachment = actions.do_upload_attachment(actor=request.user, community=community,
                                              uploaded_file=file)
    return Status(201, describe(attachment))


@router.get("/attachments/{attachment_id}", response=AttachmentOut,
            summary="An attachment's details (the file itself is at `url`)")
def attachment_detail(request: HttpRequest, attachment_id: int):
    attachment = (Attachment.objects.select_related("community", "uploader")
                  .filter(pk=attachment_id).first())
    if attachment is None or not policy.can(request.user, Can.READ, attachment.community):
        raise NotAllowed("no such attachment", hide=True)
    uploader = attachment.uploader
    return describe(attachment) | {
        "community": attachment.community.slug, "content_type": attachment.content_type,
        "size": attachment.size, "sha256": attachment.sha256, "is_image": attachment.is_image,
        "uploader": {"id": uploader.pk, "username": uploader.username,
                     "display_name": uploader.public_name} if uploader else None,
        "created_at": attachment.created_at}
