"""Referrals of a complaint to an external dispute body (policy clause 6), with their own clock."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .complaint import Complaint
    from .staff import Staff


class Referral(db.Model):  # type: ignore[name-defined,misc]
    """A case taken to a dispute body: when, their reference, our reply deadline, the decision.

    Open while no decision is recorded; the shop's reply is overdue after `reply_due_on`
    until `replied_on` is set. Changed only through services.mediation.
    """

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    body: Mapped[str] = mapped_column(String(200))
    referred_on: Mapped[date] = mapped_column(Date)
    body_reference: Mapped[str] = mapped_column(String(100), default="")
    reply_due_on: Mapped[date] = mapped_column(Date, index=True)
    replied_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    # upheld | partly_upheld | rejected | settled | withdrawn (domain.mediation.DECISIONS)
    decision: Mapped[str | None] = mapped_column(String(20), index=True)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    # Whether the shop carried the decision out (None: not yet known or nothing to do).
    complied: Mapped[bool | None] = mapped_column(Boolean)
    complied_on: Mapped[date | None] = mapped_column(Date)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    complaint: Mapped[Complaint] = relationship(back_populates="referrals")
    staff: Mapped[Staff | None] = relationship()
