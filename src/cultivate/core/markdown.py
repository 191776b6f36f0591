"""User Markdown to safe HTML: markdown-it-py renders, nh3 sanitises (on save, never on read).

Images from other hosts are not embedded: loading them would tell that host who read the page
and when (a tracking pixel). They become a link that loads the image only when the reader clicks
it (static/cultivate/external_images.js); images on our own host and relative ones stay images.
"""

import html
import re
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}

# nh3 writes every tag it keeps in one normal form: <img src="..." alt="..."> with
# double-quoted, escaped values, so its output can be read back reliably.
_IMG = re.compile(r"<img\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
# What defer_external_images writes: not words of the text, so search leaves it out.
_PLACEHOLDER = re.compile(r'<(a|span) class="external-image"[^>]*>[^<]*</\1>')


def render_markdown(source: str) -> str:
    """Render Markdown and strip anything that could run script or escape the page."""
    html_text = _renderer.render(source or "")
    cleaned = nh3.clean(
        html_text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return defer_external_images(cleaned)


def own_hosts() -> set[str]:
    """Hosts (with port) whose images are ours: the site itself and where media are served."""
    hosts = {urlsplit(settings.SITE_URL).netloc.lower()}
    media = urlsplit(getattr(settings, "MEDIA_URL", "") or "")
    if media.netloc:
        hosts.add(media.netloc.lower())
    return hosts - {""}


def external_host(src: str, hosts: set[str]) -> str | None:
    """The host an image would be fetched from, or None when it is relative or ours."""
    parts = urlsplit(src.strip())
    if not parts.netloc:
        return None
    host = parts.netloc.lower().rsplit("@", 1)[-1]
    return None if host in hosts else host


def defer_external_images(sanitised_html: str) -> str:
    """Replace each <img> from another host with a link to it that the page's script turns into
    the image on a click (without script, the link opens the image: the reader chose to).

    Takes HTML nh3 has already cleaned (it is also applied to HTML stored before this existed);
    what it writes back is escaped here, so the result stays safe. An image inside a link
    becomes text, since links cannot nest."""
    if "<img" not in sanitised_html:
        return sanitised_html
    hosts = own_hosts()
    parts, done = [], 0
    for match in _IMG.finditer(sanitised_html):
        attributes = {name.lower(): html.unescape(value)
                      for name, value in _ATTRIBUTE.findall(match.group(1))}
        host = external_host(attributes.get("src", ""), hosts)
        if host is None:
            continue
        before = sanitised_html[:match.start()]
        inside_link = before.count("<a ") > before.count("</a>")
        parts.append(sanitised_html[done:match.start()])
        parts.append(_placeholder(attributes["src"], attributes.get("alt", ""), host,
                                  inside_link=inside_link))
        done = match.end()
    parts.append(sanitised_html[done:])
    return "".join(parts)


def _placeholder(src: str, alt: str, host: str, *, inside_link: bool) -> str:
    label = _("External image from %(host)s — load") % {"host": host}
    if inside_link:
        label = _("External image from %(host)s") % {"host": host}
    text = html.escape(f"{alt}: {label}" if alt else label)
    if inside_link:
        return f'<span class="external-image">{text}</span>'
    return (f'<a class="external-image" href="{html.escape(src)}" data-alt="{html.escape(alt)}"'
            f' rel="nofollow noopener noreferrer">{text}</a>')


def plain_text(*html_parts: str) -> str:
    """Rendered (sanitised) HTML back to plain text, parts separated by blank lines: what the
    search index reads."""
    return "\n\n".join(text for part in html_parts
                        if part and (text := html.unescape(strip_tags(
                            _PLACEHOLDER.sub("", part))).strip()))
