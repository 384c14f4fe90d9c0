"""Tables of the PostgreSQL search backend (empty and unused with the Whoosh backend).

`search_document` holds one row per complaint: two tsvectors (public text; public text plus
internal notes), the exact-match keys and copies of the fields searches filter and sort
on. `search_word` is the vocabulary typo tolerance looks words up in (pg_trgm index). The
GIN and trigram indexes and the pg_trgm extension are PostgreSQL-only:
`helpdesk.search.postgres.sql.ensure_schema()` creates them (idempotently) when the
backend first writes and on every `flask search reindex`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

#: tsvector on PostgreSQL, plain text elsewhere (the table is only used on PostgreSQL).
VECTOR = TSVECTOR().with_variant(Text(), "sqlite")


class SearchEntry(db.Model):  # type: ignore[name-defined,misc]
    """What the PostgreSQL backend searches for one complaint."""

    __tablename__ = "search_document"

    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), primary_key=True
    )
    public_vector: Mapped[str] = mapped_column(VECTOR)
    all_vector: Mapped[str] = mapped_column(VECTOR)
    reference: Mapped[str] = mapped_column(String(12), index=True)
    order_number: Mapped[str] = mapped_column(String(100), index=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    # Copies of the complaint's filter and sort fields, so a search never joins `complaint`.
    category: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    assignee_id: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sla_due_on: Mapped[date | None] = mapped_column(Date)
    marker: Mapped[str] = mapped_column(String(16))
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SearchWord(db.Model):  # type: ignore[name-defined,misc]
    """One word as typed somewhere in a complaint (the vocabulary for typo tolerance)."""

    __tablename__ = "search_word"

    word: Mapped[str] = mapped_column(String(40), primary_key=True)


class SearchQueueEntry(db.Model):  # type: ignore[name-defined,misc]
    """A complaint whose search entry must be rewritten (or removed): written in the same
    transaction as the change, applied in batches by the background indexer, deleted once
    applied. The queue lives in the database so a killed process loses nothing."""

    __tablename__ = "search_queue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    complaint_id: Mapped[int] = mapped_column(Integer, index=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
