"""Read paths for the catalogue and the communities' adaptations, shared by pages and API."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Prefetch, Q, QuerySet

from cultivate import policy
from cultivate.communities.models import Community, Membership
from cultivate.formats.models import (
    CommunityFormat,
    Formality,
    FormatPurpose,
    LearningFormat,
    Purpose,
    Source,
)

CATALOGUE_PAGE_SIZE = 36
API_PAGE_SIZE = 50
MAX_QUERY = 100


@dataclass(frozen=True)
class CatalogueFilters:
    """Narrowing the catalogue: words in the name or summary, a purpose, a formality level,
    where the learning comes from. Unknown values are dropped (pages); the API refuses them."""

    q: str = ""
    purpose: str = ""
    formality: int | None = None
    source: str = ""

    @classmethod
    def from_params(cls, params) -> "CatalogueFilters":
        purpose = (params.get("purpose") or "").strip()
        source = (params.get("source") or "").strip()
        formality = str(params.get("formality") or "").strip()
        return cls(
            q=(params.get("q") or "").replace("\x00", "").strip()[:MAX_QUERY],
            purpose=purpose if purpose in Purpose.values else "",
            formality=int(formality) if formality in {str(v) for v in Formality.values}
            else None,
            source=source if source in Source.values else "",
        )

    def query_string(self, **extra) -> str:
        """The filters as URL parameters, for pager links."""
        params = {"q": self.q, "purpose": self.purpose,
                  "formality": "" if self.formality is None else self.formality,
                  "source": self.source, **extra}
        return urlencode({key: value for key, value in params.items() if value not in ("",)})

    def __bool__(self) -> bool:
        return bool(self.q or self.purpose or self.formality is not None or self.source)


def _purposes() -> Prefetch:
    return Prefetch("purposes", queryset=FormatPurpose.objects.order_by())


def catalogue(filters: CatalogueFilters) -> QuerySet[LearningFormat]:
    """The formats matching the filters, by name, with their purposes (two queries per page)."""
    found = LearningFormat.objects.all()
    if filters.q:
        found = found.filter(Q(name__icontains=filters.q) | Q(summary__icontains=filters.q))
    if filters.purpose:
        found = found.filter(purposes__purpose=filters.purpose)
    if filters.formality is not None:
        found = found.filter(formality=filters.formality)
    if filters.source:
        found = found.filter(source=filters.source)
    return found.order_by("name", "pk").prefetch_related(_purposes())


def format_by_slug(slug: str) -> LearningFormat | None:
    """One format with its purposes and its related formats (three queries)."""
    related = LearningFormat.objects.order_by("name").only("name", "slug", "summary")
    return (LearningFormat.objects.filter(slug=slug)
            .prefetch_related(_purposes(), Prefetch("related", queryset=related)).first())


def adaptations_of(fmt: LearningFormat, user) -> list[CommunityFormat]:
    """How the communities this user may read run the format (one query)."""
    readable = policy.readable_communities(user).values("pk")
    rows = list(CommunityFormat.objects.filter(format=fmt, community__in=readable)
                .select_related("community").order_by("community__name", "pk")
                .only("format_id", "updated_at", "community__name", "community__slug"))
    for row in rows:
        row.format = fmt  # their URLs need the format's slug: no query per row
    return rows


def stewarded_communities(user) -> list[Community]:
    """Communities where the user is a convener or facilitator: where they may adapt formats
    from the catalogue page (platform admins adapt from each community's own page)."""
    if not policy.is_signed_in(user):
        return []
    roles = [standing.value for standing in policy.STEWARDS if standing != policy.Standing.ADMIN]
    return list(Community.objects.filter(
        pk__in=Membership.objects.filter(user=user, role__in=roles).values("community_id"))
        .order_by("name").only("name", "slug"))


def community_adaptations(community: Community) -> QuerySet[CommunityFormat]:
    """The formats a community has adapted, by format name (one query)."""
    return (CommunityFormat.objects.filter(community=community)
            .select_related("format", "adapted_by").order_by("format__name", "pk"))


def adaptation_in(community: Community, format_slug: str) -> CommunityFormat | None:
    return (CommunityFormat.objects.filter(community=community, format__slug=format_slug)
            .select_related("format", "adapted_by", "community").first())


def formats_to_adapt(community: Community) -> QuerySet[LearningFormat]:
    """Formats of the catalogue this community has not adapted yet (for the chooser)."""
    return (LearningFormat.objects.exclude(adaptations__community=community)
            .order_by("name").only("name", "slug"))
