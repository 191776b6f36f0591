"""JSON routes for methods, their history, stories and practitioners: the same actions,
queries and permissions as the pages."""

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from cultivate import policy
from cultivate.communities.models import Community
from cultivate.core.api_schemas import Person
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.core.paging import page_of
from cultivate.policy import Can
from cultivate.practice import actions, queries
from cultivate.practice.models import SECTION_NAMES, STORY_PARTS, Method

router = Router(tags=["methods"])


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "display_name": user.public_name}


class MethodSummary(Schema):
    slug: str
    title: str
    community: str
    sharing: str
    version: int
    brief_html: str
    url: str


class MethodPage(Schema):
    items: list[MethodSummary]
    count: int
    page: int
    pages: int


class StorySummary(Schema):
    id: int
    title: str
    outcome: str
    author: Person | None
    community: str
    created_at: datetime
    url: str


class PractitionerOut(Schema):
    user: Person
    note: str
    willing_to_share: bool


class MethodDetail(MethodSummary):
    brief: str
    applications: str
    applications_html: str
    description: str
    description_html: str
    references: str
    references_html: str
    tags: list[str]
    related: list[str]
    shared_with: list[str]
    is_restricted: bool
    updated_at: datetime
    stories: list[StorySummary]
    practitioners: list[PractitionerOut]


class MethodIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str
    brief: str
    applications: str = ""
    description: str = ""
    references: str = ""
    tags: list[str] = Field(default_factory=list)


class MethodEditIn(MethodIn):
    base_version: int = Field(description="The version your edit starts from; 409 if the page "
                                          "moved on meanwhile.")
    summary: str = ""


class SettingsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    is_restricted: bool | None = None
    sharing: str | None = Field(None, description="community or landscape")
    shared_with: list[str] | None = Field(None, description="Community slugs.")
    related: list[str] | None = Field(None, description="Method slugs.")


class MethodRevisionOut(Schema):
    version: int
    summary: str
    author: Person | None
    created_at: datetime
    content: dict


class StoryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str
    outcome: str = Field(description="success, mixed or failure")
    context: str
    what_we_did: str
    what_happened: str
    differently: str = ""


class StoryOut(StorySummary):
    parts: dict[str, str]
    parts_html: dict[str, str]


class CommentIn(Schema):
    body: str


class PractitionerIn(Schema):
    note: str = ""
    willing_to_share: bool = True


def _summary(method: Method) -> dict:
    return {"slug": method.slug, "title": method.title, "community": method.community.slug,
            "sharing": method.sharing, "version": method.version,
            "brief_html": method.brief_html, "url": method.get_absolute_url()}


def _story(story) -> dict:
    return {"id": story.pk, "title": story.title, "outcome": story.outcome,
            "author": _person(story.author), "community": story.community.slug,
            "created_at": story.created_at, "url": story.get_absolute_url()}


def _detail(method: Method) -> dict:
    parts = queries.page_parts(method)
    return {**_summary(method), **{name: getattr(method, name) for name in SECTION_NAMES},
            **{f"{name}_html": getattr(method, f"{name}_html") for name in SECTION_NAMES},
            "tags": [tag.name for tag in parts["tags"]],
            "related": [other.slug for other in parts["related"]],
            "shared_with": [c.slug for c in method.shared_with.all()],
            "is_restricted": method.is_restricted, "updated_at": method.updated_at,
            "stories": [_story(s) for s in parts["stories"]],
            "practitioners": [{"user": _person(p.user), "note": p.note,
                               "willing_to_share": p.willing_to_share}
                              for p in parts["practitioners"]]}


def _page(found, requested: int) -> dict:
    page = page_of(found, requested, queries.METHODS_PER_PAGE)
    return page.body([_summary(m) for m in page.rows])


@router.get("/methods", response=MethodPage, summary="Methods you may read, across communities")
def list_methods(request: HttpRequest, q: str = "", page: int = 1):
    found = queries.readable_methods(request.user).select_related("community")
    if q:
        found = found.filter(title__icontains=q[:100])
    return _page(found.order_by("title"), page)


@router.get("/communities/{slug}/methods", response=MethodPage,
            summary="A community's methods: written there or shared with it")
def community_methods(request: HttpRequest, slug: str, q: str = "", tag: str = "",
                      page: int = 1):
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    return _page(queries.methods_of(community, text=q[:100], tag=tag[:60]), page)


@router.post("/communities/{slug}/methods", response={201: MethodDetail},
             summary="Write a method page (members)")
def create_method(request: HttpRequest, slug: str, payload: MethodIn):
    community, _standing = policy.access_community(request.user, slug, Can.START_TOPIC)
    method = actions.do_create_method(actor=request.user, community=community,
                                      **payload.dict())
    return Status(201, _detail(method))


@router.get("/methods/{method}", response=MethodDetail)
def get_method(request: HttpRequest, method: str):
    found, _standings = queries.access_method(request.user, method)
    return _detail(found)


@router.patch("/methods/{method}", response=MethodDetail,
              summary="Save a new version (409 edit_conflict if base_version is not current)")
def edit_method(request: HttpRequest, method: str, payload: MethodEditIn):
    found, _standings = queries.access_method(request.user, method)
    return _detail(actions.do_edit_method(actor=request.user, method=found, **payload.dict()))


@router.patch("/methods/{method}/settings", response=MethodDetail,
              summary="Restrict editing, share with communities or the landscape, relate")
def method_settings(request: HttpRequest, method: str, payload: SettingsIn):
    found, _standings = queries.access_method(request.user, method)
    changes = payload.dict(exclude_none=True)  # null, like a missing field, changes nothing
    if "shared_with" in changes:
        changes["shared_with"] = _communities(changes["shared_with"])
    if "related" in changes:
        changes["related"] = _methods(request.user, changes["related"])
    return _detail(actions.do_set_method_settings(actor=request.user, method=found, **changes))


def _communities(slugs) -> list[Community]:
    found = list(Community.objects.filter(slug__in=slugs))
    if len(found) != len(set(slugs)):
        raise ActionError(_("Please correct the marked fields."),
                          fields={"shared_with": [_("No such community.")]})
    return found


def _methods(user, slugs) -> list[Method]:
    found = list(queries.readable_methods(user).filter(slug__in=slugs))
    if len(found) != len(set(slugs)):
        raise ActionError(_("Please correct the marked fields."),
                          fields={"related": [_("No such method.")]})
    return found


@router.get("/methods/{method}/revisions", response=list[MethodRevisionOut])
def revisions(request: HttpRequest, method: str):
    found, _standings = queries.access_method(request.user, method)
    return [_revision(r) for r in queries.revisions_of(found)]


def _revision(revision) -> dict:
    return {"version": revision.version, "summary": revision.summary,
            "author": _person(revision.author), "created_at": revision.created_at,
            "content": revision.content}


@router.post("/methods/{method}/revisions/{version}/restore", response=MethodDetail,
             summary="Bring an earlier version back as a new version")
def restore(request: HttpRequest, method: str, version: int):
    found, _standings = queries.access_method(request.user, method)
    if queries.revision(found, version) is None:
        raise NotAllowed("no such version", hide=True)
    return _detail(actions.do_restore_revision(actor=request.user, method=found,
                                               version=version))


@router.post("/methods/{method}/stories", response={201: StoryOut},
             summary="Tell a story of using the method: success, mixed or failure")
def tell_story(request: HttpRequest, method: str, payload: StoryIn):
    found, _standings = queries.access_method(request.user, method)
    story = actions.do_tell_story(actor=request.user, method=found, **payload.dict())
    return Status(201, _story_out(story))


def _story_out(story) -> dict:
    return {**_story(story),
            "parts": {name: getattr(story, name) for name, _label in STORY_PARTS},
            "parts_html": {name: getattr(story, f"{name}_html") for name, _label in STORY_PARTS}}


@router.get("/methods/{method}/stories/{story_id}", response=StoryOut)
def get_story(request: HttpRequest, method: str, story_id: int):
    found, _standings = queries.access_method(request.user, method)
    story = queries.story_of(found, story_id)
    if story is None:
        raise NotAllowed("no such story", hide=True)
    return _story_out(story)


@router.put("/methods/{method}/stories/{story_id}", response=StoryOut,
            summary="Rewrite a story (its author or a steward); earlier text stays in its "
                    "history (GET /history/practice.story/{id})")
def edit_story(request: HttpRequest, method: str, story_id: int, payload: StoryIn):
    found, _standings = queries.access_method(request.user, method)
    story = queries.story_of(found, story_id)
    if story is None:
        raise NotAllowed("no such story", hide=True)
    return _story_out(actions.do_edit_story(actor=request.user, story=story, **payload.dict()))


@router.post("/methods/{method}/stories/{story_id}/comments", response={201: dict})
def comment_story(request: HttpRequest, method: str, story_id: int, payload: CommentIn):
    found, _standings = queries.access_method(request.user, method)
    story = queries.story_of(found, story_id)
    if story is None:
        raise NotAllowed("no such story", hide=True)
    comment = actions.do_comment_story(actor=request.user, story=story, body=payload.body)
    return Status(201, {"id": comment.pk, "body_html": comment.body_html})


@router.put("/methods/{method}/practitioner", response=PractitionerOut,
            summary="Say you use this method (and whether you are glad to share tips)")
def set_practitioner(request: HttpRequest, method: str, payload: PractitionerIn):
    found, _standings = queries.access_method(request.user, method)
    practitioner = actions.do_set_practitioner(actor=request.user, method=found, uses=True,
                                               **payload.dict())
    return {"user": _person(practitioner.user), "note": practitioner.note,
            "willing_to_share": practitioner.willing_to_share}


@router.delete("/methods/{method}/practitioner", response={204: None})
def unset_practitioner(request: HttpRequest, method: str):
    found, _standings = queries.access_method(request.user, method)
    actions.do_set_practitioner(actor=request.user, method=found, uses=False)
    return Status(204, None)
