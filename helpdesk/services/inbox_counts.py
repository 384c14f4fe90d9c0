"""How many open complaints each quick filter of the inbox has, and the dates they use."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, bindparam, func, select

from ..domain.inbox import InboxQuery
from ..domain.sla import local_date
from ..extensions import db
from ..models import Complaint
from ..models.types import utcnow
from ..runtime.clock import business_calendar, shop_timezone
from .email_status import count_with_failed_email
from .inbox_filters import OPEN_KEYS
from .mediation import count_in_mediation


def inbox_dates(now: datetime | None = None) -> tuple[date, date]:
    """Today in the shop's time zone and the business day after it ("due soon" ends there)."""
    today = local_date(now or utcnow(), shop_timezone())
    return today, business_calendar().add_business_days(today, 1)


def literal_list(values: tuple[str, ...]) -> Any:
    """Statuses (fixed words from our code) written into the SQL rather than bound: a
    database can only use a partial index (ix_complaint_open_due) for a list it can read."""
    return bindparam(None, list(values), expanding=True, literal_execute=True)


def _count(*conditions: Any) -> Any:
    return select(func.count()).select_from(Complaint).where(*conditions).scalar_subquery()


_OPEN = Complaint.status.in_(literal_list(OPEN_KEYS))

#: Open complaints per status, and how many are mine, unassigned, due soon and overdue: each
#: a count of an index range (ix_complaint_status_due, ix_complaint_assignee_status), in one
#: statement. Built once: only the parameters change (me, the day "soon" ends, today).
_COUNTS = select(
    *(_count(Complaint.status == status) for status in OPEN_KEYS),
    _count(Complaint.assignee_id == bindparam("me", type_=Integer), _OPEN),
    _count(Complaint.assignee_id.is_(None), _OPEN),
    _count(_OPEN, Complaint.sla_due_on <= bindparam("soon", type_=Date)),
    _count(_OPEN, Complaint.sla_due_on < bindparam("today", type_=Date)),
    count_in_mediation(),
    count_with_failed_email(),
)


def count_filters(*, me: int | None, now: datetime | None = None) -> dict[str, int]:
    """Open complaints per quick filter and per status, and the complaints in mediation and
    with a failed email, in one statement."""
    today, soon = inbox_dates(now)
    params = {"me": me, "soon": soon, "today": today}
    values = [int(n or 0) for n in db.session.execute(_COUNTS, params).one()]
    keys = (*OPEN_KEYS, "mine", "unassigned", "soon", "overdue", "mediation", "email_failed")
    counts = dict(zip(keys, values, strict=True))
    counts["open"] = sum(counts[status] for status in OPEN_KEYS)
    return counts


def known_total(
    query: InboxQuery, counts: dict[str, int], *, me: int | None, today: date, soon: date
) -> int | None:
    """The number of complaints `query` lists when `counts` already holds it (the open
    inbox, a quick filter, one open status, without text or other filters), else None."""
    if query.text or query.categories or query.in_mediation or query.email_failed:
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
