"""Change counters the database raises by triggers, so a process may keep what it counted:
the reports' per month of receipt, the inbox's one for its quick-filter counts."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class ReportMonth(db.Model):  # type: ignore[name-defined,misc]
    """A change counter per month of receipt ('YYYY-MM'). Database triggers (migration 0013)
    raise it in the same transaction as every change that can move a report figure of that
    month; services.report_counts keeps a month's counts while it stands still. The app
    only reads it."""

    __tablename__ = "report_month"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    changes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class InboxChanges(db.Model):  # type: ignore[name-defined,misc]
    """One row (id 1): a counter database triggers (migration 0015) raise in the same
    transaction as every change that can move an inbox count (a complaint added or removed,
    its status, assignee or due date changed; a referral written; an email given up on or
    no longer so). services.inbox_counts keeps the counts while it stands still. The app
    only reads it."""

    __tablename__ = "inbox_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    changes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
