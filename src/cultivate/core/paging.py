"""One page of a list for the API: `{"items", "count", "page", "pages"}`; a page before the
first gives the first, past the last the last.

Counting a long filtered list costs a scan: a list whose rows all belong to cached scopes (a
community's topics) passes them, and its count is kept until one of them changes (see
core/page_cache.py), so a page of it costs the page's own rows only."""

import math
from dataclasses import dataclass

from cultivate.core.fragments import cached


@dataclass
class Page:
    rows: object  # the page's slice of the query, not yet read
    count: int
    page: int
    pages: int

    def body(self, items: list) -> dict:
        return {"items": items, "count": self.count, "page": self.page, "pages": self.pages}


def page_of(found, requested: int, size: int, *, count_scopes: tuple[str, ...] = ()) -> Page:
    count = (cached("list-count", str(found.query), scopes=count_scopes, compute=found.count)
             if count_scopes else found.count())
    pages = max(1, math.ceil(count / size))
    page = min(max(requested, 1), pages)
    return Page(found[(page - 1) * size: page * size], count, page, pages)
