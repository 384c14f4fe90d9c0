"""How many open complaints each quick filter of the inbox has, and the dates they use."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, bindparam, func, select

from ..clock import business_calendar, shop_timezone
from ..domain.inbox import InboxQuery
from ..domain.sla import local_date
from ..extensions import db
from ..models import Complaint
from ..models.types import utcnow
from .inbox_filters import OPEN_KEYS


def inbox_dates(now: datetime | None = None) -> tuple[date, date]:
    """Today in the shop's time zone and the business day after it ("due soon" ends there)."""
    today = local_date(now or utcnow(), shop_timezone())
    return today, business_calendar().add_business_days(today, 1)


def _flag(condition: Any) -> Any:
    """How many rows of the group meet `condition` (an aggregate FILTER: cheaper for the
    database than summing a CASE, on SQLite as on PostgreSQL)."""
    return func.count().filter(condition)


#: Open complaints per status, with how many are mine, unassigned, due soon and overdue.
#: Built once: only the parameters change (me, the day after which "soon" ends, today).
_COUNTS = (
    select(
        Complaint.status,
        func.count(),
        _flag(Complaint.assignee_id == bindparam("me", type_=Integer)),
        _flag(Complaint.assignee_id.is_(None)),
        _flag(Complaint.sla_due_on <= bindparam("soon", type_=Date)),
        _flag(Complaint.sla_due_on < bindparam("today", type_=Date)),
    )
    .where(Complaint.status.in_(OPEN_KEYS))
    .group_by(Complaint.status)
)


def count_filters(*, me: int | None, now: datetime | None = None) -> dict[str, int]:
    """Open complaints per quick filter and per status, in one grouped query."""
    today, soon = inbox_dates(now)
    params = {"me": me, "soon": soon, "today": today}
    counts = dict.fromkeys(("open", "mine", "unassigned", "soon", "overdue", *OPEN_KEYS), 0)
    for status, total, *flags in db.session.execute(_COUNTS, params).all():
        counts[status] = int(total)
        counts["open"] += int(total)
        for key, value in zip(("mine", "unassigned", "soon", "overdue"), flags, strict=True):
            counts[key] += int(value or 0)
    return counts


def known_total(
    query: InboxQuery, counts: dict[str, int], *, me: int | None, today: date, soon: date
) -> int | None:
    """The number of complaints `query` lists when `counts` already holds it (the open
    inbox, a quick filter, one open status, without text or other filters), else None."""
    if query.text or query.categories:
        return None
    assigned = query.assignee_id is not None or query.unassigned
    dated = query.due_on_or_before is not None or query.due_before is not None
    if query.statuses == OPEN_KEYS:
        if not assigned and not dated:
            return counts["open"]
        if not dated:
            if query.unassigned:
                return counts["unassigned"]
            return counts["mine"] if me is not None and query.assignee_id == me else None
        if not assigned and query.due_before is None and query.due_on_or_before == soon:
            return counts["soon"]
        if not assigned and query.due_on_or_before is None and query.due_before == today:
            return counts["overdue"]
        return None
    if len(query.statuses) == 1 and query.statuses[0] in OPEN_KEYS and not assigned and not dated:
        return counts[query.statuses[0]]
    return None
