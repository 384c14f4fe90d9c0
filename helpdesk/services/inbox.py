"""The staff inbox listing: one SQL query per page, counts in one more; or a search.

`list_inbox(InboxQuery)` answers without text from the database, and with text through
`helpdesk.search.search_inbox` (ranked ids, total, facets per category and status,
snippets, a hint), then loads the page's rows in one query. `list_inbox_sql` is the plain
listing (and a LIKE search over reference, email, name, order number and description):
the page's ids are selected in a subquery joined to the rows, their assignee, the time of
the last staff message and the total, so nothing is queried per row; the counts of the
quick filters take one more (`inbox_counts`). Rows are plain `InboxItem`s (`inbox_items`),
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
    # "+ 0" keeps the planner on ix_complaint_inbox (which holds assignee_id, so the test
    # runs inside the index) instead of the assignee index, which would read every complaint
    # that person ever had from the table.
    assignee = Complaint.assignee_id + 0
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


def _order(stmt: S, sort: str) -> S:
    """Due first (no due date last), then the oldest; or simply newest / oldest."""
    if sort == "newest":
        return stmt.order_by(Complaint.received_at.desc(), Complaint.id.desc())
    if sort == "oldest":
        return stmt.order_by(Complaint.received_at, Complaint.id)
    # "(sla_due_on IS NULL), sla_due_on" is "sla_due_on NULLS LAST" in the words of
    # ix_complaint_open_due, so the open inbox reads its page from that index in order.
    return stmt.order_by(
        Complaint.sla_due_on.is_(None), Complaint.sla_due_on, Complaint.received_at, Complaint.id
    )


def list_inbox_sql(query: InboxQuery, *, total: int | None = None) -> InboxPage:
    """One statement: the page's ids (ordered, limited) in a subquery, the rows, assignees and
    last staff message joined to it, and the total as an uncorrelated scalar subquery (unless
    `total` is known already: the quick-filter counts hold it for the common listings).

    No window count: it would make the database materialise every match, while the ids and
    the count can each be answered from the ix_complaint_inbox index alone.
    """
    counting = total is None
    stmt = _listing(query, counting) if query.text else _cached_listing(_shape(query), counting)
    params = _params(query)
    result = db.session.execute(stmt, params).all()
    if total is not None:
        counted = total
    elif result:
        counted = int(result[0]._mapping["total"])
    else:  # a page past the end: count on its own
        count = _matching(select(func.count(Complaint.id)), query)
        counted = int(db.session.scalar(count, params) or 0)
    items = [(item_from_row(row), row[-1]) for row in result]
    return InboxPage(
        rows=[item for item, _last in items],
        total=counted,
        query=query,
        new_answer={item.id for item, last in items if _is_new_answer(item, last)},
    )


def _listing(query: InboxQuery, counting: bool = True) -> Select[*tuple[Any, ...]]:
    """The page's statement for `query` (its values are parameters, see _params), with the
    total in every row when `counting`."""
    ids = _matching(select(Complaint.id), query)
    if query.statuses == OPEN_KEYS and query.sort not in ("newest", "oldest"):
        # Open complaints, due first: the page is the partial index's next entries. SQLite
        # has no statistics to see that (PostgreSQL's planner does); without the hint it
        # sorts every open complaint to keep 25.
        ids = ids.with_hint(Complaint, "INDEXED BY ix_complaint_open_due", "sqlite")
    limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
    ids_page = _order(ids, query.sort).limit(limit).offset(offset).subquery()
    total = _matching(select(func.count(Complaint.id)), query).scalar_subquery().correlate(None)
    counted = [total.label("total")] if counting else []
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
_cached_listing = lru_cache(maxsize=512)(_listing)


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
