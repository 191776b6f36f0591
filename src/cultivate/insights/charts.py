"""The dashboards' charts: plotly figures (plain dicts in plotly.js's own schema, so no figure
objects are built or validated per request) and, from the same numbers, one table per chart
that the page shows beside the picture and that downloads as CSV and XLSX."""

import csv
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from cultivate.communities.models import Stage
from cultivate.core.spreadsheets import as_text_cell
from cultivate.insights.models import LEVEL_ORDER, Level
from cultivate.insights.queries import KINDS, Dashboard, LandscapeRow

INK = "#1b2a24"
# Core in the deepest green, transactional (outsiders) white with a dashed edge: every ring is
# outlined in ink, and every ring is named by a label, so colour is never the only cue.
LEVEL_COLOURS = {"core": "#1b4332", "active": "#2d6a4f", "occasional": "#74c69d",
                 "peripheral": "#d8f3dc", "transactional": "#ffffff"}
# Okabe-Ito (safe for colour blindness) with a fill pattern per series.
SERIES = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
          "#999999"]
PATTERNS = ["", "/", ".", "x", "\\", "+", "-", "|"]
PLOTLY_CONFIG = {"responsive": True, "displayModeBar": False, "displaylogo": False}

DASHBOARD_CHARTS = ("levels", "levels-over-time", "members", "contributions", "questions",
                    "answer-time", "attendance", "unanswered", "useful-content")


@dataclass
class Link:
    text: str
    url: str  # a path on this site, "" for plain text

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    slug: str
    caption: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""

    def body_html(self) -> SafeString:
        """The table's rows as HTML, built here rather than in a template loop: a two-year
        dashboard has thousands of cells and the template engine would spend most of the
        page's time on them. Every value is escaped."""
        if not self.rows:
            return format_html('<tr><td colspan="{}">{}</td></tr>', len(self.columns),
                               _("Nothing to show yet."))
        out = []
        point = formats.get_format("DECIMAL_SEPARATOR")
        for row in self.rows:
            cells = [f'<th scope="row">{_cell_html(row[0], point)}</th>']
            cells += [f'<td class="{_kind(value)}">{_cell_html(value, point)}</td>'
                      for value in row[1:]]
            out.append("<tr>" + "".join(cells) + "</tr>")
        return mark_safe("\n".join(out))  # noqa: S308 - every cell went through _cell_html

    def flat(self) -> tuple[list[str], list[list]]:
        """Columns and rows for files: a linked cell adds a column with the full address."""
        first = self.rows[0] if self.rows else []
        linked = [i for i, value in enumerate(first) if isinstance(value, Link)]
        columns = [_("%(column)s (UTC)") % {"column": name}
                   if i < len(first) and isinstance(first[i], datetime) else name
                   for i, name in enumerate(self.columns)]
        columns += [_("%(column)s (address)") % {"column": self.columns[i]} for i in linked]
        rows = [list(row) + [settings.SITE_URL + row[i].url if row[i].url else ""
                             for i in linked] for row in self.rows]
        return columns, rows


@dataclass
class Chart:
    slug: str
    title: str
    summary: str  # what the picture shows, for people who do not see it
    table: Table
    figure: dict | None = None  # None: the table is the figure (lists of questions, content)

    @property
    def is_empty(self) -> bool:
        """No row, or nothing but zeros and blanks after the first column: no picture to draw."""
        return not any(cell not in (0, None, "") for row in self.table.rows for cell in row[1:])


def _cell_html(value, point: str = ".") -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(value).replace(".", point)
    if isinstance(value, Link):
        if value.url:
            return f'<a href="{escape(value.url)}">{escape(value.text)}</a>'
        return escape(value.text)
    if isinstance(value, datetime):
        return escape(formats.date_format(timezone.localtime(value), "DATETIME_FORMAT"))
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return "—"
    return escape(value)


def _kind(value) -> str:
    if isinstance(value, Link):
        return "link"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if isinstance(value, bool) or value is None:
        return "text"
    if isinstance(value, int | float):
        return "number"
    return "text"


def level_label(level: str) -> str:
    try:
        return str(Level(level).label)
    except ValueError:
        return level


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind.replace("_", " ").capitalize()))


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


DAY_MS = 24 * 3600 * 1000


def _layout(title: str, x_title: str, y_title: str, *, x=(), **extra) -> dict:
    """A week-by-week chart's layout. With a single week on the axis, plotly would zoom to
    hours (23:59:59.999): show a fortnight around it instead, labelled by day."""
    layout = {
        "meta": {"title": title},  # the page's heading names the chart; no second title
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                 "color": INK, "size": 14},
        "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
        "margin": {"l": 60, "r": 20, "t": 20, "b": 60},
        "xaxis": {"title": {"text": x_title}, "gridcolor": "#e3e9e5", "linecolor": INK,
                  "type": "date", "tickformat": "%d %b %Y", "automargin": True},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero", "gridcolor": "#e3e9e5",
                  "linecolor": INK},
        "legend": {"orientation": "h", "y": -0.3, "yanchor": "top"},
        "hovermode": "x unified",
    }
    if len(set(x)) == 1:
        only = date.fromisoformat(str(x[0])[:10])
        layout["xaxis"]["range"] = [(only - timedelta(days=7)).isoformat(),
                                    (only + timedelta(days=7)).isoformat()]
        layout["xaxis"]["dtick"] = 7 * DAY_MS
    layout.update(extra)
    return layout


def _bar(name: str, x: list, y: list, index: int) -> dict:
    return {"type": "bar", "name": name, "x": x, "y": y,
            "marker": {"color": SERIES[index % len(SERIES)],
                       "line": {"color": INK, "width": 1},
                       "pattern": {"shape": PATTERNS[index % len(PATTERNS)],
                                   "fillmode": "overlay", "fgcolor": INK, "size": 6,
                                   "solidity": 0.2}}}


# --- the levels: the concentric picture -------------------------------------------------

def ring_radii(counts: dict[str, int], *, floor: float = 0.12) -> list[float]:
    """Outer radius of each level's ring from the core outwards, the whole picture 1 wide.
    Areas follow the numbers of people, but every ring keeps a visible width."""
    total = sum(counts.get(level, 0) for level in LEVEL_ORDER)
    radii, inside = [], 0
    for level in LEVEL_ORDER:
        inside += counts.get(level, 0)
        radii.append((inside / total) ** 0.5 if total else (len(radii) + 1) / len(LEVEL_ORDER))
    widths, previous = [], 0.0
    for radius in radii:
        widths.append(max(radius - previous, floor))
        previous = radius
    scale = sum(widths)
    out, edge = [], 0.0
    for width in widths:
        edge += width / scale
        out.append(round(edge, 4))
    return out


def levels_figure(counts: dict[str, int]) -> dict:
    """Nested circles: the core group in the centre, transactional participants outermost,
    each ring named (with its people and share) by a label outside the picture."""
    total = sum(counts.values())
    radii = ring_radii(counts)
    shapes = []
    for level, radius in reversed(list(zip(LEVEL_ORDER, radii, strict=True))):
        shapes.append({"type": "circle", "xref": "x", "yref": "y", "x0": -radius,
                       "y0": -radius, "x1": radius, "y1": radius, "layer": "below",
                       "fillcolor": LEVEL_COLOURS[level],
                       "line": {"color": INK, "width": 1.5,
                                "dash": "dash" if level == "transactional" else "solid"}})
    annotations, points_x, points_y, hover = [], [], [], []
    inner = 0.0
    for index, (level, radius) in enumerate(zip(LEVEL_ORDER, radii, strict=True)):
        middle = 0.0 if index == 0 else (inner + radius) / 2
        inner = radius
        angle = math.radians(75 - index * 30)  # spread the anchors over the right half
        x, y = middle * math.cos(angle), middle * math.sin(angle)
        people = counts.get(level, 0)
        text = _("%(level)s: %(people)s (%(share)s%%)") % {
            "level": level_label(level), "people": people, "share": share(people, total)}
        label_y = 0.9 - index * 0.45  # labels in a column right of the picture
        annotations.append({"x": x, "y": y, "xref": "x", "yref": "y", "ax": 1.25,
                            "ay": label_y, "axref": "x", "ayref": "y", "text": text,
                            "showarrow": True, "arrowhead": 0, "arrowwidth": 1.5,
                            "arrowcolor": INK, "xanchor": "left", "font": {"color": INK},
                            "bgcolor": "#ffffff", "bordercolor": INK, "borderpad": 3})
        points_x.append(x)
        points_y.append(y)
        hover.append(text)
    return {
        "data": [{"type": "scatter", "mode": "markers", "x": points_x, "y": points_y,
                  "hovertext": hover, "hoverinfo": "text", "showlegend": False,
                  "marker": {"size": 8, "color": INK, "symbol": "circle"}}],
        "layout": {
            "meta": {"title": _("Levels of participation now")},
            "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                     "color": INK, "size": 14},
            "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10}, "height": 400,
            "xaxis": {"visible": False, "range": [-1.05, 2.75], "fixedrange": True},
            "yaxis": {"visible": False, "range": [-1.05, 1.05], "scaleanchor": "x",
                      "scaleratio": 1, "fixedrange": True},
            "shapes": shapes, "annotations": annotations, "hovermode": "closest",
        },
    }


# --- the dashboard -------------------------------------------------------------------------

def _weeks_x(dashboard: Dashboard) -> list[str]:
    return [week.week.isoformat() for week in dashboard.weeks]


def _levels_chart(d: Dashboard) -> Chart:
    total = d.people_in_levels
    table = Table("levels", _("People at each level of participation now"),
                  [_("Level"), _("People"), _("Share (%)")],
                  [[level_label(level), d.levels[level], share(d.levels[level], total)]
                   for level in LEVEL_ORDER])
    summary = _("Nested circles, the core group in the centre and transactional participants "
                "outermost; each ring's area follows its number of people. ") + "; ".join(
        f"{level_label(level)}: {d.levels[level]}" for level in LEVEL_ORDER) + "."
    return Chart("levels", _("Levels of participation now"), summary, table,
                 levels_figure(d.levels))


def _levels_over_time_chart(d: Dashboard) -> Chart:
    x = [day.isoformat() for day, _counts in d.level_history]
    traces = []
    for index, level in enumerate(LEVEL_ORDER):
        traces.append({"type": "scatter", "name": level_label(level),
                       "x": x, "y": [counts[level] for _day, counts in d.level_history],
                       "stackgroup": "levels", "line": {"color": INK, "width": 1},
                       "mode": "lines+markers" if len(x) == 1 else "lines",
                       "fillcolor": LEVEL_COLOURS[level],
                       "fillpattern": {"shape": PATTERNS[index], "fillmode": "overlay",
                                       "fgcolor": INK if index > 1 else "#ffffff",
                                       "solidity": 0.15}})
    table = Table("levels-over-time", _("People at each level, week by week"),
                  [_("Week starting"), *(level_label(level) for level in LEVEL_ORDER)],
                  [[day, *(counts[level] for level in LEVEL_ORDER)]
                   for day, counts in d.level_history],
                  note=_("From the last snapshot taken in each week."))
    return Chart("levels-over-time", _("Levels of participation over time"),
                 _("Stacked areas of the number of people at each level, week by week, the "
                   "core group at the bottom."), table,
                 {"data": traces, "layout": _layout(_("Levels of participation over time"),
                                                    _("Week starting"), _("People"), x=x)})


def _members_chart(d: Dashboard) -> Chart:
    x = _weeks_x(d)
    traces = [_bar(_("New members"), x, [w.new_members for w in d.weeks], 0),
              _bar(_("Returning members"), x, [w.returning_members for w in d.weeks], 1)]
    table = Table("members", _("New and returning members per week"),
                  [_("Week starting"), _("New members"), _("Returning members")],
                  [[w.week, w.new_members, w.returning_members] for w in d.weeks])
    return Chart("members", _("New and returning members"),
                 _("Stacked bars per week: people who took part for the first time and people "
                   "who came back."), table,
                 {"data": traces, "layout": _layout(_("New and returning members"),
                                                    _("Week starting"), _("People"),
                                                    barmode="stack", x=x)})


def _contributions_chart(d: Dashboard) -> Chart:
    x = _weeks_x(d)
    traces = [_bar(kind_label(kind), x, [w.contributions.get(kind, 0) for w in d.weeks], i)
              for i, kind in enumerate(d.kinds)]
    table = Table("contributions", _("Contributions by kind per week"),
                  [_("Week starting"), *(kind_label(kind) for kind in d.kinds), _("Total")],
                  [[w.week, *(w.contributions.get(kind, 0) for kind in d.kinds),
                    w.total_contributions] for w in d.weeks])
    return Chart("contributions", _("Contributions by kind"),
                 _("Stacked bars per week, one part per kind of contribution."), table,
                 {"data": traces, "layout": _layout(_("Contributions by kind"),
                                                    _("Week starting"), _("Contributions"),
                                                    barmode="stack", x=x)})


def _questions_chart(d: Dashboard) -> Chart:
    x = _weeks_x(d)
    traces = [_bar(_("Questions asked"), x, [w.questions for w in d.weeks], 0),
              _bar(_("Of them answered"), x, [w.questions_answered for w in d.weeks], 2)]
    table = Table("questions", _("Questions asked and answered per week"),
                  [_("Week starting"), _("Questions asked"), _("Of them answered")],
                  [[w.week, w.questions, w.questions_answered] for w in d.weeks],
                  note=_("A week's answered questions are those asked that week that have an "
                         "answer now."))
    return Chart("questions", _("Questions asked and answered"),
                 _("Bars side by side per week: questions asked, and how many of them have "
                   "been answered."), table,
                 {"data": traces, "layout": _layout(_("Questions asked and answered"),
                                                    _("Week starting"), _("Questions"),
                                                    barmode="group", x=x)})


def _answer_time_chart(d: Dashboard) -> Chart:
    x = _weeks_x(d)
    overall = hours(d.median_first_answer_seconds)
    traces = [{"type": "scatter", "mode": "lines+markers", "name": _("Median of the week"),
               "x": x, "y": [hours(w.median_first_answer_seconds) for w in d.weeks],
               "connectgaps": False, "line": {"color": SERIES[0], "width": 2},
               "marker": {"symbol": "circle", "size": 7, "color": SERIES[0],
                          "line": {"color": INK, "width": 1}}}]
    if overall is not None and x:
        traces.append({"type": "scatter", "mode": "lines", "name": _("Median overall"),
                       "x": [x[0], x[-1]], "y": [overall, overall], "hoverinfo": "skip",
                       "line": {"color": INK, "width": 1.5, "dash": "dash"}})
    table = Table("answer-time", _("Median time to a first answer per week (hours)"),
                  [_("Week starting"), _("Median hours to a first answer"),
                   _("Questions answered")],
                  [[w.week, hours(w.median_first_answer_seconds), w.answers_timed]
                   for w in d.weeks],
                  note=(_("Median over all questions: %(hours)s hours.") % {"hours": overall}
                        if overall is not None else _("No question has been answered yet.")))
    return Chart("answer-time", _("Time to a first answer"),
                 _("A line of the median number of hours questions of each week waited for a "
                   "first answer, and a dashed line for the median over all questions."),
                 table, {"data": traces, "layout": _layout(_("Time to a first answer"),
                                                           _("Week starting"), _("Hours"), x=x)})


def _attendance_chart(d: Dashboard) -> Chart:
    x = _weeks_x(d)
    table = Table("attendance", _("Event attendance per week"),
                  [_("Week starting"), _("Attendance")],
                  [[w.week, w.attendance] for w in d.weeks])
    return Chart("attendance", _("Event attendance"),
                 _("Bars of the number of people who attended learning events each week."),
                 table, {"data": [_bar(_("Attendance"), x, [w.attendance for w in d.weeks], 2)],
                         "layout": _layout(_("Event attendance"), _("Week starting"),
                                           _("People"), x=x)})


def _unanswered_chart(d: Dashboard) -> Chart:
    table = Table("unanswered", _("Questions waiting for an answer, oldest first"),
                  [_("Question"), _("Asked")],
                  [[Link(row["title"], row["url"]), row["asked_at"]] for row in d.unanswered])
    if d.unanswered_count > len(d.unanswered):
        table.note = _("The %(shown)s oldest of %(count)s.") % {
            "shown": len(d.unanswered), "count": d.unanswered_count}
    return Chart("unanswered", _("Unanswered questions"), "", table)


def _useful_chart(d: Dashboard) -> Chart:
    kinds = {"topic": _("Topic"), "post": _("Reply")}
    table = Table("useful-content", _("Content others found most useful, best first"),
                  [_("Title"), _("Kind"), _("Score")],
                  [[Link(row["title"], row["url"]), str(kinds.get(row["kind"], row["kind"])),
                    row["score"]] for row in d.useful_content],
                  note=_("A helpful mark counts 1, being the accepted answer 3."))
    return Chart("useful-content", _("Most useful content"), "", table)


BUILDERS = {"levels": _levels_chart, "levels-over-time": _levels_over_time_chart,
            "members": _members_chart, "contributions": _contributions_chart,
            "questions": _questions_chart, "answer-time": _answer_time_chart,
            "attendance": _attendance_chart, "unanswered": _unanswered_chart,
            "useful-content": _useful_chart}


def dashboard_charts(d: Dashboard) -> list[Chart]:
    return [BUILDERS[slug](d) for slug in DASHBOARD_CHARTS]


def dashboard_chart(d: Dashboard, slug: str) -> Chart:
    return BUILDERS[slug](d)


# --- the landscape -------------------------------------------------------------------------

def landscape_table(rows: list[LandscapeRow], weeks: list[date]) -> Table:
    link = reverse("insights:dashboard", args=["-slug-"])
    stages = {value: str(label) for value, label in Stage.choices}
    return Table(
        "landscape", _("Communities side by side"),
        [_("Community"), _("Lifecycle stage"), _("Stage since"), _("Signals at risk"),
         _("Signals to watch"), _("Members"),
         *(level_label(level) for level in LEVEL_ORDER),
         _("Contributions in the last %(weeks)s weeks") % {"weeks": len(weeks)},
         *(_("Week of %(day)s") % {"day": day.isoformat()} for day in weeks)],
        [[Link(row.community.name, link.replace("-slug-", row.community.slug)),
          stages.get(row.community.stage, row.community.stage),
          row.stage_since.date() if row.stage_since else None,
          row.health.get("at_risk"), row.health.get("watch"), row.members,
          *(row.levels[level] for level in LEVEL_ORDER), row.recent_contributions,
          *row.trend] for row in rows])


def landscape_body_html(rows: list[LandscapeRow]) -> SafeString:
    """The landscape's rows as HTML (a hundred communities: built here, not in a template
    loop, for the page's time). Pictures are decorative: their numbers are cells beside them."""
    if not rows:
        return format_html('<tr><td colspan="10">{}</td></tr>', _("Nothing to show yet."))
    link = reverse("insights:dashboard", args=["-slug-"])
    stages = {value: escape(str(label)) for value, label in Stage.choices}
    per_week = escape(_("per week, oldest first:"))
    out = []
    for row in rows:
        community = row.community
        bar = "".join(
            f'<rect x="{part["x"]}" y="0.5" width="{part["width"]}" height="15" '
            f'fill="{part["colour"]}" stroke="{INK}" stroke-width="1"/>'
            for part in level_bar(row.levels) if part["width"])
        if not row.people_in_levels:
            bar = ('<rect x="0.5" y="0.5" width="119" height="15" fill="none" '
                   'stroke="#4a5a53" stroke-dasharray="3 2"/>')
        counts = "".join(f'<td class="number">{count}</td>' for count in row.level_counts)
        trend = ", ".join(str(value) for value in row.trend)
        out.append(
            f'<tr><th scope="row"><a href="{escape(link.replace("-slug-", community.slug))}">'
            f'{escape(community.name)}</a></th>'
            f'<td>{stages.get(community.stage, escape(community.stage))}'
            f'{_stage_age(row.stage_since)}</td>{_health_cell(row.health)}'
            f'<td class="number">{row.members}</td>'
            f'<td><svg class="level-bar" width="120" height="16" aria-hidden="true" '
            f'focusable="false">{bar}</svg></td>{counts}'
            f'<td class="trend"><svg class="sparkline" width="120" height="28" '
            f'aria-hidden="true" focusable="false"><polyline points="{sparkline(row.trend)}" '
            f'fill="none" stroke="#1f6e43" stroke-width="2"/></svg> '
            f'<span class="number">{row.recent_contributions}</span> '
            f'<span class="visually-hidden">{per_week} {trend}</span></td></tr>')
    return mark_safe("\n".join(out))  # noqa: S308 - names escaped, the rest are numbers


def _stage_age(since) -> str:
    if since is None:
        return ""
    return format_html('<br><span class="meta">{}</span>', _("for %(age)s") % {
        "age": timesince(since, depth=1)})


def _health_cell(health: dict) -> str:
    """"2 at risk, 3 to watch" (text, not colour alone); empty until the job read it."""
    if not health:
        return '<td class="meta">—</td>'
    return format_html('<td>{}</td>', _("%(risk)d at risk, %(watch)d to watch") % {
        "risk": health.get("at_risk", 0), "watch": health.get("watch", 0)})


def level_bar(levels: dict[str, int], *, width: int = 120) -> list[dict]:
    """Segments of a small stacked bar (x and width in pixels), core first."""
    total = sum(levels.values())
    out, x = [], 0.0
    for level in LEVEL_ORDER:
        part = width * levels[level] / total if total else 0
        out.append({"level": level, "x": round(x, 1), "width": round(part, 1),
                    "colour": LEVEL_COLOURS[level]})
        x += part
    return out


def sparkline(values: list[int], *, width: int = 120, height: int = 28) -> str:
    """The points of a polyline for a small trend line (SVG user units)."""
    if not values:
        return ""
    top = max(values) or 1
    step = width / max(len(values) - 1, 1)
    return " ".join(f"{i * step:.1f},{height - 2 - (height - 4) * v / top:.1f}"
                    for i, v in enumerate(values))


# --- files ---------------------------------------------------------------------------------

def _file_value(value):
    if isinstance(value, Link):
        return value.text
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return value


def _text_cell(value) -> str:
    """A cell a spreadsheet would run as a formula starts with a quote (CSV)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return as_text_cell(value) if isinstance(value, str) else str(value)


def as_csv(table: Table) -> str:
    return "".join(csv_lines(*table.flat()))


class _Line:
    """What csv.writer writes to: hands each line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(columns: list[str], rows: Iterable[list]) -> Iterator[str]:
    """A CSV file line by line (for streaming large ones); formula-like cells neutralised."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow([_text_cell(c) for c in columns])
    for row in rows:
        yield writer.writerow([_text_cell(_file_value(value)) for value in row])


def as_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    columns, rows = table.flat()
    book = Workbook()
    sheet = book.active
    sheet.title = table.slug[:31]
    for col, name in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=col, value=ILLEGAL_CHARACTERS_RE.sub("", str(name)))
        cell.data_type = "s"
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            value = _file_value(value)
            if isinstance(value, datetime):
                cell = sheet.cell(row=r, column=col, value=value.replace(tzinfo=None))
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell = sheet.cell(row=r, column=col, value=value)
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.cell(row=r, column=col, value=value)
            elif value is not None:
                # Text is always text: a title starting with "=" must not become a formula.
                cell = sheet.cell(row=r, column=col,
                                  value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
