"""A line-by-line diff as HTML: escaped text in <ins>, <del> and <span>, shown in a
`pre.diff` (the method history shows its changes the same way)."""

import difflib

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def line_diff(before: str, after: str) -> SafeString:
    lines = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        mark, text = line[:2], escape(line[2:])
        if mark == "+ ":
            lines.append(f"<ins>{text}</ins>")
        elif mark == "- ":
            lines.append(f"<del>{text}</del>")
        elif mark == "  ":
            lines.append(f"<span>{text}</span>")
    return mark_safe("\n".join(lines))  # noqa: S308 - every piece of text is escaped above
