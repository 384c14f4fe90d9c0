"""How many open complaints each quick filter of the inbox has, and the dates they use.

The counts are read on every inbox view (about a seventh of its CPU at 100,000 complaints
when counted each time). Each process keeps them, per (staff member, today, the day "soon"
ends), with the value of the inbox's change counter (models.InboxChanges) they were counted
at: the same statement reads both, so they belong together. Database triggers raise that
counter in the same transaction as every change that can move a count (migration 0015), so
while it stands still the kept counts are what counting again would give; when it moves, or
the day changes, they are counted again. A transaction that has written and not committed
counts afresh and keeps nothing: a rollback would leave its counts counted at a counter value
a later change may reach with other counts, and on PostgreSQL the counter moves only when a
transaction commits (migration 0016), so kept counts would miss its own changes.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import Date, Integer, bindparam, func, select

from ..database import has_uncommitted_writes
from ..database.reads import read
from ..domain.inbox import InboxQuery
from ..domain.sla import local_date
from ..models import Complaint, InboxChanges
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
    select(InboxChanges.changes).where(InboxChanges.id == 1).scalar_subquery(),
)
#: The counter alone: what a view reads when its counts are kept.
_CHANGES = select(InboxChanges.changes).where(InboxChanges.id == 1)
#: The names of _COUNTS's columns but the last (the counter).
_KEYS = (*OPEN_KEYS, "mine", "unassigned", "soon", "overdue", "mediation", "email_failed")
#: Kept counts per process, at most this many (staff members x days); then it starts again.
MAX_KEPT = 256


class _Kept:
    """A process's kept counts: (me, today, soon) -> (counter value, counts)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[tuple[int | None, date, date], tuple[int, dict[str, int]]] = {}


def _kept() -> _Kept:
    kept: _Kept | None = current_app.extensions.get("inbox_counts")
    if kept is None:
        kept = current_app.extensions.setdefault("inbox_counts", _Kept())
    return kept


def count_filters(*, me: int | None, now: datetime | None = None) -> dict[str, int]:
    """Open complaints per quick filter and per status, and the complaints in mediation and
    with a failed email: kept ones while the inbox's change counter stands still, else
    counted in one statement (a fresh dict each time: callers may change theirs)."""
    return counts_and_changes(me=me, now=now)[0]


def counts_and_changes(
    *, me: int | None, now: datetime | None = None
) -> tuple[dict[str, int], int | None]:
    """`count_filters`, and the value of the inbox's change counter the counts are true at
    (None for a transaction that has written: nothing may be kept at its value)."""
    today, soon = inbox_dates(now)
    key = (me, today, soon)
    kept = _kept()
    # A transaction that has written counts its own changes and keeps nothing: a rollback
    # could undo what they include, and on PostgreSQL the counter moves only at commit
    # (migration 0016), so kept counts would not show the transaction's own changes.
    writing = has_uncommitted_writes()
    found = None if writing else kept.counts.get(key)
    if found is not None and found[0] == read(_CHANGES).scalar():
        return dict(found[1]), found[0]
    params = {"me": me, "soon": soon, "today": today}
    *values, changes = [int(n or 0) for n in read(_COUNTS, params).one()]
    counts = dict(zip(_KEYS, values, strict=True))
    counts["open"] = sum(counts[status] for status in OPEN_KEYS)
    if writing:
        return counts, None
    with kept.lock:
        if len(kept.counts) >= MAX_KEPT:
            kept.counts.clear()
        kept.counts[key] = (changes, counts)
    return dict(counts), changes


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
