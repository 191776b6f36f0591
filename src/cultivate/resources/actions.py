"""Adding, editing and deleting library resources, and curating the key resources.

Views and the API call these. Members who may post in a community (Can.REPLY) add resources;
whoever added one, and the community's stewards, edit and delete it; stewards (Can.CURATE)
choose the key resources shown on the community home.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cultivate import policy
from cultivate.activity.actions import Verb, record_activity
from cultivate.audit.actions import record_audit
from cultivate.communities.models import Community
from cultivate.conversations import search
from cultivate.core import content_languages as languages
from cultivate.core import retention
from cultivate.core.errors import ActionError, Conflict, NotAllowed, choose_one_of
from cultivate.core.models import tags_from_names
from cultivate.core.uploads import TooLarge, check_upload
from cultivate.history.revisions import record_revision
from cultivate.policy import Can
from cultivate.resources.limits import ALLOWED, max_resource_bytes
from cultivate.resources.models import (
    MAX_BODY,
    MAX_SUMMARY,
    MAX_TITLE,
    MAX_URL,
    KeyResource,
    Resource,
    ResourceForm,
    ResourceType,
)

MIN_TITLE = 3
MAX_TAGS = 10
MAX_KEY_RESOURCES = 12

_url_validator = URLValidator(schemes=["http", "https"])


def _text(value) -> str:
    # NUL cannot be stored by PostgreSQL and has no meaning in a text.
    return str(value or "").replace("\x00", "").strip()


def _sha256(uploaded_file) -> str:
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


class _Checked:
    """Cleaned values and the messages of the fields that were refused."""

    def __init__(self):
        self.values: dict = {}
        self.errors: dict[str, list[str]] = {}
        self.file_error: ActionError | None = None

    def refuse(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_errors(self) -> None:
        if not self.errors:
            return
        if self.file_error is not None and set(self.errors) == {"file"}:
            raise self.file_error  # its own code and status (413 for size)
        message = _("Please correct the marked fields.")
        if isinstance(self.file_error, TooLarge):
            raise TooLarge(message, fields=self.errors)
        raise ActionError(message, fields=self.errors)


def _check_common(checked: _Checked, *, title=None, summary=None, resource_type=None,
                  language=None, tags=None) -> None:
    """Each field given (not None) is cleaned into checked.values or refused."""
    if title is not None:
        title = _text(title)
        if not MIN_TITLE <= len(title) <= MAX_TITLE:
            checked.refuse("title", _("Write a title of %(min)d to %(max)d characters.") % {
                "min": MIN_TITLE, "max": MAX_TITLE})
        checked.values["title"] = title
    if summary is not None:
        summary = _text(summary)
        if not summary:
            checked.refuse("summary", _("Say in a few words what the resource is and who it "
                                        "helps."))
        elif len(summary) > MAX_SUMMARY:
            checked.refuse("summary", _("Keep the summary under %(max)d characters.") % {
                "max": MAX_SUMMARY})
        checked.values["summary"] = summary
    if resource_type is not None:
        resource_type = _text(resource_type)
        if resource_type not in ResourceType.values:
            checked.refuse("resource_type", choose_one_of(ResourceType.values))
        checked.values["resource_type"] = resource_type
    if language is not None:
        language = _text(language).lower()
        if language not in languages.CODES:
            checked.refuse("language", _("Choose a language by its two-letter ISO 639-1 code, "
                                         "such as en, fr or es."))
        checked.values["language"] = language
    if tags is not None:
        if isinstance(tags, str):
            tags = [tags]
        tags = [_text(tag) for tag in tags if _text(tag)]
        if len(tags) > MAX_TAGS:
            checked.refuse("tags", _("Use at most %(max)d tags.") % {"max": MAX_TAGS})
        checked.values["tags"] = tags


def _check_url(checked: _Checked, url) -> None:
    url = _text(url)
    if not url:
        checked.refuse("url", _("Give the address of the resource."))
    elif len(url) > MAX_URL:
        checked.refuse("url", _("Keep the address under %(max)d characters.") % {"max": MAX_URL})
    else:
        try:
            _url_validator(url)
        except ValidationError:
            checked.refuse("url", _("Give a web address that starts with http:// or https://."))
    checked.values["url"] = url


def _check_body(checked: _Checked, body) -> None:
    body = _text(body)
    if not body:
        checked.refuse("body", _("Write the guide first."))
    elif len(body) > MAX_BODY:
        checked.refuse("body", _("Keep the guide under %(max)d characters.") % {"max": MAX_BODY})
    checked.values["body"] = body


def _check_file(checked: _Checked, uploaded_file) -> None:
    if uploaded_file is None:
        checked.refuse("file", _("Choose the file to add."))
        return
    try:
        content_type, name = check_upload(uploaded_file, allowed=ALLOWED,
                                          max_bytes=max_resource_bytes())
    except ActionError as refused:
        checked.file_error = refused
        for message in refused.fields.get("file", [refused.message]):
            checked.refuse("file", message)
        return
    checked.values["file"] = (uploaded_file, content_type, name)


def _store_file(resource: Resource, checked_file) -> None:
    uploaded_file, content_type, name = checked_file
    resource.original_name, resource.content_type = name, content_type
    resource.size, resource.sha256 = uploaded_file.size, _sha256(uploaded_file)
    resource.file.save(name, uploaded_file, save=False)


@transaction.atomic
def do_add_resource(*, actor, community, form: str, title: str, summary: str,
                    resource_type: str = ResourceType.OTHER, language: str, tags=(),
                    url: str = "", body: str = "", uploaded_file=None) -> Resource:
    """Add a link (`url`), a file (`uploaded_file`, checked by its content) or a written guide
    (`body`, Markdown) to the library. Fields of the other forms are ignored."""
    policy.check(policy.standing_of(actor, community), Can.REPLY, community)
    checked = _Checked()
    _check_common(checked, title=title, summary=summary, resource_type=resource_type,
                  language=language, tags=tags)
    if form == ResourceForm.LINK:
        _check_url(checked, url)
    elif form == ResourceForm.GUIDE:
        _check_body(checked, body)
    elif form == ResourceForm.FILE:
        _check_file(checked, uploaded_file)
    else:
        checked.refuse("form", choose_one_of(ResourceForm.values))
    checked.raise_errors()
    values = checked.values
    now = timezone.now()
    resource = Resource(community=community, added_by=actor, form=form, title=values["title"],
                        summary=values["summary"], resource_type=values["resource_type"],
                        language=values["language"], url=values.get("url", ""),
                        body=values.get("body", ""), created_at=now, updated_at=now)
    if form == ResourceForm.FILE:
        _store_file(resource, values["file"])
    try:
        resource.save()
        resource.tags.set(tags_from_names(values["tags"]))
        index_resource(resource)
        record_activity(actor=actor, verb=Verb.RESOURCE_ADDED, community=community,
                        target=resource, payload=_payload(resource), occurred_at=now)
    except BaseException:
        if resource.file:
            resource.file.delete(save=False)  # no row, no file
        raise
    return resource


def _payload(resource: Resource) -> dict:
    payload = {"form": resource.form, "type": resource.resource_type}
    if resource.form == ResourceForm.FILE:
        payload |= {"content_type": resource.content_type, "size": resource.size}
    return payload


def _check_may_change(actor, resource: Resource) -> None:
    community = resource.community
    standing = policy.standing_of(actor, community)
    policy.check(standing, Can.READ, community)
    if not policy.may_change_resource(actor, standing, resource):
        raise NotAllowed("only whoever added a resource, or a steward, changes it")


def _wrong_form(checked: _Checked, field: str, form: str) -> None:
    checked.refuse(field, _("A resource of the form “%(form)s” has no such field.") % {
        "form": ResourceForm(form).label})


@transaction.atomic
def do_edit_resource(*, actor, resource: Resource, title=None, summary=None,
                     resource_type=None, language=None, tags=None, url=None, body=None,
                     uploaded_file=None) -> Resource:
    """Change what is given (None: unchanged). A link's address, a guide's text, or a file
    (replaced by a new one, checked like the first); the form itself stays."""
    _check_may_change(actor, resource)
    resource = (Resource.objects.select_for_update().select_related("community")
                .get(pk=resource.pk))
    if resource.deleted_at is not None:
        raise Conflict(_("A deleted resource cannot be edited."), code="resource_deleted")
    checked = _Checked()
    _check_common(checked, title=title, summary=summary, resource_type=resource_type,
                  language=language, tags=tags)
    for field, value, form, check in (("url", url, ResourceForm.LINK, _check_url),
                                      ("body", body, ResourceForm.GUIDE, _check_body),
                                      ("file", uploaded_file, ResourceForm.FILE, _check_file)):
        if value is None:
            continue
        if resource.form == form:
            check(checked, value)
        else:
            _wrong_form(checked, field, resource.form)
    checked.raise_errors()
    values = checked.values
    changed = [name for name in ("title", "summary", "resource_type", "language", "url", "body")
               if name in values and values[name] != getattr(resource, name)]
    record_revision(resource, fields=changed, actor=actor)
    for name in changed:
        setattr(resource, name, values[name])
    new_tags = tags_from_names(values["tags"]) if "tags" in values else None
    tags_changed = new_tags is not None and (
        {tag.slug for tag in new_tags} != set(resource.tags.values_list("slug", flat=True)))
    old_file = resource.file.name if "file" in values else None
    if "file" in values:
        _store_file(resource, values["file"])
        changed.append("file")
    if tags_changed:
        changed.append("tags")
    if not changed:
        return resource
    resource.edited_at = resource.updated_at = timezone.now()
    try:
        resource.save()
        if tags_changed:
            resource.tags.set(new_tags)
        index_resource(resource)
        record_activity(actor=actor, verb=Verb.RESOURCE_EDITED, community=resource.community,
                        target=resource, payload={"fields": changed})
        if resource.added_by_id != actor.pk:  # a steward changed someone's resource
            record_audit(actor=actor, verb=Verb.RESOURCE_EDITED, target=resource,
                         community=resource.community, details={"fields": changed})
    except BaseException:
        if old_file is not None:
            resource.file.delete(save=False)  # the new file; the old one stays in use
        raise
    if old_file:
        storage = resource.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return resource


def index_resource(resource: Resource) -> None:
    """Findable by the search wherever the library is readable (its community)."""
    title, body = resource.search_document()
    search.index_document("resource", resource.pk, title=title, body=body,
                          url=resource.get_absolute_url(), community_ids=[resource.community_id],
                          language=resource.language)


@transaction.atomic
def do_delete_resource(*, actor, resource: Resource) -> Resource:
    """Soft delete: gone from the library and the home; whoever deleted it (or a steward) can
    restore it within the retention window, and its file stays in storage until the purge."""
    _check_may_change(actor, resource)
    if resource.deleted_at is None:
        resource.deleted_at, resource.deleted_by = timezone.now(), actor
        resource.save(update_fields=["deleted_at", "deleted_by"])
        KeyResource.objects.filter(resource=resource).delete()
        search.remove_document("resource", resource.pk)
        record_activity(actor=actor, verb=Verb.RESOURCE_DELETED, community=resource.community,
                        target=resource)
        record_audit(actor=actor, verb=Verb.RESOURCE_DELETED, target=resource,
                     community=resource.community)
    return resource


@transaction.atomic
def do_restore_resource(*, actor, resource: Resource) -> Resource:
    """Undo a deletion: stewards any, a member what they deleted themselves, until the
    retention window ends (core.retention)."""
    community = resource.community
    standing = policy.standing_of(actor, community)
    policy.check(standing, Can.READ, community)
    if not policy.may_restore_deleted(actor, standing, community, resource.deleted_by_id):
        raise NotAllowed("only whoever deleted a resource, or a steward, restores it")
    if resource.deleted_at is not None:
        retention.check_restorable(resource.deleted_at)
        resource.deleted_at, resource.deleted_by = None, None
        resource.save(update_fields=["deleted_at", "deleted_by"])
        index_resource(resource)
        record_activity(actor=actor, verb=Verb.RESOURCE_RESTORED, community=community,
                        target=resource)
    return resource


@transaction.atomic
def do_purge_deleted_resources(*, now=None) -> int:
    """Remove for good the resources deleted before the retention window: the row, and the
    stored file once the transaction commits (the daily purge; the rule acts, so no actor)."""
    now = now or timezone.now()
    due = list(Resource.objects.filter(deleted_at__lt=retention.purge_cutoff(now))
               .select_related("community"))
    files = [(resource.file.storage, resource.file.name) for resource in due if resource.file]
    for resource in due:
        record_activity(actor=None, verb=Verb.RESOURCE_PURGED, community=resource.community,
                        target=resource, occurred_at=now,
                        payload={"deleted_at": resource.deleted_at.isoformat(),
                                 "deleted_by": resource.deleted_by_id, "form": resource.form})
    Resource.objects.filter(pk__in=[resource.pk for resource in due]).delete()

    def delete_files():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return len(due)


# --- key resources ---

def key_resource_ids(community) -> list[int]:
    return list(KeyResource.objects.filter(community=community).order_by("position", "id")
                .values_list("resource_id", flat=True))


def _set_key_resources(actor, community, ids, *, change: str) -> list[int]:
    policy.check(policy.standing_of(actor, community), Can.CURATE, community)
    Community.objects.select_for_update().filter(pk=community.pk).first()  # one curator at once
    if not isinstance(ids, list | tuple) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ActionError(_("Give the key resources as a list of resource ids."),
                          fields={"ids": [_("A list of numbers.")]})
    ids = list(ids)
    errors = []
    if len(set(ids)) != len(ids):
        errors.append(_("Each resource can be key only once."))
    if len(ids) > MAX_KEY_RESOURCES:
        errors.append(_("Choose at most %(max)d key resources.") % {"max": MAX_KEY_RESOURCES})
    found = set(Resource.objects.filter(community=community, pk__in=ids, deleted_at__isnull=True)
                .values_list("pk", flat=True))
    if missing := [str(i) for i in ids if i not in found]:
        errors.append(_("Not a resource of this community: %(ids)s.") % {
            "ids": ", ".join(missing)})
    if errors:
        raise ActionError(_("Please correct the key resources."), fields={"ids": errors})
    current = key_resource_ids(community)
    if ids == current:
        return ids
    KeyResource.objects.filter(community=community).delete()
    KeyResource.objects.bulk_create([
        KeyResource(community=community, resource_id=resource_id, position=position,
                    added_by=actor) for position, resource_id in enumerate(ids)])
    record_activity(actor=actor, verb=Verb.KEY_RESOURCES_CURATED, community=community,
                    payload={"change": change, "ids": ids})
    return ids


@transaction.atomic
def do_set_key_resources(*, actor, community, resource_ids) -> list[int]:
    """Replace the key resources with these resources of the community, in this order."""
    return _set_key_resources(actor, community, resource_ids, change="set")


@transaction.atomic
def do_add_key_resource(*, actor, resource: Resource) -> list[int]:
    """Put a resource at the end of the key resources (nothing changes if it is there)."""
    ids = key_resource_ids(resource.community)
    if resource.pk in ids:
        return ids
    return _set_key_resources(actor, resource.community, [*ids, resource.pk], change="added")


@transaction.atomic
def do_remove_key_resource(*, actor, resource: Resource) -> list[int]:
    ids = key_resource_ids(resource.community)
    return _set_key_resources(actor, resource.community,
                              [i for i in ids if i != resource.pk], change="removed")


@transaction.atomic
def do_move_key_resource(*, actor, resource: Resource, offset: int) -> list[int]:
    """Move a key resource up (offset -1) or down (+1); at either end it stays."""
    ids = key_resource_ids(resource.community)
    if resource.pk not in ids:
        policy.check(policy.standing_of(actor, resource.community), Can.CURATE,
                     resource.community)
        raise ActionError(_("This resource is not a key resource."), code="not_key")
    index = ids.index(resource.pk)
    target = min(max(index + offset, 0), len(ids) - 1)
    ids.insert(target, ids.pop(index))
    return _set_key_resources(actor, resource.community, ids, change="moved")
