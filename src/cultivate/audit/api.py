"""The audit trail as JSON: every entry for platform admins, a community's for its conveners."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from cultivate import policy
from cultivate.audit import queries
from cultivate.core.errors import NotAllowed
from cultivate.core.paging import page_of
from cultivate.policy import Can

router = Router(tags=["audit"])


class AuditQuery(Schema):
    community: str = Field("", description="A community's address (platform-wide list only).")
    actor: str = Field("", description="The username of who acted.")
    verb: str = Field("", description="A verb, or its start: `live.` finds live moderation.")
    since: date | None = None
    until: date | None = Field(None, description="Inclusive.")
    page: int = 1


class AuditCommunityOut(Schema):
    slug: str
    name: str


class AuditEntryOut(Schema):
    occurred_at: datetime
    actor: str = Field(description="The username at the time (empty: nobody signed in).")
    verb: str
    target_type: str
    target_id: str
    target_label: str
    community: AuditCommunityOut | None
    details: dict


class AuditPage(Schema):
    items: list[AuditEntryOut]
    count: int
    page: int
    pages: int


def _listing(params: AuditQuery, *, community=None) -> dict:
    filters = queries.AuditFilters.from_params(params.dict())
    page = page_of(queries.entries(filters, community=community), params.page, queries.PER_PAGE)
    return page.body([_entry(entry) for entry in page.rows])


def _entry(entry) -> dict:
    community = entry.community
    return {"occurred_at": entry.occurred_at, "actor": entry.actor_label, "verb": entry.verb,
            "target_type": entry.target_type, "target_id": entry.target_id,
            "target_label": entry.target_label, "details": entry.details,
            "community": {"slug": community.slug, "name": community.name} if community else None}


@router.get("/audit", response=AuditPage, summary="The whole audit trail (platform admins)")
def platform_audit(request: HttpRequest, params: Query[AuditQuery]):
    if not policy.is_platform_admin(request.user):
        raise NotAllowed("the platform audit is for platform admins")
    return _listing(params)


@router.get("/communities/{slug}/audit", response=AuditPage,
            summary="A community's audit trail (its conveners, platform admins)")
def community_audit(request: HttpRequest, slug: str, params: Query[AuditQuery]):
    community, _standing = policy.access_community(request.user, slug, Can.SEE_AUDIT)
    return _listing(params, community=community)
