"""@name in a post becomes a link to that person's profile, when such a person exists.

Works on the sanitised HTML (so nothing here can let markup in): only text outside tags, and
not inside code, pre or an existing link, is touched; names are escaped when written back."""

import re

from django.urls import reverse
from django.utils.html import escape

MENTION = re.compile(r"(?<![\w@/])@([\w.+-]{1,150})")
MAX_MENTIONS = 20
_TOKENS = re.compile(r"(<[^>]+>)")
_SKIPPED = ("a", "code", "pre")


def mentioned_names(text: str) -> list[str]:
    return list(dict.fromkeys(name.rstrip(".") for name in MENTION.findall(text)))[:MAX_MENTIONS]


def link_mentions(sanitised_html: str, existing: set[str]) -> str:
    if not existing or "@" not in sanitised_html:
        return sanitised_html
    depth = dict.fromkeys(_SKIPPED, 0)
    out = []
    for token in _TOKENS.split(sanitised_html):
        if token.startswith("<"):
            _track(token, depth)
            out.append(token)
        elif any(depth.values()):
            out.append(token)
        else:
            out.append(MENTION.sub(lambda m: _link(m, existing), token))
    return "".join(out)


def _track(tag: str, depth: dict) -> None:
    name = tag.strip("</>").split()[0].lower() if tag.strip("</>") else ""
    if name in depth:
        depth[name] = max(0, depth[name] + (-1 if tag.startswith("</") else 1))


def _link(match, existing: set[str]) -> str:
    name = match.group(1).rstrip(".")
    trailing = match.group(1)[len(name):]
    if name not in existing:
        return match.group(0)
    url = reverse("people:profile", args=[name])
    return f'<a class="mention" href="{escape(url)}">@{escape(name)}</a>{trailing}'
