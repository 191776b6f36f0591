"""One page of a list for the API: `{"items", "count", "page", "pages"}`; a page before the
first gives the first, past the last the last."""

import math
from dataclasses import dataclass


@dataclass
class Page:
    rows: object  # the page's slice of the query, not yet read
    count: int
    page: int
    pages: int

    def body(self, items: list) -> dict:
        return {"items": items, "count": self.count, "page": self.page, "pages": self.pages}


def page_of(found, requested: int, size: int) -> Page:
    count = found.count()
    pages = max(1, math.ceil(count / size))
    page = min(max(requested, 1), pages)
    return Page(found[(page - 1) * size: page * size], count, page, pages)
