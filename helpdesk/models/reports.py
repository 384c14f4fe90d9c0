"""The reports' bookkeeping: how often the figures of each month of receipt changed."""

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
