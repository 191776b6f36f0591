from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join

from cultivate import policy
from cultivate.evaluation.applied.controls import applied_control
from cultivate.policy import Can

register = template.Library()


@register.simple_tag(takes_context=True)
def applied_this(context, kind: str, obj, community=None):
    """`{% applied_this "method" method %}`: how many applied it, and the member's button."""
    request = context.get("request")
    if request is None or obj is None:
        return ""
    community = community or getattr(obj, "community", None)
    may_apply = policy.is_signed_in(request.user) and community is not None and policy.can(
        request.user, Can.RECORD_APPLIED, community)
    return applied_control(request, kind, obj, may_apply=may_apply)


@register.simple_tag
def sparkline(trend, width=96, height=24):
    """A small line of the figures in `trend` [(start, value)], drawn on the server."""
    values = [float(v) for _start, v in trend if v is not None]
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 4) / (len(values) - 1)
    points = " ".join(f"{2 + i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
                      for i, v in enumerate(values))
    return format_html('<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" '
                       'aria-hidden="true" focusable="false"><polyline points="{}" fill="none" '
                       'stroke="currentColor" stroke-width="1.5"/></svg>',
                       width, height, width, height, points)


@register.filter
def figure(value):
    """A figure without trailing zeros: 12, 3.5, 1,250."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if value == value.to_integral():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


@register.simple_tag
def story_lines(lines, cycles, row_height=28, label_width=0):
    """Each story as a line across the cycles it reached: solid where it happened, dashed to
    what is hoped for. Cycles are columns; stories rows."""
    if not lines:
        return ""
    column, left, top = 110, 16, 28
    width = left + column * len(cycles)
    height = top + row_height * len(lines) + 8
    heads = format_html_join("", '<text x="{}" y="16" text-anchor="middle" class="axis">{}</text>',
                             ((left + column * i + column // 2, str(c.label).split()[0])
                              for i, c in enumerate(cycles)))
    body = []
    for row, line in enumerate(lines):
        y = top + row_height * row + row_height // 2
        xs = [(left + column * p + column // 2, aspirational) for p, aspirational in line.points]
        for (x1, _a1), (x2, a2) in zip(xs, xs[1:], strict=False):
            dash = ' stroke-dasharray="4 4"' if a2 else ""
            body.append(format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" class="story-line"{}/>',
                                    x1, y, x2, y, dash))
        for x, aspirational in xs:
            body.append(format_html('<circle cx="{}" cy="{}" r="6" class="{}"/>', x, y,
                                    "hoped" if aspirational else "reached"))
    return format_html('<svg class="story-lines" viewBox="0 0 {} {}" width="100%" role="img" '
                       'aria-labelledby="story-lines-title"><title id="story-lines-title">{}'
                       '</title>{}{}</svg>', width, height,
                       ", ".join(str(line.story.title) for line in lines), heads,
                       format_html_join("", "{}", ((piece,) for piece in body)))


@register.simple_tag
def bar_chart(pairs, title="", width=420, bar=18):
    """Horizontal bars of [(label, number)], drawn on the server (pages and PDF alike)."""
    pairs = [(str(label), float(value or 0)) for label, value in pairs]
    if not pairs:
        return ""
    high = max(value for _label, value in pairs) or 1.0
    label_width, gap = 130, 6
    height = len(pairs) * (bar + gap) + gap
    rows = []
    for i, (label, value) in enumerate(pairs):
        y = gap + i * (bar + gap)
        length = (width - label_width - 60) * value / high
        rows.append(format_html(
            '<text x="{}" y="{}" text-anchor="end" class="bar-label">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" class="bar"/>'
            '<text x="{}" y="{}" class="bar-value">{}</text>',
            label_width - 6, y + bar - 5, label, label_width, y, f"{length:.1f}", bar,
            f"{label_width + length + 4:.1f}", y + bar - 5, figure(Decimal(str(value)))))
    return format_html('<svg class="bar-chart" viewBox="0 0 {} {}" width="{}" role="img" '
                       'aria-label="{}" xmlns="http://www.w3.org/2000/svg">{}</svg>',
                       width, height, width, title,
                       format_html_join("", "{}", ((row,) for row in rows)))
