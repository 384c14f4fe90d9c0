"""Checking the audit trail's hash chains against the stored events (policy clause 6).

Read only: the chains are written by services.lifecycle.record_event (and the demo seeder,
and migration 0004); this module reads the rows back, rebuilds each event's content the
same way and lets domain.audit_chain say where a chain stops matching. `verify_all` walks
the complaints in id batches, reading one batch's events in one query, so memory stays
bounded however many complaints there are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import func, select

from ..domain.audit_chain import GENESIS, ChainBreak, EventContent, StoredEvent, verify_chain
from ..extensions import db
from ..models import AuditEvent, Complaint

#: Complaints checked per round trip by verify_all (about six events each).
BATCH = 1000

#: Called with the number of complaints just checked.
Progress = Callable[[int], object]

#: Every complaint is stored with its "submitted" event; none at all means rows were removed.
NO_EVENTS = "no audit events stored"

_EVENT_COLUMNS = (
    AuditEvent.id,
    AuditEvent.complaint_id,
    AuditEvent.at,
    AuditEvent.actor,
    AuditEvent.staff_id,
    AuditEvent.action,
    AuditEvent.from_status,
    AuditEvent.to_status,
    AuditEvent.detail,
    AuditEvent.content_hash,
    AuditEvent.prev_hash,
    AuditEvent.chain_hash,
)


@dataclass(frozen=True)
class BrokenChain:
    """A complaint whose chain does not match its events: its reference and every break."""

    reference: str
    breaks: tuple[ChainBreak, ...]


@dataclass
class VerifyReport:
    """What verify_all found: how many chains and events it checked, and the broken ones."""

    complaints: int = 0
    events: int = 0
    broken: list[BrokenChain] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        """True when every checked chain matches its events."""
        return not self.broken


def chain_head(complaint: Complaint) -> str:
    """The chain hash of the complaint's newest stored event (GENESIS when it has none)."""
    return stored_head(complaint.id)


def stored_head(complaint_id: int) -> str:
    """The newest stored chain hash of a complaint's events (GENESIS when it has none)."""
    stored = db.session.scalar(
        select(AuditEvent.chain_hash)
        .where(AuditEvent.complaint_id == complaint_id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return stored or GENESIS


def stored_events(complaint_id: int) -> list[StoredEvent]:
    """One complaint's events as stored, oldest (lowest id) first."""
    query = (
        select(*_EVENT_COLUMNS, Complaint.reference)
        .join(Complaint, Complaint.id == AuditEvent.complaint_id)
        .where(AuditEvent.complaint_id == complaint_id)
        .order_by(AuditEvent.id)
    )
    return [_stored(row) for row in db.session.execute(query)]


def verify_complaint(complaint: Complaint) -> list[ChainBreak]:
    """Every place where the complaint's chain disagrees with its stored events."""
    return _breaks(stored_events(complaint.id))


def count_complaints(reference: str | None = None) -> int:
    """How many complaints verify_all(reference) checks."""
    query = select(func.count(Complaint.id))
    if reference is not None:
        query = query.where(Complaint.reference == reference)
    return int(db.session.scalar(query) or 0)


def verify_all(reference: str | None = None, progress: Progress | None = None) -> VerifyReport:
    """Check every complaint's chain (or the one with this canonical reference)."""
    report = VerifyReport()
    for batch in _complaint_batches(reference):
        events = _events_of(batch)
        for complaint_id, code in batch:
            found = events.get(complaint_id, [])
            report.complaints += 1
            report.events += len(found)
            breaks = _breaks(found)
            if breaks:
                report.broken.append(BrokenChain(code, tuple(breaks)))
        if progress is not None:
            progress(len(batch))
    return report


def _breaks(events: Sequence[StoredEvent]) -> list[ChainBreak]:
    """verify_chain, plus a complaint that lost all its events."""
    if not events:
        return [ChainBreak(0, NO_EVENTS)]
    return verify_chain(events)


def _complaint_batches(reference: str | None) -> Iterator[list[tuple[int, str]]]:
    """(id, reference) of the complaints to check, BATCH at a time in id order (keyset)."""
    after = 0
    while True:
        query = (
            select(Complaint.id, Complaint.reference)
            .where(Complaint.id > after)
            .order_by(Complaint.id)
            .limit(BATCH)
        )
        if reference is not None:
            query = query.where(Complaint.reference == reference)
        batch = [(row.id, row.reference) for row in db.session.execute(query)]
        if not batch:
            return
        yield batch
        after = batch[-1][0]


def _events_of(batch: list[tuple[int, str]]) -> dict[int, list[StoredEvent]]:
    """The stored events of a batch of complaints (one query over their id range)."""
    query = (
        select(*_EVENT_COLUMNS, Complaint.reference)
        .join(Complaint, Complaint.id == AuditEvent.complaint_id)
        .where(AuditEvent.complaint_id.between(batch[0][0], batch[-1][0]))
        .order_by(AuditEvent.complaint_id, AuditEvent.id)
    )
    rows = db.session.execute(query)
    return {
        complaint_id: [_stored(row) for row in group]
        for complaint_id, group in groupby(rows, key=itemgetter(1))
    }


def _stored(row: Sequence[Any]) -> StoredEvent:
    """A selected event row (with its complaint's reference) as domain.audit_chain reads it.

    Unpacked by position: naming each field of a Row costs more than hashing it, at
    600,000 events a run.
    """
    (event_id, _, at, actor, staff_id, action, from_status, to_status, detail) = row[:9]
    content_hash, prev_hash, chain_hash, reference = row[9:]
    content = EventContent(
        reference=reference,
        at=at,
        actor=actor,
        staff_id=staff_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        detail=detail or {},
    )
    return StoredEvent(event_id, content, content_hash, prev_hash, chain_hash)
