"""Thin JSON routes over the catalogue and the communities' adaptations."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field, field_validator

from cultivate import policy
from cultivate.communities.queries import in_community
from cultivate.core.api_schemas import PageQuery, Person
from cultivate.core.errors import NotAllowed
from cultivate.core.paging import page_of
from cultivate.formats import actions, queries
from cultivate.formats.models import (
    MAX_GROUP,
    MAX_MINUTES,
    Formality,
    LearningFormat,
    Purpose,
    Source,
)
from cultivate.policy import Can

router = Router(tags=["formats"])


class FormatLink(Schema):
    slug: str
    name: str
    url: str


class FormatSummary(Schema):
    slug: str
    name: str
    summary: str
    purposes: list[str] = Field(description="Codes; see `purpose` of the catalogue filter.")
    source: str = Field(description="each_other, outside or both.")
    formality: int = Field(description="1 (very informal) to 5 (formal).")
    formality_label: str
    duration_min: int = Field(description="Shortest session, in minutes.")
    duration_max: int
    duration_note: str
    group_size_min: int
    group_size_max: int | None = Field(description="None: no upper limit.")
    is_builtin: bool
    url: str


class AdaptationLink(Schema):
    community: str
    community_name: str
    updated_at: datetime
    url: str


class FormatDetail(FormatSummary):
    description: str
    description_html: str
    when_to_use: str
    when_to_use_html: str
    steps: str
    steps_html: str
    roles: str
    roles_html: str
    outputs: str
    outputs_html: str
    related: list[FormatLink]
    adaptations: list[AdaptationLink] = Field(
        description="Communities the caller may read that run this format their own way.")
    created_at: datetime
    updated_at: datetime


class FormatPage(Schema):
    items: list[FormatSummary]
    count: int
    page: int
    pages: int


class AdaptationOut(Schema):
    community: str
    format: FormatSummary
    notes: str
    notes_html: str
    roles: str = Field(description="Empty: the catalogue's roles apply.")
    roles_html: str
    duration_min: int | None = Field(description="None: as in the catalogue.")
    duration_max: int | None
    group_size_min: int | None
    group_size_max: int | None
    adapted_by: Person | None
    created_at: datetime
    updated_at: datetime
    url: str


class AdaptationPage(Schema):
    items: list[AdaptationOut]
    count: int
    page: int
    pages: int


class AdaptIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a misspelt field must not pass unnoticed

    notes: str = Field(description="Markdown: how this community runs the format.")
    roles: str = ""
    duration_min: int | None = Field(None, description=f"Minutes, 1 to {MAX_MINUTES}.")
    duration_max: int | None = None
    group_size_min: int | None = Field(None, description=f"People, 1 to {MAX_GROUP}.")
    group_size_max: int | None = None


class CatalogueQuery(Schema):
    q: str = Field("", max_length=queries.MAX_QUERY, description="Words in name or summary.")
    purpose: str = Field("", description="One of: " + ", ".join(Purpose.values))
    formality: int | None = Field(None, ge=1, le=5)
    source: str = Field("", description="One of: " + ", ".join(Source.values))
    page: int = 1

    @field_validator("formality", mode="before")
    @classmethod
    def _empty_formality(cls, value):
        return None if value == "" else value

    @field_validator("purpose")
    @classmethod
    def _known_purpose(cls, value: str) -> str:
        return _one_of(value, Purpose.values)

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        return _one_of(value, Source.values)


def _one_of(value: str, allowed) -> str:
    value = value.strip()
    if value and value not in allowed:
        raise ValueError("Choose one of: " + ", ".join(allowed))
    return value


def _summary(fmt: LearningFormat) -> dict:
    return {
        "slug": fmt.slug, "name": fmt.name, "summary": fmt.summary,
        "purposes": fmt.purpose_values, "source": fmt.source, "formality": fmt.formality,
        "formality_label": str(Formality(fmt.formality).label),
        "duration_min": fmt.duration_min, "duration_max": fmt.duration_max,
        "duration_note": fmt.duration_note, "group_size_min": fmt.group_size_min,
        "group_size_max": fmt.group_size_max, "is_builtin": fmt.is_builtin,
        "url": fmt.get_absolute_url(),
    }


def _detail(fmt: LearningFormat, adaptations) -> dict:
    texts = {name: getattr(fmt, name) for name in LearningFormat.MARKDOWN_FIELDS}
    texts |= {f"{name}_html": getattr(fmt, f"{name}_html")
              for name in LearningFormat.MARKDOWN_FIELDS}
    return _summary(fmt) | texts | {
        "related": [{"slug": f.slug, "name": f.name, "url": f.get_absolute_url()}
                    for f in fmt.related.all()],
        "adaptations": [{"community": a.community.slug, "community_name": a.community.name,
                         "updated_at": a.updated_at, "url": a.get_absolute_url()}
                        for a in adaptations],
        "created_at": fmt.created_at, "updated_at": fmt.updated_at,
    }


def _adaptation(adaptation) -> dict:
    person = adaptation.adapted_by
    return {
        "community": adaptation.community.slug, "format": _summary(adaptation.format),
        "notes": adaptation.notes, "notes_html": adaptation.notes_html,
        "roles": adaptation.roles, "roles_html": adaptation.roles_html,
        "duration_min": adaptation.duration_min, "duration_max": adaptation.duration_max,
        "group_size_min": adaptation.group_size_min,
        "group_size_max": adaptation.group_size_max,
        "adapted_by": None if person is None else {
            "id": person.pk, "username": person.username, "display_name": person.public_name},
        "created_at": adaptation.created_at, "updated_at": adaptation.updated_at,
        "url": adaptation.get_absolute_url(),
    }


def _format_or_404(slug: str) -> LearningFormat:
    fmt = LearningFormat.objects.filter(slug=slug).first()
    if fmt is None:
        raise NotAllowed("no such format", hide=True)
    return fmt


@router.get("/formats", response=FormatPage, summary="Browse the catalogue of learning formats")
def list_formats(request: HttpRequest, params: Query[CatalogueQuery]):
    filters = queries.CatalogueFilters(q=params.q.replace("\x00", "").strip(),
                                       purpose=params.purpose, formality=params.formality,
                                       source=params.source)
    page = page_of(queries.catalogue(filters), params.page, queries.API_PAGE_SIZE)
    return page.body([_summary(f) for f in page.rows])


@router.get("/formats/{slug}", response=FormatDetail, summary="One format, in full")
def get_format(request: HttpRequest, slug: str):
    fmt = queries.format_by_slug(slug)
    if fmt is None:
        raise NotAllowed("no such format", hide=True)
    return _detail(fmt, queries.adaptations_of(fmt, request.user))


@router.get("/communities/{slug}/formats", response=AdaptationPage,
            summary="The formats a community runs its own way")
def list_adaptations(request: HttpRequest, slug: str, params: Query[PageQuery]):
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    found = queries.community_adaptations(community).prefetch_related("format__purposes")
    page = page_of(found, params.page, queries.API_PAGE_SIZE)
    return page.body([_adaptation(a) for a in in_community(page.rows, community)])


@router.put("/communities/{slug}/formats/{format_slug}",
            response={200: AdaptationOut, 201: AdaptationOut},
            summary="Adapt a format for a community, or change its adaptation (stewards)")
def adapt_format(request: HttpRequest, slug: str, format_slug: str, payload: AdaptIn):
    community, _standing = policy.access_community(request.user, slug, Can.ADAPT_FORMATS)
    fmt = _format_or_404(format_slug)
    adaptation = actions.do_adapt_format(actor=request.user, community=community, format=fmt,
                                         **payload.dict())
    return Status(201 if adaptation.created else 200, _adaptation(adaptation))


@router.delete("/communities/{slug}/formats/{format_slug}", response={204: None},
               summary="Remove a community's adaptation (stewards)")
def remove_adaptation(request: HttpRequest, slug: str, format_slug: str):
    community, _standing = policy.access_community(request.user, slug, Can.ADAPT_FORMATS)
    actions.do_remove_adaptation(actor=request.user, community=community,
                                 format=_format_or_404(format_slug))
    return Status(204, None)
