"""The staff inbox listing: one SQL query per page, counts in one more; or a search.

`list_inbox(InboxQuery)` answers without text from the database, and with text through
`helpdesk.search.search_inbox` (ranked ids, total, facets per category and status,
snippets, a hint), then loads the page's rows in one query. `list_inbox_sql` is the plain
listing (and a LIKE search over reference, email, name, order number and description):
the page's ids are selected in a subquery joined to the rows, their assignee, the time of
the last staff message and the total, so nothing is queried per row; the counts of the
quick filters take one more. The URL parameters live in `inbox_filters`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from markupsafe import Markup
from sqlalchemy import Select, case, func, literal, or_, select
from sqlalchemy.orm import joinedload

from .. import search
from ..clock import business_calendar, shop_timezone
from ..domain.inbox import InboxQuery
from ..domain.reference import normalise_reference
from ..domain.sla import local_date
from ..extensions import db
from ..models import Complaint, Message, Staff
from ..models.types import utcnow
from .inbox_filters import OPEN_KEYS, PER_PAGE, InboxFilters

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

    rows: list[Complaint]
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


def inbox_dates(now: datetime | None = None) -> tuple[date, date]:
    """Today in the shop's time zone and the business day after it ("due soon" ends there)."""
    today = local_date(now or utcnow(), shop_timezone())
    return today, business_calendar().add_business_days(today, 1)


def list_inbox(
    query: InboxQuery, *, me: int | None = None, now: datetime | None = None
) -> InboxPage:
    """The page of complaints `query` asks for; without text, plus the quick-filter counts
    for `me` (a search shows its own counts per category and status instead)."""
    if query.text:
        return _searched(query)
    page = list_inbox_sql(query)
    page.counts = count_filters(me=me, now=now)
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
    """Apply the filters of `query` (not the text) to a select over Complaint."""
    if query.statuses:
        stmt = stmt.where(Complaint.status.in_(query.statuses))
    if query.categories:
        stmt = stmt.where(Complaint.category.in_(query.categories))
    # "+ 0" keeps the planner on ix_complaint_inbox (which holds assignee_id, so the test
    # runs inside the index) instead of the assignee index, which would read every complaint
    # that person ever had from the table.
    assignee = Complaint.assignee_id + 0
    if query.unassigned:
        stmt = stmt.where(assignee.is_(None))
    elif query.assignee_id is not None:
        stmt = stmt.where(assignee == query.assignee_id)
    if query.due_on_or_before is not None:
        stmt = stmt.where(Complaint.sla_due_on <= query.due_on_or_before)
    if query.due_before is not None:
        stmt = stmt.where(Complaint.sla_due_on < query.due_before)
    return stmt


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
    return stmt.order_by(
        Complaint.sla_due_on.asc().nulls_last(), Complaint.received_at, Complaint.id
    )


def list_inbox_sql(query: InboxQuery) -> InboxPage:
    """One statement: the page's ids (ordered, limited) in a subquery, the rows, assignees and
    last staff message joined to it, and the total as an uncorrelated scalar subquery.

    No window count: it would make the database materialise every match, while the ids and
    the count can each be answered from the ix_complaint_inbox index alone.
    """
    ids = _matching(select(Complaint.id), query)
    ids_page = _order(ids, query.sort).limit(query.per_page).offset(query.offset).subquery()
    total = _matching(select(func.count(Complaint.id)), query).scalar_subquery().correlate(None)
    stmt = _order(
        select(Complaint, total, _last_staff_message())
        .join(ids_page, ids_page.c.id == Complaint.id)
        .options(joinedload(Complaint.assignee)),
        query.sort,
    )
    result = db.session.execute(stmt).all()
    if result:
        counted = int(result[0][1])
    else:  # a page past the end: count on its own
        counted = int(db.session.scalar(_matching(select(func.count(Complaint.id)), query)) or 0)
    return InboxPage(
        rows=[row[0] for row in result],
        total=counted,
        query=query,
        new_answer={row[0].id for row in result if _is_new_answer(row[0], row[2])},
    )


def _matching(stmt: S, query: InboxQuery) -> S:
    """The filters and, when there is text, the simple search."""
    stmt = _filtered(stmt, query)
    return _text_filter(stmt, query.text) if query.text else stmt


def _searched(query: InboxQuery) -> InboxPage:
    """Ask the search backend for the page's ids, then load those rows in one query."""
    found = search.search_inbox(query)
    ids = list(found.complaint_ids)
    loaded: dict[int, tuple[Complaint, Any]] = {}
    if ids:
        stmt = (
            select(Complaint, _last_staff_message())
            .where(Complaint.id.in_(ids))
            .options(joinedload(Complaint.assignee))
        )
        loaded = {row[0].id: (row[0], row[1]) for row in db.session.execute(stmt).all()}
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


def _is_new_answer(complaint: Complaint, last_staff: datetime | None) -> bool:
    """The customer wrote after the last message staff sent them (or, before any, after the
    complaint itself came in)."""
    wrote = complaint.last_customer_message_at
    if wrote is None:
        return False
    if last_staff is not None and last_staff.tzinfo is None:
        last_staff = last_staff.replace(tzinfo=wrote.tzinfo)
    return wrote > (last_staff or complaint.received_at)


def count_filters(*, me: int | None, now: datetime | None = None) -> dict[str, int]:
    """Open complaints per quick filter and per status, in one grouped query."""
    today, soon = inbox_dates(now)

    def flag(condition: Any) -> Any:
        """How many rows of the group meet `condition`."""
        return func.sum(case((condition, 1), else_=0))

    mine = Complaint.assignee_id == me if me is not None else literal(False)
    stmt = (
        select(
            Complaint.status,
            func.count(),
            flag(mine),
            flag(Complaint.assignee_id.is_(None)),
            flag(Complaint.sla_due_on <= soon),
            flag(Complaint.sla_due_on < today),
        )
        .where(Complaint.status.in_(OPEN_KEYS))
        .group_by(Complaint.status)
    )
    counts = dict.fromkeys(("open", "mine", "unassigned", "soon", "overdue", *OPEN_KEYS), 0)
    for status, total, *flags in db.session.execute(stmt).all():
        counts[status] = int(total)
        counts["open"] += int(total)
        for key, value in zip(("mine", "unassigned", "soon", "overdue"), flags, strict=True):
            counts[key] += int(value or 0)
    return counts


def assignable_staff() -> list[tuple[int, str]]:
    """(id, name) of active staff, for the assignee filter and the Assign form."""
    rows = db.session.execute(
        select(Staff.id, Staff.name).where(Staff.active.is_(True)).order_by(Staff.name)
    ).all()
    return [(int(i), str(n)) for i, n in rows]
