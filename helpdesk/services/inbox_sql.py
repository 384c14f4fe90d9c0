"""The inbox's plain listing in SQL: filters, order, total and page, without text or with the
text matched in SQL by the search's own matcher (search.sql; the search backends answer
text otherwise; `inbox` puts it together).

The page's ids are selected in a subquery joined to the rows, their assignee and the time of
the last staff message, so nothing is queried per row; how many matches there are decides
how the ids are found (`filters_first`). Statements are built once per shape of query, the
filter values being parameters.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Date, Integer, Select, bindparam, func, select

from ..database.reads import read
from ..domain.inbox import InboxQuery
from ..extensions import db
from ..models import Complaint, Message, Staff
from ..runtime.clock import shop_timezone
from ..search.sql import text_condition
from .email_status import has_failed_email
from .inbox_counts import literal_list
from .inbox_filters import OPEN_KEYS, PER_PAGE
from .inbox_items import ASSIGNEE_COLUMNS, ITEM_COLUMNS, InboxItem, item_from_row
from .mediation import has_open_referral

#: Any select over Complaint; the filters keep its column types.
S = TypeVar("S", bound=Select[*tuple[Any, ...]])


def last_staff_message() -> Any:
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
    if query.in_mediation:
        # Only when chosen: the plain listings' statements stay as they are.
        stmt = stmt.where(has_open_referral())
    if query.email_failed:
        stmt = stmt.where(has_failed_email())
    return stmt


def within_filters(ids: list[int], query: InboxQuery) -> set[int]:
    """Which of these complaints the filters of `query` (not its text) let through."""
    if not ids:
        return set()
    stmt = _filtered(select(Complaint.id).where(Complaint.id.in_(ids)), query)
    return {int(i) for i in db.session.scalars(stmt, _params(query))}


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
    """The text in the query language, matched in SQL (search.sql, as when the index
    cannot answer): words, phrases, references and field filters."""
    return stmt.where(text_condition(text, shop_timezone()))


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


def list_rows(query: InboxQuery, total: int | None = None) -> tuple[list[InboxItem], int, set[int]]:
    """The page's rows in one statement: its ids (ordered, limited) in a subquery, the rows,
    assignees and last staff message joined to them; with the total and the ids of the rows
    with a new answer. Without text, the total (when the quick-filter counts do not hold it
    already) is counted first, from the indexes, and decides how the ids are found
    (filters_first); nothing is listed past the last match. With text (the simple LIKE
    search), the total comes in the same statement.
    """
    params = _params(query)
    if query.text:
        result = db.session.execute(_listing(query, counting=total is None), params).all()
        if total is None:
            total = int(result[0]._mapping["total"]) if result else _count(query, params)
    else:
        shape = _shape(query)
        if total is None:
            total = int(read(_cached_count(shape), params).scalar() or 0)
        if query.offset >= total:
            result = []
        else:
            stmt = _cached_listing(shape, False, filters_first(query, total))
            result = list(read(stmt, params).all())
    items = [(item_from_row(row), row[-1]) for row in result]
    new_answer = {item.id for item, last in items if is_new_answer(item, last)}
    return [item for item, _last in items], total, new_answer


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
        select(*ITEM_COLUMNS, *ASSIGNEE_COLUMNS, *counted, last_staff_message())
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


def is_new_answer(complaint: InboxItem, last_staff: datetime | None) -> bool:
    """The customer wrote after the last message staff sent them (or, before any, after the
    complaint itself came in)."""
    wrote = complaint.last_customer_message_at
    if wrote is None:
        return False
    if last_staff is not None and last_staff.tzinfo is None:
        last_staff = last_staff.replace(tzinfo=wrote.tzinfo)
    return wrote > (last_staff or complaint.received_at)
