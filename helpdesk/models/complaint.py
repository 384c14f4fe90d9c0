"""Complaints, their messages, attachments and the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.lifecycle import OPEN
from ..domain.reference import format_reference
from ..extensions import db
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .mail import InboundEmail
    from .mediation import Referral
    from .outcome import Outcome, Rating
    from .staff import Staff


#: The columns of ix_complaint_report, the reports' covering index.
REPORT_COLUMNS = (
    "received_on",
    "category",
    "channel",
    "language",
    "status",
    "ack_due_on",
    "acknowledged_on_time",
    "response_due_on",
    "responded_on_time",
    "review_requested_at",
    "days_to_acknowledge",
    "days_to_respond",
    "preferred_solution",
    "outcome_kind",
    "review_changed",
    "outcome_refund_cents",
    "outcome_root_cause_id",
)


class Complaint(db.Model):  # type: ignore[name-defined,misc]
    """One complaint, from receipt to closing. Status changes only through services.lifecycle."""

    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True, index=True)
    # The hidden token of the form that created it: a retried POST finds this row again.
    submission_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    email_normalized: Mapped[str] = mapped_column(String(320), index=True)
    order_number: Mapped[str | None] = mapped_column(String(100), index=True)
    category: Mapped[str] = mapped_column(String(20), index=True)
    description: Mapped[str] = mapped_column(Text)
    # The remedy the customer asked for: an outcome kind, "not_sure", or None (not asked,
    # e.g. an email complaint). domain.outcomes.PREFERRED_SOLUTIONS lists the keys.
    preferred_solution: Mapped[str | None] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(5), default="en")
    channel: Mapped[str] = mapped_column(String(10), default="web")
    status: Mapped[str] = mapped_column(String(20), default="received")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    ack_due_on: Mapped[date] = mapped_column(Date)
    response_due_on: Mapped[date] = mapped_column(Date, index=True)
    # The date the next running clock is due (ack, else response); None when no clock runs.
    # Kept by services.lifecycle.refresh_sla_due so the inbox can sort and filter in SQL.
    sla_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_reason: Mapped[str | None] = mapped_column(Text)
    final_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_customer_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Kept for the reports by domain.clocks.transition: the shop's date of receipt, and when
    # a clock stops, the business days it took (pauses left out) and whether it was on time.
    received_on: Mapped[date | None] = mapped_column(Date)
    days_to_acknowledge: Mapped[int | None] = mapped_column(Integer)
    acknowledged_on_time: Mapped[bool | None] = mapped_column(Boolean)
    days_to_respond: Mapped[int | None] = mapped_column(Integer)
    responded_on_time: Mapped[bool | None] = mapped_column(Boolean)
    # The outcome the complaint ended with (the final response, else the first outcome), kept
    # by services.outcomes when one is sent (domain.reports.ended_with): its kind, its refund,
    # its root cause, and whether the final response changed the first outcome.
    outcome_kind: Mapped[str | None] = mapped_column(String(30))
    outcome_refund_cents: Mapped[int | None] = mapped_column(Integer)
    outcome_root_cause_id: Mapped[int | None] = mapped_column(ForeignKey("root_cause.id"))
    review_changed: Mapped[bool | None] = mapped_column(Boolean)
    # Set when the customer's personal data was erased (services.privacy): the case stays,
    # anonymised, for the statistics.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A manager's legal hold (a court case, a chargeback): why the case must not be erased.
    legal_hold: Mapped[str | None] = mapped_column(String(200))
    # Optimistic locking: a stale write raises StaleDataError; forms carry it to refuse stale edits.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    # The staff inbox filters on status (+ category) and sorts by due date: ix_complaint_inbox
    # answers a filtered listing's page and total without reading the table; the open inbox
    # reads ix_complaint_open_due (below). The quick-filter counts seek the other two:
    # (status, sla_due_on) for "due soon" and "overdue", (assignee_id, status) for "mine" and
    # "unassigned"; the latter lists a person's complaints of a status in received order.
    __table_args__ = (
        Index(
            "ix_complaint_inbox", "status", "category", "sla_due_on", "received_at", "assignee_id"
        ),
        Index("ix_complaint_status_due", "status", "sla_due_on"),
        Index("ix_complaint_assignee_status", "assignee_id", "status", "received_at"),
        # The reports read only this index (services.report_queries): every column they
        # count, after the period and the filters, so no complaint row is read.
        Index("ix_complaint_report", *REPORT_COLUMNS),
    )

    assignee: Mapped[Staff | None] = relationship(foreign_keys=[assignee_id])
    messages: Mapped[list[Message]] = relationship(
        back_populates="complaint", order_by="Message.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="complaint", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[AuditEvent]] = relationship(
        back_populates="complaint", order_by="AuditEvent.id", cascade="all, delete-orphan"
    )
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="complaint", order_by="Outcome.id", cascade="all, delete-orphan"
    )
    rating: Mapped[Rating | None] = relationship(
        back_populates="complaint", cascade="all, delete-orphan"
    )
    referrals: Mapped[list[Referral]] = relationship(
        back_populates="complaint", order_by="Referral.id", cascade="all, delete-orphan"
    )
    inbound_emails: Mapped[list[InboundEmail]] = relationship(
        back_populates="complaint", order_by="InboundEmail.id", cascade="all, delete-orphan"
    )

    @property
    def display_reference(self) -> str:
        """The code as people read it: XXXX-XXXX-XXXX."""
        return format_reference(self.reference)


#: The open complaints in the inbox's default order, due first (no due date last), then
#: the oldest: the first page is the index's first 25 entries, not a sort of every open
#: complaint. Statements use it when they list the open statuses literally (in this order).
OPEN_STATUSES = tuple(sorted(status.value for status in OPEN))
_IS_OPEN = Complaint.status.in_(OPEN_STATUSES)
Index(
    "ix_complaint_open_due",
    Complaint.sla_due_on.is_(None),
    Complaint.sla_due_on,
    Complaint.received_at,
    Complaint.id,
    sqlite_where=_IS_OPEN,
    postgresql_where=_IS_OPEN,
)


class Message(db.Model):  # type: ignore[name-defined,misc]
    """A message in a complaint's thread; internal notes are never shown to the customer."""

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    author: Mapped[str] = mapped_column(String(10))  # customer | staff | system
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # message | reply | note | info_request | outcome | final_response | review_request
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    via: Mapped[str] = mapped_column(String(10), default="web")  # web | email
    email_message_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="messages")
    staff: Mapped[Staff | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="message", order_by="Attachment.id"
    )


class Attachment(db.Model):  # type: ignore[name-defined,misc]
    """A file kept outside static/ under a random name, served only as a download."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(10))  # customer | staff
    purpose: Mapped[str] = mapped_column(String(20), default="evidence")  # evidence | replacement
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="attachments")
    message: Mapped[Message | None] = relationship(back_populates="attachments")


class AuditEvent(db.Model):  # type: ignore[name-defined,misc]
    """Who did what to a complaint and when; every status change has one.

    The three hashes make each complaint's events a chain (domain.audit_chain): they are
    set by services.lifecycle.record_event, never by hand, and `cases verify` checks them.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(10))  # customer | staff | system
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str] = mapped_column(String(50))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))

    complaint: Mapped[Complaint] = relationship(back_populates="events")
    staff: Mapped[Staff | None] = relationship()
