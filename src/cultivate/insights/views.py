"""Thin HTML views of the dashboards: a community's dashboard, the landscape of communities,
their tables as CSV and XLSX. They only read the stored figures (queries.py)."""

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from cultivate import policy
from cultivate.core.errors import NotAllowed
from cultivate.insights import as_of, charts, queries
from cultivate.policy import Can

FILE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _url_or_none(name: str, *args) -> str | None:
    """Pages built alongside (the network, a member's own level) may not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def community_for_insights(request, slug):
    """The community when the user may see its insights; anonymous visitors of a community
    they may see are asked to sign in, hidden communities answer 404 to everyone."""
    try:
        return policy.access_community(request.user, slug, Can.VIEW_INSIGHTS)[0]
    except NotAllowed as refusal:
        if not refusal.hide and not policy.is_signed_in(request.user):
            return None
        raise


def _file(table: charts.Table, fmt: str, filename: str) -> HttpResponse:
    body = charts.as_csv(table) if fmt == "csv" else charts.as_xlsx(table)
    response = HttpResponse(body, content_type=FILE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def dashboard(request, slug):
    community = community_for_insights(request, slug)
    if community is None:
        return redirect_to_login(request.get_full_path())
    weeks = queries.chosen_weeks(request.GET.get("weeks"))
    as_of_error = ""
    try:
        figures = queries.dashboard(community, weeks=weeks, as_of_value=request.GET.get("as_of"))
    except as_of.BadDate as error:  # the default date's figures, with the date field's error
        figures, as_of_error = queries.dashboard(community, weeks=weeks), error.message
    shown = charts.dashboard_charts(figures)
    query = "&".join(part for part in (
        f"weeks={weeks}" if weeks != queries.DEFAULT_WEEKS else "", figures.as_of.query) if part)
    return render(request, "insights/dashboard.html", {
        "community": community, "d": figures, "charts": shown, "weeks": weeks,
        "periods": queries.PERIODS, "as_of": figures.as_of, "as_of_error": as_of_error,
        "today": as_of.today(),
        "answered_share": charts.share(figures.questions_answered, figures.questions),
        "median_hours": charts.hours(figures.median_first_answer_seconds),
        "plotly_config": charts.PLOTLY_CONFIG,
        "network_url": _url_or_none("insights:network", community.slug),
        "my_level_url": _url_or_none("insights:my-level", community.slug),
        "file_query": f"?{query}" if query else "",
        "weeks_query": f"&weeks={weeks}" if weeks != queries.DEFAULT_WEEKS else "",
    }, status=400 if as_of_error else 200)


@require_safe
def dashboard_file(request, slug, chart, fmt):
    if chart not in charts.DASHBOARD_CHARTS or fmt not in FILE_TYPES:
        raise Http404
    community = community_for_insights(request, slug)
    if community is None:
        return redirect_to_login(request.get_full_path())
    weeks = queries.chosen_weeks(request.GET.get("weeks"))
    try:
        figures = queries.dashboard(community, weeks=weeks, as_of_value=request.GET.get("as_of"))
    except as_of.BadDate as error:
        return HttpResponseBadRequest(error.message, content_type="text/plain; charset=utf-8")
    table = charts.dashboard_chart(figures, chart).table
    return _file(table, fmt, f"{community.slug}-{chart}")


def _landscape_page(request):
    """The page of communities this user may compare, or None for anonymous visitors;
    NotAllowed when they may see the insights of no community."""
    if not policy.is_signed_in(request.user):
        return None
    paginator = Paginator(queries.landscape_communities(request.user),
                          queries.LANDSCAPE_PER_PAGE)
    if paginator.count == 0:
        raise NotAllowed("no community's insights to see")
    return paginator.get_page(str(request.GET.get("page", ""))[:10])


@require_safe
def landscape(request):
    page = _landscape_page(request)
    if page is None:
        return redirect_to_login(request.get_full_path())
    rows, weeks = queries.landscape_rows(page.object_list)
    return render(request, "insights/landscape.html", {
        "page": page, "body_html": charts.landscape_body_html(rows), "weeks": weeks,
        "level_labels": [charts.level_label(level) for level in charts.LEVEL_ORDER],
        "legend": [{"colour": charts.LEVEL_COLOURS[level], "label": charts.level_label(level)}
                   for level in charts.LEVEL_ORDER],
        "file_query": f"?page={page.number}" if page.number > 1 else "",
        "is_admin": policy.is_platform_admin(request.user),
    })


@require_safe
def landscape_file(request, fmt):
    if fmt not in FILE_TYPES:
        raise Http404
    page = _landscape_page(request)
    if page is None:
        return redirect_to_login(request.get_full_path())
    rows, weeks = queries.landscape_rows(page.object_list)
    suffix = f"-{page.number}" if page.paginator.num_pages > 1 else ""
    return _file(charts.landscape_table(rows, weeks), fmt,
                 slugify(f"landscape{suffix}") or "landscape")


@require_safe
def landscape_nav(request):
    """The header's link to the landscape (htmx), for people who steward or sponsor a
    community; the browser keeps the answer five minutes, so pages cost no query for it."""
    show = policy.is_signed_in(request.user) and \
        policy.insight_communities(request.user).exists()
    response = render(request, "insights/_landscape_nav.html", {"show": show})
    response["Cache-Control"] = "private, max-age=300"
    return response
