"""User Markdown to safe HTML: markdown-it-py renders, nh3 sanitises (on save, never on read)."""

import html

import nh3
from django.utils.html import strip_tags
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}


def render_markdown(source: str) -> str:
    """Render Markdown and strip anything that could run script or escape the page."""
    html = _renderer.render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


def plain_text(*html_parts: str) -> str:
    """Rendered (sanitised) HTML back to plain text, parts separated by blank lines: what the
    search index reads."""
    return "\n\n".join(text for part in html_parts
                        if part and (text := html.unescape(strip_tags(part)).strip()))
