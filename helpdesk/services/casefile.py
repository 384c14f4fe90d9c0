"""What goes into a complaint's case file (policy clause 6), read in a fixed few queries.

The documents package turns a CaseFile into a PDF and an evidence bundle; nothing here
renders. Two variants: the internal one (with internal notes, in a section of their own)
for the shop and its lawyer, and the customer-facing one (without them) for the customer
and a mediator. Both print the head of the audit chain, which covers every event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from ..domain.casefile import ClockFacts, SlaRow, Transition, sla_table
from ..extensions import db
from ..models import (
    Attachment,
    AuditEvent,
    Complaint,
    InboundEmail,
    Message,
    Outcome,
    Referral,
)
from ..models.types import utcnow
from ..runtime.clock import business_calendar, shop_timezone
from .audit_trail import chain_head, verify_complaint
from .case_loading import get_case

#: Audit events about internal notes and the shop's own corrective actions
#: (services.corrective_actions): left out of the customer-facing timeline.
INTERNAL_ACTIONS = frozenset(
    {
        "note_added",
        "corrective_action_recorded",
        "corrective_action_done",
        "corrective_action_checked",
    }
)


@dataclass
class CaseFile:
    """Everything one case file shows, in the order it shows it."""

    complaint: Complaint
    internal: bool
    generated_at: datetime
    messages: list[Message]
    notes: list[Message]
    events: list[AuditEvent]
    hidden_events: int
    sla: list[SlaRow]
    first: Outcome | None
    final: Outcome | None
    attachments: list[Attachment]
    referrals: list[Referral]
    inbound_emails: list[InboundEmail]
    chain_head: str
    chain_length: int
    chain_intact: bool
    review_due_on: date | None = None
    photos: list[Attachment] = field(default_factory=list)

    @property
    def reference(self) -> str:
        """The complaint's code as people read it."""
        return self.complaint.display_reference

    @property
    def language(self) -> str:
        """The complaint's language: the file is written in it."""
        return self.complaint.language


def load_case_file(
    reference: str, *, internal: bool, now: datetime | None = None
) -> CaseFile | None:
    """The case file of a complaint (None for an unknown reference)."""
    complaint = get_case(reference)
    if complaint is None:
        return None
    return build_case_file(complaint, internal=internal, now=now)


def build_case_file(
    complaint: Complaint, *, internal: bool, now: datetime | None = None
) -> CaseFile:
    """The case file of a loaded complaint (see case_loading.get_case)."""
    now = now or utcnow()
    events = list(complaint.events)
    shown = events if internal else [e for e in events if e.action not in INTERNAL_ACTIONS]
    notes = [m for m in complaint.messages if m.internal]
    note_ids = {m.id for m in notes}
    files = [a for a in complaint.attachments if internal or a.message_id not in note_ids]
    outcomes = {o.is_final: o for o in complaint.outcomes}
    return CaseFile(
        complaint=complaint,
        internal=internal,
        generated_at=now,
        messages=[m for m in complaint.messages if not m.internal],
        notes=notes if internal else [],
        events=shown,
        hidden_events=len(events) - len(shown),
        sla=sla_table(clock_facts(complaint, events), now, business_calendar(), shop_timezone()),
        first=outcomes.get(False),
        final=outcomes.get(True),
        attachments=files,
        referrals=list(_referrals(complaint)),
        inbound_emails=list(_inbound(complaint)),
        chain_head=chain_head(complaint),
        chain_length=len(events),
        chain_intact=not verify_complaint(complaint),
        review_due_on=_review_due(events),
        photos=[a for a in files if a.content_type.startswith("image/")],
    )


def clock_facts(complaint: Complaint, events: list[AuditEvent]) -> ClockFacts:
    """The complaint's dates and status changes, as the SLA table needs them."""
    first_due = None
    for event in events:
        if event.action == "review_requested" and event.detail.get("first_response_due_on"):
            first_due = date.fromisoformat(str(event.detail["first_response_due_on"]))
    return ClockFacts(
        received_at=complaint.received_at,
        ack_due_on=complaint.ack_due_on,
        acknowledged_at=complaint.acknowledged_at,
        response_due_on=complaint.response_due_on,
        responded_at=complaint.responded_at,
        first_response_due_on=first_due,
        review_requested_at=complaint.review_requested_at,
        final_at=complaint.final_at,
        transitions=[
            Transition(e.at, e.from_status, e.to_status)
            for e in events
            if e.action == "status_changed"
        ],
    )


def _review_due(events: list[AuditEvent]) -> date | None:
    for event in events:
        if event.action == "review_requested" and event.detail.get("review_due_on"):
            return date.fromisoformat(str(event.detail["review_due_on"]))
    return None


def _referrals(complaint: Complaint) -> list[Referral]:
    query = select(Referral).where(Referral.complaint_id == complaint.id).order_by(Referral.id)
    return list(db.session.scalars(query))


def _inbound(complaint: Complaint) -> list[InboundEmail]:
    query = (
        select(InboundEmail)
        .where(InboundEmail.complaint_id == complaint.id)
        .order_by(InboundEmail.id)
    )
    return list(db.session.scalars(query))


def shop_name() -> str:
    """The shop's name as the case file's header prints it."""
    return str(current_app.config["SHOP_NAME"])
