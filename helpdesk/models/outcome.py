"""Outcomes given to a complaint, the editable outcome templates, and customer ratings."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .complaint import Attachment, Complaint
    from .improvement import RootCause
    from .staff import Staff


class Outcome(db.Model):  # type: ignore[name-defined,misc]
    """The first outcome (is_final False) and the review's final response (is_final True).

    The unique constraint makes two simultaneous clicks give one outcome.
    """

    __tablename__ = "outcome"
    __table_args__ = (
        UniqueConstraint("complaint_id", "is_final", name="uq_outcome_once"),
        # The rising-trend check counts first outcomes per root cause by week of sending
        # (services.trends) from this index alone.
        Index("ix_outcome_sent_root_cause", "is_final", "sent_at", "root_cause_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    is_final: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(5))
    body: Mapped[str] = mapped_column(Text)
    # Kind-specific facts: items/carrier/tracking_number, full (refund), and so on.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    amount_cents: Mapped[int | None] = mapped_column(Integer)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Why it happened, from the list managers keep (None only for outcomes from before it).
    root_cause_id: Mapped[int | None] = mapped_column(ForeignKey("root_cause.id"), index=True)
    root_cause_note: Mapped[str] = mapped_column(Text, default="")

    complaint: Mapped[Complaint] = relationship(back_populates="outcomes")
    staff: Mapped[Staff] = relationship()
    attachment: Mapped[Attachment | None] = relationship()
    root_cause: Mapped[RootCause | None] = relationship()


class OutcomeTemplate(db.Model):  # type: ignore[name-defined,misc]
    """A manager-editable response text per outcome kind and language, with {placeholders}."""

    __tablename__ = "outcome_template"
    __table_args__ = (UniqueConstraint("kind", "language", name="uq_template_kind_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(5))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class Rating(db.Model):  # type: ignore[name-defined,misc]
    """The customer's 1-5 ratings, once per complaint: of the resolution (`score`) and of
    how the complaint was handled (`handling_score`; None when skipped or asked before)."""

    __tablename__ = "rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), unique=True)
    score: Mapped[int] = mapped_column(Integer)
    handling_score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    # The reports list the newest comments first.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    complaint: Mapped[Complaint] = relationship(back_populates="rating")
