"""The staff inbox listing: filters from the URL, one SQL query per page, counts in one more.

`list_inbox(InboxQuery)` is the entry point the search work builds on: with text it asks
`helpdesk.search.search_inbox` when that exists, else a plain LIKE search over reference,
email, name, order number and description. The page query selects the page's ids in a
subquery and joins the rows, their assignee, the time of the last staff message and the
total to it, so nothing is queried per row; the counts of the quick filters take one more.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from markupsafe import Markup
from sqlalchemy import Select, case, func, literal, or_, select
from sqlalchemy.orm import joinedload

from .. import labels, search
from ..clock import business_calendar, shop_timezone
from ..domain.inbox import SORTS, InboxQuery
from ..domain.lifecycle import OPEN
from ..domain.reference import normalise_reference
from ..domain.sla import local_date
from ..extensions import db
from ..models import Complaint, Message, Staff
from ..models.types import utcnow

#: Any select over Complaint; the filters keep its column types.
S = TypeVar("S", bound=Select[*tuple[Any, ...]])
PER_PAGE = 25
MAX_PAGE = 10_000
OPEN_KEYS = tuple(sorted(s.value for s in OPEN))
STATUS_CHOICES = ("open", "all", *labels.STATUSES)


@dataclass(frozen=True)
class InboxFilters:
    """The inbox's URL parameters, checked: anything unknown falls back to the default."""

    q: str = ""
    status: str = "open"
    category: str = ""
    assignee: str = ""  # "" any | "mine" | "unassigned" | a staff id
    due: str = ""  # "" | "soon" | "overdue"
    sort: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> InboxFilters:
        """Read request.args forgivingly (a bad value is ignored, never an error)."""
        text = " ".join((args.get("q") or "").split())[:500]
        status = args.get("status") or "open"
        category = args.get("category") or ""
        assignee = args.get("assignee") or ""
        due = args.get("due") or ""
        sort = args.get("sort") or ""
        page = args.get("page") or "1"
        return cls(
            q=text,
            status=status if status in STATUS_CHOICES else "open",
            category=category if category in labels.CATEGORIES else "",
            assignee=assignee if _is_assignee(assignee) else "",
            due=due if due in ("soon", "overdue") else "",
            sort=sort if sort in SORTS else "",
            page=min(int(page), MAX_PAGE) if page.isdigit() and int(page) > 0 else 1,
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        """URL parameters for these filters with `changes` (defaults left out)."""
        values = {**self.__dict__, **changes}
        defaults = InboxFilters().__dict__
        return {k: v for k, v in values.items() if v != defaults[k]}

    def to_query(self, *, me: int, today: date, next_business_day: date) -> InboxQuery:
        """The InboxQuery these filters ask for, for staff member `me` on `today`."""
        statuses: tuple[str, ...] = ()
        if self.status == "open":
            statuses = OPEN_KEYS
        elif self.status != "all":
            statuses = (self.status,)
        return InboxQuery(
            text=self.q,
            statuses=statuses,
            categories=(self.category,) if self.category else (),
            assignee_id=me if self.assignee == "mine" else _int_or_none(self.assignee),
            unassigned=self.assignee == "unassigned",
            due_on_or_before=next_business_day if self.due == "soon" else None,
            due_before=today if self.due == "overdue" else None,
            sort=self.sort or ("relevance" if self.q else "due"),
            page=self.page,
            per_page=PER_PAGE,
        )


def _is_assignee(value: str) -> bool:
    """True for an assignee filter value we understand."""
    return value in ("", "mine", "unassigned") or (value.isdigit() and len(value) < 10)


def _int_or_none(value: str) -> int | None:
    """A staff id from the URL, or None."""
    return int(value) if value.isdigit() else None


@dataclass
class InboxPage:
    """One page of the inbox: the complaints, the total, and counts for the quick filters."""

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


def inbox_dates(now: datetime | None = None) -> tuple[date, date]:
    """Today in the shop's time zone and the business day after it ("due soon" ends there)."""
    today = local_date(now or utcnow(), shop_timezone())
    return today, business_calendar().add_business_days(today, 1)


def list_inbox(
    query: InboxQuery, *, me: int | None = None, now: datetime | None = None
) -> InboxPage:
    """The page of complaints `query` asks for, plus the quick-filter counts for `me`."""
    searchable = query.text and hasattr(search, "search_inbox")
    page = _searched(query) if searchable else list_inbox_sql(query)
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
        snippets=dict(getattr(found, "snippets", {}) or {}),
        facets=dict(getattr(found, "facets", {}) or {}),
        hint=getattr(found, "hint", None),
        fallback=bool(getattr(found, "fallback", False)),
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
