"""Thin HTML views of the interaction network: the picture with its tables and files (for
those who see insights), and each member's own people worth meeting."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cultivate import policy
from cultivate.insights import as_of, network_charts, network_queries
from cultivate.insights.charts import PLOTLY_CONFIG, csv_lines
from cultivate.insights.views import community_for_insights
from cultivate.policy import Can


@require_safe
def network(request, slug):
    community = community_for_insights(request, slug)
    if community is None:
        return redirect_to_login(request.get_full_path())
    as_of_error = ""
    try:
        net = network_queries.network(community, request.GET.get("as_of"))
    except as_of.BadDate as error:  # the default date's network, with the date field's error
        net, as_of_error = network_queries.network(community), error.message
    return render(request, "insights/network.html", {
        "community": community, "net": net, "figure": network_charts.figure(net),
        "tables": network_charts.tables(net), "plotly_config": PLOTLY_CONFIG,
        "as_of": net.as_of, "as_of_error": as_of_error, "today": as_of.today()},
        status=400 if as_of_error else 200)


FILES = {"edges": (network_queries.edges, network_charts.edge_columns, network_charts.edge_row),
         "members": (network_queries.member_measures, network_charts.member_columns,
                     network_charts.member_row)}


@require_safe
def network_file(request, slug, which):
    community = community_for_insights(request, slug)
    if community is None:
        return redirect_to_login(request.get_full_path())
    read, columns, row_of = FILES[which]
    # Streamed: a large community has hundreds of thousands of ties (30 MB, and 450 MB of
    # memory when built whole).
    rows = (row_of(row) for row in read(community).iterator(chunk_size=2000))
    response = StreamingHttpResponse(csv_lines(columns(), rows),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{community.slug}-network-{which}.csv"')
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def people_to_meet(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.MEET_PEOPLE)
    suggestions, in_network = network_queries.people_to_meet(community, request.user)
    return render(request, "insights/people_to_meet.html", {
        "community": community, "suggestions": suggestions, "in_network": in_network})
