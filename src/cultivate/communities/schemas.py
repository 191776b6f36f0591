from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from cultivate.core.api_schemas import Person

ExternalImages = Literal["click", "show"]
EXTERNAL_IMAGES_HELP = (
    "Images from other sites in members' Markdown: 'click' (default) loads one only when a "
    "reader clicks it, so no site learns who read what; 'show' loads them with the page, so "
    "those sites can see who reads and when. Only conveners change it.")


LANGUAGES_HELP = ("The languages members write in, as two-letter codes, the main one first "
                  "(e.g. [\"ru\", \"en\"]). Posts default to the main one.")


class Charter(Schema):
    domain: str = ""
    community: str = ""
    practice: str = ""


class CharterHtml(Schema):
    domain: str
    community: str
    practice: str


class CaseForMembership(Schema):
    why: str = ""
    what: str = ""
    how: str = ""


class CommunityCreate(Schema):
    name: str
    slug: str = ""
    tagline: str = ""
    kind: str = "community"
    stage: str = "potential"
    visibility: str = "public"
    join_policy: str = "open"
    external_images: ExternalImages = Field("click", description=EXTERNAL_IMAGES_HELP)
    tags: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list, description=LANGUAGES_HELP)
    charter: Charter
    case_for_membership: CaseForMembership = Field(default_factory=CaseForMembership)


class CharterPatch(Schema):
    domain: str | None = None
    community: str | None = None
    practice: str | None = None


class CasePatch(Schema):
    why: str | None = None
    what: str | None = None
    how: str | None = None


class CommunityPatch(Schema):
    name: str | None = None
    slug: str | None = None
    tagline: str | None = None
    kind: str | None = None
    stage: str | None = None
    visibility: str | None = None
    join_policy: str | None = None
    external_images: ExternalImages | None = Field(None, description=EXTERNAL_IMAGES_HELP)
    tags: list[str] | None = None
    languages: list[str] | None = Field(None, description=LANGUAGES_HELP)
    charter: CharterPatch | None = None
    case_for_membership: CasePatch | None = None
    confirm: bool = Field(
        False, description="Widening the visibility (private to listed or public, listed to "
        "public) is refused with 409 `confirm_visibility` and what would become visible in "
        "`error.details`, unless this is true. Only conveners change visibility and slug.")


class CommunitySummary(Schema):
    id: int
    slug: str
    name: str
    tagline: str
    kind: str
    stage: str
    visibility: str
    join_policy: str
    external_images: str = Field(description=EXTERNAL_IMAGES_HELP)
    tags: list[str]
    languages: list[str] = Field(description=LANGUAGES_HELP)
    member_count: int
    url: str


class CommunityDetail(CommunitySummary):
    created_at: datetime
    your_standing: str
    your_permissions: list[str]
    case_for_membership: CaseForMembership
    charter: Charter | None = Field(None, description="Only for those who may read it.")
    charter_html: CharterHtml | None = None


class CommunityPage(Schema):
    items: list[CommunitySummary]
    count: int
    page: int
    pages: int


class CommunityMemberOut(Schema):
    user: Person
    role: str
    joined_at: datetime


class MemberPage(Schema):
    items: list[CommunityMemberOut]
    page: int
    has_next: bool


class RoleIn(Schema):
    role: str


class CommunityJoinIn(Schema):
    message: str = ""


class CommunityJoinOut(Schema):
    status: str = Field(description="'member' when joined at once, 'pending' for a request.")
    request_id: int | None = None


class JoinRequestOut(Schema):
    id: int
    user: Person
    message: str
    status: str
    response: str
    created_at: datetime
    decided_at: datetime | None


class JoinRequestDecisionIn(Schema):
    response: str = ""


class InvitationIn(Schema):
    email: str
    role: str = "member"
    message: str = Field("", description="Plain text, up to 500 characters, no links; shown "
                         "as written by the sender.")


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    status: str


class ActivityOut(Schema):
    id: int
    occurred_at: datetime
    verb: str
    actor: Person | None
    payload: dict
    title: str = Field("", description="What it happened to, when that still has a page")
    url: str = Field("", description="Its page, relative to the site; empty when gone")
