"""The audit pages: every entry for platform admins, a community's own for its conveners."""

from django.shortcuts import render

from cultivate import policy
from cultivate.audit import queries
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.core.paging import page_of
from cultivate.policy import Can


def _page(request, template: str, context: dict, *, community=None):
    try:
        filters = queries.AuditFilters.from_params(request.GET)
        errors = {}
    except ActionError as error:
        filters, errors = queries.AuditFilters(), error.fields
    found = queries.entries(filters, community=community)
    page = page_of(found, _page_number(request), queries.PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, template, context | {
        "page": page, "entries": list(page.rows), "filters": filters, "errors": errors,
        "query": query.urlencode()}, status=400 if errors else 200)


def _page_number(request) -> int:
    value = request.GET.get("page", "")
    return int(value) if value.isdigit() and len(value) < 9 else 1


def platform_audit(request):
    if not policy.is_platform_admin(request.user):
        raise NotAllowed("the platform audit is for platform admins")
    return _page(request, "audit/audit.html", {"community": None})


def community_audit(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.SEE_AUDIT)
    return _page(request, "audit/audit.html", {"community": community}, community=community)
