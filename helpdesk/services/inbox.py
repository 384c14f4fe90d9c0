"""The staff inbox: the quick-filter counts, then the page; or a search.

`list_inbox(InboxQuery)` answers without text from the database (`list_inbox_sql`, whose
SQL lives in `inbox_sql`: the plain listing, and the query language matched in SQL by
search.sql for the few complaints in mediation or with a failed email, which the
search backends cannot filter), and with text through `helpdesk.search.search_inbox`
(ranked ids, total, facets per category and status, snippets, a hint), then loads the
page's rows in one query; text naming one whole code, order number or email address also
brings the complaints it names whatever the filters (`inbox_exact`), first. The counts of
the quick filters take one statement (`inbox_counts`), shown while searching too, and hold
the total of the common listings. Rows are plain `InboxItem`s (`inbox_items`), not ORM
objects. The URL parameters live in `inbox_filters`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from markupsafe import Markup
from sqlalchemy import Select, bindparam, select

from .. import search
from ..database.reads import read
from ..domain.inbox import InboxQuery
from ..models import Complaint, Staff
from .inbox_counts import count_filters, counts_and_changes, inbox_dates, known_total
from .inbox_exact import find_exact_hits
from .inbox_filters import OPEN_KEYS, PER_PAGE, InboxFilters
from .inbox_items import ASSIGNEE_COLUMNS, ITEM_COLUMNS, InboxItem, item_from_row
from .inbox_sql import is_new_answer, last_staff_message, list_rows

__all__ = [
    "OPEN_KEYS",
    "PER_PAGE",
    "InboxFilters",
    "InboxPage",
    "assignable_staff",
    "count_filters",
    "inbox_dates",
    "list_inbox",
    "list_inbox_sql",
]


@dataclass
class InboxPage:
    """One page of the inbox: the complaints, the total, and counts for the quick filters
    (without text) or, for a search, the facets, snippets and hint of the search."""

    rows: list[InboxItem]
    total: int
    query: InboxQuery
    counts: dict[str, int] = field(default_factory=dict)
    #: The inbox change counter's value the counts are true at (None: not to be kept).
    changes: int | None = None
    #: Complaints where the customer wrote after the last staff message.
    new_answer: set[int] = field(default_factory=set)
    snippets: dict[int, list[Markup]] = field(default_factory=dict)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    hint: str | None = None
    fallback: bool = False
    #: Complaints the typed code, order number or email address names exactly.
    exact: set[int] = field(default_factory=set)
    #: How many of those the filters left out (shown on page 1 all the same, in `total`).
    outside_filters: int = 0

    @property
    def pages(self) -> int:
        """How many pages there are (at least 1); exact hits from outside the filters are
        extra rows of page 1."""
        return max(1, -(-(self.total - self.outside_filters) // self.query.per_page))

    @property
    def searching(self) -> bool:
        """True when the page answers a search (text typed)."""
        return bool(self.query.text)

    def matches_in(self, status: str) -> int:
        """Search matches for a status filter value ("open", "all" or a status), with every
        other filter applied (from the status facet)."""
        counts = self.facets.get("status", {})
        keys = OPEN_KEYS if status == "open" else counts if status == "all" else (status,)
        return sum(counts.get(key, 0) for key in keys)


def list_inbox(
    query: InboxQuery, *, me: int | None = None, now: datetime | None = None
) -> InboxPage:
    """The page of complaints `query` asks for, with the quick-filter counts for `me` (a
    search has its own counts per category and status besides)."""
    counts, changes = counts_and_changes(me=me, now=now)
    if query.text:
        if query.in_mediation or query.email_failed:
            # The search backends know nothing of referrals or emails; the few complaints in
            # mediation or with a failed email are searched in SQL (search.sql's matcher).
            found = list_inbox_sql(query)
        else:
            found = _searched(query)
        found.counts, found.changes = counts, changes
        return _with_exact_hits(found)
    today, soon = inbox_dates(now)
    page = list_inbox_sql(query, total=known_total(query, counts, me=me, today=today, soon=soon))
    page.counts, page.changes = counts, changes
    return page


def list_inbox_sql(query: InboxQuery, *, total: int | None = None) -> InboxPage:
    """The plain listing (no search backend): see `inbox_sql.list_rows`."""
    rows, counted, new_answer = list_rows(query, total)
    return InboxPage(rows=rows, total=counted, query=query, new_answer=new_answer)


def _searched(query: InboxQuery) -> InboxPage:
    """Ask the search backend for the page's ids, then load those rows in one query."""
    found = search.search_inbox(query)
    rows, new_answer = _load(list(found.complaint_ids))
    return InboxPage(
        rows=rows,
        total=int(found.total),
        query=query,
        new_answer=new_answer,
        snippets=found.snippets,
        facets=found.facets,
        hint=found.hint,
        fallback=found.fallback,
    )


def _load(ids: list[int]) -> tuple[list[InboxItem], set[int]]:
    """The rows of these complaints in the order of `ids` (one query), and which of them
    have a new answer."""
    loaded: dict[int, tuple[InboxItem, Any]] = {}
    if ids:
        for row in read(_found_rows(), {"ids": ids}).all():
            item = item_from_row(row)
            loaded[item.id] = (item, row[-1])
    rows = [loaded[i][0] for i in ids if i in loaded]
    return rows, {i for i in loaded if is_new_answer(*loaded[i])}


def _with_exact_hits(page: InboxPage) -> InboxPage:
    """Mark the complaints the typed text names exactly; on page 1 put them first, adding
    those the filters left out (they count in the total, not in the paging)."""
    hits = find_exact_hits(page.query)
    if not hits.ids:
        return page
    page.exact = set(hits.ids)
    page.outside_filters = len(hits.outside)
    page.total += len(hits.outside)
    if page.query.page == 1:
        extra, new_answer = _load(hits.outside)
        first = [row for row in page.rows if row.id in page.exact]
        rest = [row for row in page.rows if row.id not in page.exact]
        page.rows = extra + first + rest
        page.new_answer |= new_answer
    return page


@lru_cache(maxsize=1)
def _found_rows() -> Select[*tuple[Any, ...]]:
    """The rows of search results (ids in the parameter "ids"), built once."""
    return (
        select(*ITEM_COLUMNS, *ASSIGNEE_COLUMNS, last_staff_message())
        .where(Complaint.id.in_(bindparam("ids", expanding=True)))
        .outerjoin(Staff, Staff.id == Complaint.assignee_id)
    )


#: Active staff by name; built once.
_PEOPLE = select(Staff.id, Staff.name).where(Staff.active.is_(True)).order_by(Staff.name)


def assignable_staff() -> list[tuple[int, str]]:
    """(id, name) of active staff, for the assignee filter and the Assign form."""
    return [(int(i), str(n)) for i, n in read(_PEOPLE).all()]
