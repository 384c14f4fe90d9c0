"""Learning from complaints (policy clause 7, the ISO 10002 loop): the root causes staff
give outcomes, managers' corrective actions, and the rising-trend alerts already sent."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .complaint import Complaint
    from .staff import Staff


class RootCause(db.Model):  # type: ignore[name-defined,misc]
    """One entry of the list managers keep. The seeded ones have translated words (labels);
    `name` and `name_nl` are a manager's own English and Dutch names for it (a renamed or
    added entry; None: the seeded words of that language). A retired entry stays on the
    outcomes that name it but is no longer offered."""

    __tablename__ = "root_cause"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str | None] = mapped_column(String(100))
    name_nl: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


#: Which complaints a corrective action answers (many to many).
corrective_action_complaint = Table(
    "corrective_action_complaint",
    db.metadata,
    Column("action_id", ForeignKey("corrective_action.id"), primary_key=True),
    Column("complaint_id", ForeignKey("complaint.id"), primary_key=True, index=True),
)


class CorrectiveAction(db.Model):  # type: ignore[name-defined,misc]
    """What a manager decided to change so a root cause recurs less, who does it by when,
    and, `check_after_days` after it was done, whether it worked. Changed only through
    services.corrective_actions."""

    __tablename__ = "corrective_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    root_cause_id: Mapped[int] = mapped_column(ForeignKey("root_cause.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # open | done
    done_on: Mapped[date | None] = mapped_column(Date)
    check_after_days: Mapped[int] = mapped_column(Integer, default=60)
    # worked | did_not_work; None until the effectiveness check is recorded.
    result: Mapped[str | None] = mapped_column(String(20))
    result_note: Mapped[str] = mapped_column(Text, default="")
    checked_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    root_cause: Mapped[RootCause] = relationship()
    owner: Mapped[Staff] = relationship(foreign_keys=[owner_id])
    complaints: Mapped[list[Complaint]] = relationship(
        secondary=corrective_action_complaint, order_by="Complaint.id"
    )


class TrendAlert(db.Model):  # type: ignore[name-defined,misc]
    """A category, root cause or product keyword whose weekly count rose well above its
    usual level (domain.improvement.check_trend). One row per (dimension, key, week): the
    managers are emailed when the row is made, so each alert is sent once."""

    __tablename__ = "trend_alert"
    __table_args__ = (UniqueConstraint("dimension", "key", "week_start", name="uq_trend_alert"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension: Mapped[str] = mapped_column(String(20))  # category | root_cause | keyword
    key: Mapped[str] = mapped_column(String(100))
    week_start: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer)
    mean: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
