"""The network picture (a plotly figure as a plain dict, drawn by insights/charts.js) and the
tables beside it, which say everything the picture says in words and numbers."""

from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from cultivate.insights.charts import INK, LEVEL_COLOURS, Link, Table
from cultivate.insights.models import LEVEL_ORDER
from cultivate.insights.network_queries import UNRATED, Network, Person, level_label

# Each level has its own shape as well as its colour, and is named in the legend and on hover.
SYMBOLS = {"core": "diamond", "active": "circle", "occasional": "square",
           "peripheral": "triangle-up", "transactional": "circle-open", UNRATED: "x"}
COLOURS = LEVEL_COLOURS | {UNRATED: "#8a8f8c"}
TIE_COLOUR = "#b5bdb9"


def _link(person: Person) -> Link:
    return Link(person.name, reverse("people:profile", args=[person.username]))


def _hover(name: str, level: str, node) -> str:
    """Plotly reads tags in hover text: names go in escaped."""
    return _("%(name)s · %(level)s · ties: %(ties)d · betweenness: %(betweenness).3f") % {
        "name": escape(name), "level": level, "ties": node.degree, "betweenness": node.betweenness}


def figure(net: Network) -> dict | None:
    if not net.nodes:
        return None
    where = {node.person.id: (node.x, node.y) for node in net.nodes}
    xs, ys = [], []
    for source, target in net.lines:
        if source not in where or target not in where:
            continue
        xs += [where[source][0], where[target][0], None]
        ys += [where[source][1], where[target][1], None]
    data = [{"type": "scatter", "mode": "lines", "x": xs, "y": ys, "hoverinfo": "skip",
             "showlegend": False, "line": {"width": 0.7, "color": TIE_COLOUR}}]
    most = max(node.degree for node in net.nodes) or 1
    for level in [*LEVEL_ORDER, UNRATED]:
        nodes = [node for node in net.nodes if node.person.level == level]
        if not nodes:
            continue
        data.append({
            "type": "scatter", "mode": "markers",
            "name": f"{level_label(level)} ({len(nodes)})",
            "x": [node.x for node in nodes], "y": [node.y for node in nodes],
            "text": [_hover(node.person.name, level_label(level), node) for node in nodes],
            "hovertemplate": "%{text}<extra></extra>",
            "marker": {"symbol": SYMBOLS[level], "color": COLOURS[level],
                       "size": [7 + 17 * (node.degree / most) ** 0.5 for node in nodes],
                       "line": {"width": 1, "color": INK}},
        })
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    return {"data": data, "layout": {
        "height": 600, "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "hovermode": "closest", "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff",
        "xaxis": hidden, "yaxis": hidden | {"scaleanchor": "x"},
        "legend": {"title": {"text": _("Level of participation")}, "bgcolor": "#ffffff",
                   "bordercolor": INK, "borderwidth": 1},
        "font": {"color": INK}}}


def tables(net: Network) -> dict[str, Table]:
    brokers = Table("brokers", _("Brokers: who links people who would not meet otherwise"),
                    [_("Person"), _("Level"), _("Betweenness"), _("Ties")],
                    [[_link(row["person"]), row["person"].level_label, row["betweenness"],
                      row["degree"]] for row in net.brokers],
                    note=_("Betweenness: the share of shortest paths between two people that "
                           "pass through this person (0 to 1)."))
    spanners = Table("spanners", _("Boundary spanners: people with ties in several communities"),
                     [_("Person"), _("Level"), _("Communities with ties"), _("Ties here")],
                     [[_link(row["person"]), row["person"].level_label, row["communities"],
                       row["degree"]] for row in net.spanners])
    newcomers = Table("newcomers", _("Newcomers not yet connected"),
                      [_("Person"), _("Joined")],
                      [[_link(row["person"]), row["joined_at"]] for row in net.newcomers],
                      note=_("Joined in the last %(days)d days and have not replied to or "
                             "answered anyone yet, nor been answered.")
                      % {"days": net.figures.get("newcomer_days") or 90})
    pictured = Table("people", _("People in the picture"),
                     [_("Person"), _("Level"), _("Ties"), _("Betweenness"),
                      _("Communities with ties")],
                     [[_link(node.person), node.person.level_label, node.degree,
                       node.betweenness, node.communities_spanned]
                      for node in sorted(net.nodes, key=lambda n: (-n.degree, n.person.name))])
    return {"brokers": brokers, "spanners": spanners, "newcomers": newcomers,
            "people": pictured}


def member_columns() -> list[str]:
    return ["user_id", _("Username"), _("Name"), _("Level"), _("Ties"), _("Betweenness"),
            _("Communities with ties")]


def member_row(row: dict) -> list:
    return [row["user_id"], row["user__username"],
            row["user__display_name"] or row["user__username"],
            level_label(row["level"] or UNRATED), row["degree"], row["betweenness"],
            row["communities_spanned"]]


def edge_columns() -> list[str]:
    return ["source_id", _("From (username)"), _("From"), "target_id", _("To (username)"),
            _("To"), _("Times")]


def edge_row(row: dict) -> list:
    return [row["source_id"], row["source__username"],
            row["source__display_name"] or row["source__username"], row["target_id"],
            row["target__username"], row["target__display_name"] or row["target__username"],
            row["weight"]]
