"""The staff inbox listing: the quick-filter counts, the total when they do not hold it, and
one query for the page; or a search.

`list_inbox(InboxQuery)` answers without text from the database, and with text through
`helpdesk.search.search_inbox` (ranked ids, total, facets per category and status,
snippets, a hint), then loads the page's rows in one query. `list_inbox_sql` is the plain
listing (and a LIKE search over reference, email, name, order number and description):
the page's ids are selected in a subquery joined to the rows, their assignee and the time
of the last staff message, so nothing is queried per row; the counts of the quick filters
take one more (`inbox_counts`), and how many matches there are decides how the ids are
found (`filters_first`). Rows are plain `InboxItem`s (`inbox_items`),
not ORM objects, and the statements are built once per shape of query, the filter values
being parameters. The URL parameters live in `inbox_filters`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar

from markupsafe import Markup
from sqlalchemy import Date, Integer, Select, bindparam, func, or_, select

from .. import search
from ..domain.inbox import InboxQuery
from ..domain.reference import normalise_reference
from ..extensions import db
from ..models import Complaint, Message, Staff
from .inbox_counts import count_filters, inbox_dates, known_total, literal_list
from .inbox_filters import OPEN_KEYS, PER_PAGE, InboxFilters
from .inbox_items import ASSIGNEE_COLUMNS, ITEM_COLUMNS, InboxItem, item_from_row

#: Any select over Complaint; the filters keep its column types.
S = TypeVar("S", bound=Select[*tuple[Any, ...]])
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
    #: Complaints where the customer wrote after the last staff message.
    new_answer: set[int] = field(default_factory=set)
    snippets: dict[int, list[Markup]] = field(default_factory=dict)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    hint: str | None = None
    fallback: bool = False

    @property
    def pages(self) -> int:
        """How many pages there are (at least 1)."""
        return max(1, -(-self.total // self.query.per_page))

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
    """The page of complaints `query` asks for; without text, plus the quick-filter counts
    for `me` (a search shows its own counts per category and status instead)."""
    if query.text:
        return _searched(query)
    counts = count_filters(me=me, now=now)
    today, soon = inbox_dates(now)
    page = list_inbox_sql(query, total=known_total(query, counts, me=me, today=today, soon=soon))
    page.counts = counts
    return page


def _last_staff_message() -> Any:
    """Correlated subquery: when staff last wrote something the customer can see."""
    return (
        select(func.max(Message.created_at))
        .where(
            Message.complaint_id == Complaint.id,
            Message.author == "staff",
            Message.internal.is_(False),
        )
        .correlate(Complaint)
        .scalar_subquery()
    )


def _filtered(stmt: S, query: InboxQuery) -> S:
    """Apply the filters of `query` (not the text) to a select over Complaint. The staff id
    and dates are named parameters (see _params), so the statement serves any values."""
    if query.statuses:
        stmt = stmt.where(Complaint.status.in_(literal_list(query.statuses)))
    if query.categories:
        stmt = stmt.where(Complaint.category.in_(query.categories))
    # ix_complaint_assignee_status (assignee_id, status) answers "whose" with any status
    # filter from the index alone; hiding the column ("assignee_id + 0") made SQLite read
    # every complaint of the status range from the table instead (50 ms for "closed").
    assignee = Complaint.assignee_id
    if query.unassigned:
        stmt = stmt.where(assignee.is_(None))
    elif query.assignee_id is not None:
        stmt = stmt.where(assignee == bindparam("assignee_id", type_=Integer))
    if query.due_on_or_before is not None:
        stmt = stmt.where(Complaint.sla_due_on <= bindparam("due_on_or_before", type_=Date))
    if query.due_before is not None:
        stmt = stmt.where(Complaint.sla_due_on < bindparam("due_before", type_=Date))
    return stmt


def _params(query: InboxQuery) -> dict[str, Any]:
    """The values of the named parameters of the statements built for `query`."""
    return {
        "assignee_id": query.assignee_id,
        "due_on_or_before": query.due_on_or_before,
        "due_before": query.due_before,
        "limit": query.per_page,
        "offset": query.offset,
    }


def _text_filter(stmt: S, text: str) -> S:
    """The simple search: every word must appear in one of the main fields (LIKE)."""
    for word in text.split()[:10]:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        fields: list[Any] = [
            Complaint.name.ilike(pattern, escape="\\"),
            Complaint.email.ilike(pattern, escape="\\"),
            Complaint.order_number.ilike(pattern, escape="\\"),
            Complaint.description.ilike(pattern, escape="\\"),
        ]
        code = normalise_reference(word)
        if code is not None:
            fields.append(Complaint.reference == code)
        stmt = stmt.where(or_(*fields))
    return stmt


def _order(stmt: S, sort: str, cols: Any = Complaint) -> S:
    """Due first (no due date last), then the oldest; or simply newest / oldest. `cols` has
    the columns sla_due_on, received_at and id (the table, or a CTE of the matches)."""
    if sort == "newest":
        return stmt.order_by(cols.received_at.desc(), cols.id.desc())
    if sort == "oldest":
        return stmt.order_by(cols.received_at, cols.id)
    # "(sla_due_on IS NULL), sla_due_on" is "sla_due_on NULLS LAST" in the words of
    # ix_complaint_open_due, so the open inbox reads its page from that index in order.
    return stmt.order_by(cols.sla_due_on.is_(None), cols.sla_due_on, cols.received_at, cols.id)


def _open_due(query: InboxQuery) -> bool:
    """True when the page can be read in order from ix_complaint_open_due."""
    return query.statuses == OPEN_KEYS and query.sort not in ("newest", "oldest")


def filters_first(query: InboxQuery, total: int) -> bool:
    """Take the page from the matches sorted (True), or walk an index in page order and keep
    the matches (False)?

    The walk wins when matches are common: it meets 25 of them soon. When they are rare it
    reads most of the table to find them (an agent with few complaints, a status few are
    in: 30-50 ms at 100,000 complaints), while sorting a few thousand matches found through
    the filters' own indexes costs a millisecond or two. The open inbox's walk covers only
    the open complaints (ix_complaint_open_due), so there only rarer matches are worth it.
    """
    return total < (FILTER_FIRST_OPEN if _open_due(query) else FILTER_FIRST)


#: Below these many matches, filters_first() sorts the matches rather than walk an index.
FILTER_FIRST = 5000
FILTER_FIRST_OPEN = 500


def list_inbox_sql(query: InboxQuery, *, total: int | None = None) -> InboxPage:
    """The page's rows in one statement: its ids (ordered, limited) in a subquery, the rows,
    assignees and last staff message joined to them. Without text, the total (when the
    quick-filter counts do not hold it already) is counted first, from the indexes, and
    decides how the ids are found (filters_first); nothing is listed past the last match.
    With text (the simple LIKE search), the total comes in the same statement.
    """
    params = _params(query)
    if query.text:
        result = db.session.execute(_listing(query, counting=total is None), params).all()
        if total is None:
            total = int(result[0]._mapping["total"]) if result else _count(query, params)
    else:
        shape = _shape(query)
        if total is None:
            total = int(db.session.scalar(_cached_count(shape), params) or 0)
        if query.offset >= total:
            result = []
        else:
            stmt = _cached_listing(shape, False, filters_first(query, total))
            result = db.session.execute(stmt, params).all()
    items = [(item_from_row(row), row[-1]) for row in result]
    return InboxPage(
        rows=[item for item, _last in items],
        total=total,
        query=query,
        new_answer={item.id for item, last in items if _is_new_answer(item, last)},
    )


def _count(query: InboxQuery, params: dict[str, Any]) -> int:
    """How many complaints `query` lists."""
    return int(db.session.scalar(_counting(query), params) or 0)


def _counting(query: InboxQuery) -> Select[tuple[int]]:
    """The count statement for `query`."""
    return _matching(select(func.count(Complaint.id)), query)


def _listing(
    query: InboxQuery, counting: bool = True, sort_matches: bool = False
) -> Select[*tuple[Any, ...]]:
    """The page's statement for `query` (its values are parameters, see _params), with the
    total in every row when `counting`. With `sort_matches`, every match is found first (a
    materialised CTE, so the database cannot walk an index in page order instead) and the
    page taken from them sorted."""
    limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
    if sort_matches:
        columns = (Complaint.id, Complaint.sla_due_on, Complaint.received_at)
        matches = _matching(select(*columns), query).cte("matches").prefix_with("MATERIALIZED")
        ids = _order(select(matches.c.id), query.sort, matches.c)
    else:
        ids = _order(_matching(select(Complaint.id), query), query.sort)
    ids_page = ids.limit(limit).offset(offset).subquery()
    total = _counting(query).scalar_subquery().correlate(None).label("total")
    counted = [total] if counting else []
    return _order(
        select(*ITEM_COLUMNS, *ASSIGNEE_COLUMNS, *counted, _last_staff_message())
        .join(ids_page, ids_page.c.id == Complaint.id)
        .outerjoin(Staff, Staff.id == Complaint.assignee_id),
        query.sort,
    )


def _shape(query: InboxQuery) -> InboxQuery:
    """`query` without the values that are parameters: what its statement depends on."""
    return replace(
        query,
        assignee_id=None if query.assignee_id is None else 0,
        due_on_or_before=None if query.due_on_or_before is None else date.min,
        due_before=None if query.due_before is None else date.min,
        page=1,
        per_page=PER_PAGE,
    )


#: Statements per shape of query (filter values are parameters): building one costs about
#: as much as running it. Without text there are a few thousand shapes; few are common.
_cached_listing = lru_cache(maxsize=1024)(_listing)
_cached_count = lru_cache(maxsize=512)(_counting)


def _matching(stmt: S, query: InboxQuery) -> S:
    """The filters and, when there is text, the simple search."""
    stmt = _filtered(stmt, query)
    return _text_filter(stmt, query.text) if query.text else stmt


def _searched(query: InboxQuery) -> InboxPage:
    """Ask the search backend for the page's ids, then load those rows in one query."""
    found = search.search_inbox(query)
    ids = list(found.complaint_ids)
    loaded: dict[int, tuple[InboxItem, Any]] = {}
    if ids:
        for row in db.session.execute(_found_rows(), {"ids": ids}).all():
            item = item_from_row(row)
            loaded[item.id] = (item, row[-1])
    rows = [loaded[i][0] for i in ids if i in loaded]
    return InboxPage(
        rows=rows,
        total=int(found.total),
        query=query,
        new_answer={i for i in loaded if _is_new_answer(*loaded[i])},
        snippets=found.snippets,
        facets=found.facets,
        hint=found.hint,
        fallback=found.fallback,
    )


@lru_cache(maxsize=1)
def _found_rows() -> Select[*tuple[Any, ...]]:
    """The rows of search results (ids in the parameter "ids"), built once."""
    return (
        select(*ITEM_COLUMNS, *ASSIGNEE_COLUMNS, _last_staff_message())
        .where(Complaint.id.in_(bindparam("ids", expanding=True)))
        .outerjoin(Staff, Staff.id == Complaint.assignee_id)
    )


def _is_new_answer(complaint: InboxItem, last_staff: datetime | None) -> bool:
    """The customer wrote after the last message staff sent them (or, before any, after the
    complaint itself came in)."""
    wrote = complaint.last_customer_message_at
    if wrote is None:
        return False
    if last_staff is not None and last_staff.tzinfo is None:
        last_staff = last_staff.replace(tzinfo=wrote.tzinfo)
    return wrote > (last_staff or complaint.received_at)


#: Active staff by name; built once.
_PEOPLE = select(Staff.id, Staff.name).where(Staff.active.is_(True)).order_by(Staff.name)


def assignable_staff() -> list[tuple[int, str]]:
    """(id, name) of active staff, for the assignee filter and the Assign form."""
    return [(int(i), str(n)) for i, n in db.session.execute(_PEOPLE).all()]
