"""When an event happens, told in the viewer's time zone (and the event's own zone)."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cultivate.core.i18n import weekday_datetime

register = template.Library()


def _span(starts, ends) -> str:
    start = weekday_datetime(starts)
    if starts.date() == ends.date():
        return f"{start}–{date_format(ends, 'TIME_FORMAT')}"
    return f"{start} – {weekday_datetime(ends)}"


@register.simple_tag
def event_when(event, occurrence=None) -> SafeString:
    """`<time>` in the viewer's zone, then the same span in the event's zone when it differs.
    `occurrence`: one date of a repeating event instead of its first."""
    viewer_zone = timezone.get_current_timezone()
    viewer_name = str(getattr(viewer_zone, "key", viewer_zone))
    start_at, end_at = ((occurrence.starts_at, occurrence.ends_at) if occurrence is not None
                        else (event.starts_at, event.ends_at))
    starts, ends = timezone.localtime(start_at), timezone.localtime(end_at)
    html = format_html('<time datetime="{}">{}</time> <span class="zone">({})</span>',
                       start_at.isoformat(), _span(starts, ends),
                       _("your time, %(zone)s") % {"zone": viewer_name})
    if viewer_name != event.time_zone:
        zone = event.zone
        html += format_html(
            '<br><span class="meta">{}</span>',
            _("%(when)s in %(zone)s, the event's time zone") % {
                "when": _span(start_at.astimezone(zone), end_at.astimezone(zone)),
                "zone": event.time_zone})
    return html


@register.simple_tag
def home_events(community) -> SafeString:
    """The next events panel of a community home (cached per time zone with the content)."""
    from django.template.loader import render_to_string

    from cultivate.core.fragments import cached_fragment
    from cultivate.core.page_cache import community_scope
    from cultivate.events.queries import next_events

    return cached_fragment("home-events", community.pk, scopes=(community_scope(community.pk),),
                           render=lambda: render_to_string(
        "events/_home_events.html", {"community": community,
                                     "upcoming": next_events(community)}))
