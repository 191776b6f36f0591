"""JSON routes of the library over the same actions and queries as the pages."""

import json
from datetime import datetime

import pydantic
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import ValidationError
from pydantic import ConfigDict, Field

from cultivate import policy
from cultivate.core import content_languages as languages
from cultivate.core.errors import ActionError, choose_one_of
from cultivate.core.models import parse_tag_list
from cultivate.core.page_cache import community_scope
from cultivate.core.paging import page_of
from cultivate.policy import Can
from cultivate.resources import actions, queries
from cultivate.resources.models import ResourceForm, ResourceType
from cultivate.resources.views import file_response

router = Router(tags=["resources"])


class AddedBy(Schema):
    id: int
    username: str
    display_name: str


class FileOut(Schema):
    name: str
    url: str = Field(description="The file, for readers of the community (browser session); "
                                 "token callers use `.../resources/{id}/file`.")
    content_type: str = Field(description="Sniffed from the content.")
    size: int
    sha256: str
    is_image: bool


class ResourceSummary(Schema):
    id: int
    community: str
    title: str
    summary: str
    summary_html: str
    form: str = Field(description="link, file or guide")
    type: str
    language: str = Field(description="ISO 639-1 code")
    tags: list[str]
    url: str = Field(description="A link's address ('' for files and guides).")
    file: FileOut | None
    added_by: AddedBy | None
    created_at: datetime
    updated_at: datetime
    edited_at: datetime | None
    html_url: str = Field(description="The resource's page.")


class ResourceDetail(ResourceSummary):
    body: str = Field(description="A guide's Markdown ('' for links and files).")
    body_html: str
    is_key: bool
    deleted: bool
    restorable_until: datetime | None = Field(
        None, description="A deleted resource can be restored until then, then it is removed "
                          "for good with its file.")


class ResourcePage(Schema):
    items: list[ResourceSummary]
    count: int
    page: int
    pages: int


class ResourceQuery(Schema):
    q: str = Field("", description="Words in the title, summary, guide or file name.")
    type: str = ""
    language: str = ""
    tag: str = Field("", description="A tag's slug.")
    form: str = ""
    page: int = 1


class ResourceIn(Schema):
    """A new resource: JSON for a link or a guide; multipart/form-data with `file` for a file
    (tags then as a comma-separated text or repeated fields)."""

    model_config = ConfigDict(extra="forbid")

    form: str = Field(description="link, file or guide")
    title: str
    summary: str = Field(description="Markdown, a few sentences.")
    type: str = Field(ResourceType.OTHER.value, description=", ".join(ResourceType.values))
    language: str = Field(description="ISO 639-1 code, such as en, fr or es.")
    tags: list[str] = Field(default_factory=list)
    url: str = Field("", description="For a link: its http(s) address.")
    body: str = Field("", description="For a guide: its text in Markdown.")


class ResourceChange(Schema):
    """What to change; left out: unchanged. A file is replaced on the page, not here."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    summary: str | None = None
    type: str | None = None
    language: str | None = None
    tags: list[str] | None = None
    url: str | None = Field(None, description="Links only.")
    body: str | None = Field(None, description="Guides only.")


class KeyResourcesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    ids: list[int] = Field(description="Resource ids of the community, in the order shown.")


def _added_by(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "display_name": user.public_name}


def _summary(resource) -> dict:
    file = None
    if resource.form == ResourceForm.FILE:
        file = {"name": resource.original_name, "url": resource.file_url,
                "content_type": resource.content_type, "size": resource.size or 0,
                "sha256": resource.sha256, "is_image": resource.is_image}
    return {"id": resource.pk, "community": resource.community.slug, "title": resource.title,
            "summary": resource.summary, "summary_html": resource.summary_html,
            "form": resource.form, "type": resource.resource_type,
            "language": resource.language,
            "tags": [tag.name for tag in resource.tags.all()], "url": resource.url,
            "file": file, "added_by": _added_by(resource.added_by),
            "created_at": resource.created_at, "updated_at": resource.updated_at,
            "edited_at": resource.edited_at, "html_url": resource.get_absolute_url()}


def _detail(resource) -> dict:
    return _summary(resource) | {"body": resource.body, "body_html": resource.body_html,
                                 "is_key": queries.is_key(resource),
                                 "deleted": resource.is_deleted,
                                 "restorable_until": resource.restorable_until}


def _validated(schema, data: dict):
    """A schema from data read by hand, refused in the API's usual 422 shape."""
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as invalid:
        raise ValidationError([{"loc": ("body", "payload", *error["loc"]),
                                "msg": error["msg"], "type": error["type"]}
                               for error in invalid.errors()]) from None


def _read_new_resource(request) -> tuple[ResourceIn, object]:
    if request.content_type == "multipart/form-data":
        data = {key: request.POST.get(key) for key in request.POST
                if key not in ("tags", "csrfmiddlewaretoken")}
        tags = request.POST.getlist("tags")
        if tags:
            data["tags"] = parse_tag_list(tags[0]) if len(tags) == 1 else tags
        return _validated(ResourceIn, data), request.FILES.get("file")
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise ActionError(_("The body is not valid JSON."), code="bad_request") from None
    if not isinstance(data, dict):
        raise ActionError(_("The body must be a JSON object."), code="bad_request")
    return _validated(ResourceIn, data), None


def _check_filters(params: ResourceQuery) -> None:
    errors = {}
    if params.type and params.type not in ResourceType.values:
        errors["type"] = [choose_one_of(ResourceType.values)]
    if params.form and params.form not in ResourceForm.values:
        errors["form"] = [choose_one_of(ResourceForm.values)]
    if params.language and params.language.lower() not in languages.CODES:
        errors["language"] = [_("An ISO 639-1 code, such as en, fr or es.")]
    if errors:
        raise ActionError(_("Please correct the marked fields."), fields=errors)


@router.get("/communities/{slug}/resources", response=ResourcePage,
            summary="The resource library of a community, newest first, filtered")
def list_resources(request: HttpRequest, slug: str, params: Query[ResourceQuery]):
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    _check_filters(params)
    found = queries.resources(community, queries.ResourceFilters.from_params(params.dict()))
    page = page_of(found, params.page, queries.RESOURCES_PER_PAGE,
                   count_scopes=(community_scope(community.pk),))
    return page.body([_summary(r) for r in page.rows])


_FILE_FIELDS = {"type": "object", "required": ["form", "title", "summary", "language", "file"],
                "properties": {"file": {"type": "string", "format": "binary"},
                               "form": {"type": "string", "enum": ["file"]},
                               "title": {"type": "string"}, "summary": {"type": "string"},
                               "type": {"type": "string"}, "language": {"type": "string"},
                               "tags": {"type": "string",
                                        "description": "Comma-separated tags."}}}


@router.post("/communities/{slug}/resources", response={201: ResourceDetail},
             summary="Add a link or a guide (JSON), or a file (multipart/form-data)",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": ResourceIn.model_json_schema()},
                 "multipart/form-data": {"schema": _FILE_FIELDS}}}})
def add_resource(request: HttpRequest, slug: str):
    community, _standing = policy.access_community(request.user, slug, Can.REPLY)
    payload, uploaded_file = _read_new_resource(request)
    resource = actions.do_add_resource(
        actor=request.user, community=community, form=payload.form, title=payload.title,
        summary=payload.summary, resource_type=payload.type, language=payload.language,
        tags=payload.tags, url=payload.url, body=payload.body, uploaded_file=uploaded_file)
    return Status(201, _detail(resource))


@router.get("/communities/{slug}/resources/{resource_id}", response=ResourceDetail)
def get_resource(request: HttpRequest, slug: str, resource_id: int):
    resource, _standing = queries.access_resource(request.user, slug, resource_id)
    return _detail(resource)


@router.get("/communities/{slug}/resources/{resource_id}/file",
            summary="A file resource's file (also with a token)")
def get_resource_file(request: HttpRequest, slug: str, resource_id: int):
    resource, _standing = queries.access_resource(request.user, slug, resource_id)
    return file_response(resource)


@router.patch("/communities/{slug}/resources/{resource_id}", response=ResourceDetail,
              summary="Change a resource (whoever added it, or a steward)")
def edit_resource(request: HttpRequest, slug: str, resource_id: int, payload: ResourceChange):
    resource, _standing = queries.access_resource(request.user, slug, resource_id)
    changes = payload.dict(exclude_unset=True)
    if "type" in changes:
        changes["resource_type"] = changes.pop("type")
    if not changes:
        raise ActionError(_("Say what to change."), fields={"title": [_("Nothing to change.")]})
    return _detail(actions.do_edit_resource(actor=request.user, resource=resource, **changes))


@router.delete("/communities/{slug}/resources/{resource_id}", response={204: None},
               summary="Delete a resource (whoever added it, or a steward)")
def delete_resource(request: HttpRequest, slug: str, resource_id: int):
    resource, _standing = queries.access_resource(request.user, slug, resource_id)
    actions.do_delete_resource(actor=request.user, resource=resource)
    return Status(204, None)


@router.post("/communities/{slug}/resources/{resource_id}/restore", response=ResourceDetail,
             summary="Restore a deleted resource (whoever deleted it, or a steward) within "
                     "the restore window")
def restore_resource(request: HttpRequest, slug: str, resource_id: int):
    resource, _standing = queries.access_resource(request.user, slug, resource_id)
    return _detail(actions.do_restore_resource(actor=request.user, resource=resource))


@router.get("/communities/{slug}/key-resources", response=list[ResourceSummary],
            summary="The key resources shown on the community home, in order")
def get_key_resources(request: HttpRequest, slug: str):
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    return [_summary(r) for r in queries.key_resources(community, full=True)]


@router.put("/communities/{slug}/key-resources", response=list[ResourceSummary],
            summary="Choose and order the key resources (facilitators and conveners)")
def set_key_resources(request: HttpRequest, slug: str, payload: KeyResourcesIn):
    community, _standing = policy.access_community(request.user, slug, Can.CURATE)
    actions.do_set_key_resources(actor=request.user, community=community,
                                 resource_ids=payload.ids)
    return [_summary(r) for r in queries.key_resources(community, full=True)]
