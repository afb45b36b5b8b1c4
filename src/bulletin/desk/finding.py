"""The desk's find form: words, filters and pages over every entry the member may see.

The searching itself is :mod:`bulletin.blogs.search` (the API's too); this module reads the
form's query string and gives the page what it shows: a page of result cards, the links to
the other pages, and the team to filter by.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict

from bulletin.blogs import search
from bulletin.desk.access import Desk, entries_of

# Names in a desk URL that ask for the find view (the filters, or a page of all entries).
FIND_PARAMETERS = (*search.FILTER_NAMES, "page")


@dataclass(frozen=True)
class Finding:
    """What the find form asked for and the page of entries that answers it."""

    filters: search.Filters
    page: search.Page
    # The query string of the filters without the page: for the paging links and live refresh.
    query: str

    @property
    def previous_link(self) -> str:
        return self._link(self.page.number - 1) if self.page.has_previous else ""

    @property
    def next_link(self) -> str:
        return self._link(self.page.number + 1) if self.page.has_next else ""

    def _link(self, number: int) -> str:
        return "?" + urlencode([*_pairs(self.query), ("page", str(number))])


def _pairs(query: str) -> list[tuple[str, str]]:
    return [(name, str(value)) for name, value in QueryDict(query).items()]


def asks_to_find(params: QueryDict) -> bool:
    return any(params.get(name, "").strip() for name in FIND_PARAMETERS)


def find(desk: Desk, params: QueryDict) -> Finding:
    """The page of entries the query string asks for (ValidationFailed for a bad filter)."""
    filters = search.read_filters(params)
    number = search.read_page(params.get("page"))
    entries = search.find(desk.blog, entries_of(desk), filters).select_related(
        "created_by", "image"
    )
    kept = [(name, params.get(name, "").strip()) for name in search.FILTER_NAMES]
    query = urlencode([(name, value) for name, value in kept if value])
    return Finding(filters, search.page_of(entries, number), query)
