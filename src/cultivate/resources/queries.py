"""Read paths of the library shared by the pages and the API, with fixed query counts."""

from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from django.db.models import Prefetch, Q, QuerySet

from cultivate import policy
from cultivate.core import content_languages as languages
from cultivate.core.errors import NotAllowed
from cultivate.core.models import Tag
from cultivate.policy import Can
from cultivate.resources.models import KeyResource, Resource, ResourceForm, ResourceType

RESOURCES_PER_PAGE = 20
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class ResourceFilters:
    q: str = ""
    type: str = ""
    language: str = ""
    tag: str = ""
    form: str = ""

    @classmethod
    def from_params(cls, params) -> "ResourceFilters":
        """Values that mean nothing are dropped; an unknown tag simply finds nothing."""
        def value(name, limit=100):
            return str(params.get(name) or "").replace("\x00", "").strip()[:limit]

        kind, language, form = value("type"), value("language").lower(), value("form")
        return cls(q=value("q"), tag=value("tag", 60),
                   type=kind if kind in ResourceType.values else "",
                   language=language if language in languages.CODES else "",
                   form=form if form in ResourceForm.values else "")

    def query_string(self, **extra) -> str:
        """These filters (and `extra`) as a query string for links such as the pager's."""
        pairs = {name: value for name, value in asdict(self).items() if value}
        pairs.update({name: value for name, value in extra.items() if value})
        return urlencode(pairs)

    def __bool__(self) -> bool:
        return any(asdict(self).values())


NO_FILTERS = ResourceFilters()


def resources(community, filters: ResourceFilters | None = None) -> QuerySet[Resource]:
    """The library of a community, newest first, with who added each and their tags."""
    filters = filters or NO_FILTERS
    found = Resource.objects.filter(community=community, deleted_at__isnull=True)
    if filters.type:
        found = found.filter(resource_type=filters.type)
    if filters.language:
        found = found.filter(language=filters.language)
    if filters.form:
        found = found.filter(form=filters.form)
    if filters.tag:
        found = found.filter(tags__slug=filters.tag)
    if filters.q:
        found = found.filter(Q(title__icontains=filters.q) | Q(summary__icontains=filters.q)
                             | Q(body__icontains=filters.q)
                             | Q(original_name__icontains=filters.q))
    return found.select_related("added_by", "community").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name")))


def filter_options(community) -> dict:
    """The tags and languages the library of this community uses (two queries)."""
    present = Resource.objects.filter(community=community, deleted_at__isnull=True)
    tags = list(Tag.objects.filter(resources__in=present).distinct().order_by("name"))
    codes = set(present.order_by().values_list("language", flat=True).distinct())
    return {"tags": tags,
            "languages": sorted(((code, languages.name_of(code)) for code in codes),
                                key=lambda pair: pair[1].lower()),
            "types": ResourceType.choices, "forms": ResourceForm.choices}


def as_id(value) -> int | None:
    text = str(value)
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)


def access_resource(user, slug: str, resource_id, verb: Can = Can.READ):
    """A resource of the community `slug` the user may read: its row, its community and the
    reader's role come in one query. 404 for a missing resource, for one of another community
    (whatever the id), for a hidden community, and for a deleted one unless the reader
    moderates there or deleted it themselves (and may restore it)."""
    found = None
    if (pk := as_id(resource_id)) is not None:
        rows = Resource.objects.select_related("community", "added_by").filter(
            pk=pk, community__slug=slug)
        if policy.is_signed_in(user):
            rows = rows.annotate(reader_role=policy.role_in_community(user))
        found = rows.first()
    if found is None:
        policy.access_community(user, slug, verb)  # the community's own 404 or 403 first
        raise NotAllowed("no such resource", hide=True)
    community = found.community
    standing = policy.standing_of(user, community, role=getattr(found, "reader_role", None))
    policy.check(standing, verb, community)
    if found.deleted_at is not None and not policy.may_restore_deleted(
            user, standing, community, found.deleted_by_id):
        raise NotAllowed("deleted resource", hide=True)
    return found, standing


def key_resources(community, *, full: bool = False) -> list[Resource]:
    """The key resources of a community in their order, in one query (`full`: with who added
    them and their tags, as the API shows them, in two)."""
    found = (Resource.objects.filter(community=community, key_in__community=community,
                                     deleted_at__isnull=True)
             .order_by("key_in__position", "key_in__id"))
    if full:
        found = found.select_related("added_by").prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name")))
    found = list(found)
    for resource in found:
        resource.community = community  # for their addresses, without a query each
    return found


def is_key(resource: Resource) -> bool:
    return KeyResource.objects.filter(resource=resource).exists()
