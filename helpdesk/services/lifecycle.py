"""Every status change goes through here: the transition table, the clocks (domain.clocks),
the audit log.

These functions change the complaint in the session and add audit events; the calling
use case owns the commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.attributes import flag_modified

from ..domain.audit_chain import GENESIS, EventContent, link
from ..domain.clocks import COLUMNS, Clocks, running_due, transition
from ..domain.lifecycle import Status, path_to
from ..extensions import db
from ..models import AuditEvent, Complaint, Staff
from ..runtime.clock import business_calendar, shop_timezone
from .audit_trail import stored_head

#: session.info key: {complaint: chain hash of its newest event in this transaction}. Weak
#: keys, not id(complaint): a complaint that was dropped (its events flushed, as they hold
#: it until then) is read from the database again, and a later object that happens to get
#: the same id() cannot inherit its head.
_HEADS = "audit_chain_heads"


def record_event(
    complaint: Complaint,
    action: str,
    *,
    now: datetime,
    actor: str,
    staff: Staff | None = None,
    detail: dict[str, Any] | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
) -> AuditEvent:
    """Add one audit event for `complaint`, chained to the one before it (no commit).

    Touching the complaint bumps its version, so two transactions that append to one
    complaint at once cannot both commit (one chain, never a fork).
    """
    content = EventContent(
        reference=complaint.reference,
        at=now,
        actor=actor,
        staff_id=staff.id if staff else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        detail=dict(detail or {}),
    )
    made = link(content, _chain_head(complaint))
    event = AuditEvent(
        complaint=complaint,
        at=now,
        actor=actor,
        staff_id=content.staff_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        detail=dict(content.detail),
        content_hash=made.content_hash,
        prev_hash=made.prev_hash,
        chain_hash=made.chain_hash,
    )
    db.session.add(event)
    _heads()[complaint] = made.chain_hash
    complaint.last_activity_at = now
    # An UPDATE (so a version bump) even when `now` equals the stored last activity, which
    # SQLAlchemy would otherwise skip: two transactions appending at once must not both commit.
    flag_modified(complaint, "last_activity_at")
    return event


def _chain_head(complaint: Complaint) -> str:
    """The chain hash of the complaint's newest event: this transaction's, else the stored one."""
    known = _heads().get(complaint)
    if known is not None:
        return known
    if complaint.id is None:
        return GENESIS
    with db.session.no_autoflush:
        return stored_head(complaint.id)


def _heads() -> WeakKeyDictionary[Complaint, str]:
    """This transaction's chain heads, by complaint."""
    heads: WeakKeyDictionary[Complaint, str] | None = db.session.info.get(_HEADS)
    if heads is None:
        heads = db.session.info[_HEADS] = WeakKeyDictionary()
    return heads


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_heads_at_end(session: Session, transaction: SessionTransaction) -> None:
    """A new transaction reads heads from the database again. Its end is a commit, a
    rollback or a close(); close() fires neither after_commit nor after_soft_rollback."""
    if transaction.parent is None:
        session.info.pop(_HEADS, None)


@sa_event.listens_for(Session, "after_soft_rollback")
def _forget_heads(session: Session, *_args: Any) -> None:
    """A rolled-back savepoint takes its events with it: read heads from the database."""
    session.info.pop(_HEADS, None)


def change_status(
    complaint: Complaint,
    target: Status,
    *,
    now: datetime,
    actor: str,
    staff: Staff | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Move one allowed step, keeping the clocks and timestamps right; raises TransitionError."""
    current = Status(complaint.status)
    before = clocks_of(complaint)
    after = transition(before, target, now, business_calendar(), shop_timezone())
    for name in COLUMNS:
        if getattr(after, name) != getattr(before, name):
            setattr(complaint, name, after.columns()[name])
    record_event(
        complaint,
        "status_changed",
        now=now,
        actor=actor,
        staff=staff,
        detail=detail,
        from_status=current.value,
        to_status=after.status.value,
    )


def clocks_of(complaint: Complaint) -> Clocks:
    """The complaint's clock columns, as the domain reads them."""
    return Clocks(
        status=Status(complaint.status),
        ack_due_on=complaint.ack_due_on,
        response_due_on=complaint.response_due_on,
        acknowledged_at=complaint.acknowledged_at,
        paused_since=complaint.paused_since,
        responded_at=complaint.responded_at,
        review_requested_at=complaint.review_requested_at,
        final_at=complaint.final_at,
        closed_at=complaint.closed_at,
        sla_due_on=complaint.sla_due_on,
        received_on=complaint.received_on,
        days_to_acknowledge=complaint.days_to_acknowledge,
        acknowledged_on_time=complaint.acknowledged_on_time,
        days_to_respond=complaint.days_to_respond,
        responded_on_time=complaint.responded_on_time,
    )


def refresh_sla_due(complaint: Complaint) -> None:
    """Set `sla_due_on` to the due date of the clock that runs now (None when none runs)."""
    complaint.sla_due_on = running_due(clocks_of(complaint))


def advance_to(
    complaint: Complaint,
    target: Status,
    *,
    now: datetime,
    actor: str,
    staff: Staff | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Take every step needed to reach `target` (e.g. received → acknowledged → assessing)."""
    for step in path_to(complaint.status, target):
        change_status(complaint, step, now=now, actor=actor, staff=staff, detail=detail)
