"""Erasing one case (GDPR): the customer's personal data removed, the case kept anonymised.

The customer's name, address, order number and every text anyone wrote in the case
(messages, notes, outcome letters, the review reason, the rating's comment, referral notes)
are emptied; their files, the raw emails and the outbox emails go, rows and bytes; audit
events lose their personal detail but keep their hashes (domain.audit_chain explains how the
chain stays verifiable), and an erasure event records what went. Category, dates, status,
outcome kind and amount, the SLA figures and the scores stay. What is personal is decided by
domain.retention's allow-lists, so a column added later is emptied unless someone keeps it.

One commit per case; the files are removed only after it. The search index follows through
its hooks (the changed complaint is re-indexed); search.vocabulary forgets its words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, String, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..domain.audit_chain import ERASED_EVENTS, ERASURE_ACTION, erasure_entry, redact
from ..domain.reference import format_reference
from ..domain.retention import (
    DELETE_ROWS,
    KEEP_DETAIL,
    KEEP_JSON,
    KEEP_TEXT,
    OTHER_ROWS,
    Hold,
    kept_detail,
)
from ..extensions import db
from ..files.storage import attachment_path
from ..files.thumbnails import thumbnail_files
from ..models import AuditEvent, Complaint, OutboxEmail
from ..search.indexing.erasure import forget_words, words_of
from .audit_trail import stored_events, stored_head
from .lifecycle import record_event
from .raw_email import raw_email_path


@dataclass
class Removed:
    """What an erasure took away (or would): texts emptied, rows and files removed."""

    texts: int = 0  # fields and messages emptied
    files: int = 0  # uploaded and replacement files
    raw_emails: int = 0
    outbox: int = 0
    events: int = 0  # audit events redacted
    quarantined: int = 0

    def add(self, other: Removed) -> None:
        """Count `other` in as well."""
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


@dataclass(frozen=True)
class CaseResult:
    """One case: erased (what went, the chain's new head) or kept (why)."""

    reference: str
    removed: Removed | None = None
    hold: Hold | None = None
    head: str | None = None
    complaint_id: int | None = None


def plan_case(complaint: Complaint) -> Removed:
    """What erasing this case would remove, without changing anything."""
    return Removed(
        texts=sum(len(_personal_fields(row)) for row in _case_rows(complaint)),
        files=len(complaint.attachments),
        raw_emails=len(complaint.inbound_emails),
        outbox=len(_outbox_of(complaint)),
        events=len(_redactions(complaint)),
    )


def erase_case(complaint: Complaint, trigger: str, now: datetime) -> CaseResult:
    """Anonymise one case in one commit, then remove its files; raises StaleDataError (rolled
    back, nothing removed) when someone changed it meanwhile."""
    removed = plan_case(complaint)
    _zero_freed_space()
    words = words_of([complaint.id])
    files = [attachment_path(a) for a in complaint.attachments]
    files += [path for a in complaint.attachments for path in thumbnail_files(a)]
    files += [raw_email_path(e) for e in complaint.inbound_emails]
    entries = _redact_events(complaint)
    for outcome in complaint.outcomes:
        outcome.attachment_id = None  # the replacement file goes
    for row in _case_rows(complaint):
        for name, empty in _personal_fields(row).items():
            setattr(row, name, empty)
    _drop_rows(complaint)
    complaint.erased_at = now
    detail = {"trigger": trigger, "removed": asdict(removed), ERASED_EVENTS: entries}
    record_event(complaint, ERASURE_ACTION, now=now, actor="system", detail=detail)
    try:
        db.session.commit()
    except (StaleDataError, OperationalError):
        db.session.rollback()
        raise
    unlink(files)
    forget_words(words, [complaint.id])
    reference = format_reference(complaint.reference)
    return CaseResult(reference, removed, None, stored_head(complaint.id), complaint.id)


def _case_rows(complaint: Complaint) -> list[Any]:
    """The complaint and every row of another table that points at it, except the rows
    erase deletes and those other code keeps right (domain.retention)."""
    rows: list[Any] = [complaint]
    skip = DELETE_ROWS | OTHER_ROWS | {"complaint"}
    for mapper in Complaint.__mapper__.registry.mappers:
        table = mapper.local_table
        if table.name in skip or "complaint_id" not in table.c:
            continue
        model = mapper.class_
        query = select(model).where(model.complaint_id == complaint.id)
        rows.extend(db.session.scalars(query.order_by(*mapper.primary_key)))
    return rows


def _personal_fields(row: Any) -> dict[str, Any]:
    """The row's attributes an erasure changes, with their new (empty) values: every text
    column not kept (None where allowed, else ""), JSON reduced to its kept keys."""
    table = row.__table__.name
    keep = KEEP_TEXT.get(table, frozenset())
    changes: dict[str, Any] = {}
    for column in row.__table__.columns:
        if column.primary_key or column.foreign_keys:
            continue
        key = row.__mapper__.get_property_by_column(column).key
        value = getattr(row, key)
        if isinstance(column.type, JSON):
            kept = _reduced(value, KEEP_JSON.get((table, column.name), frozenset()))
            if kept != value:
                changes[key] = kept
        elif isinstance(column.type, String) and column.name not in keep and value:
            changes[key] = None if column.nullable else ""
    return changes


def _reduced(value: Any, keep: frozenset[str]) -> Any:
    """A JSON value without its personal parts: a mapping keeps the `keep` keys, anything
    else (a list, a text) goes."""
    if not value:
        return value
    return kept_detail(value, keep) if isinstance(value, dict) else None


def _drop_rows(complaint: Complaint) -> None:
    """Delete the case's files, raw emails and outbox emails (rows; the bytes after commit)."""
    db.session.flush()  # outcomes no longer point at the files
    for row in [*complaint.attachments, *complaint.inbound_emails, *_outbox_of(complaint)]:
        db.session.delete(row)


def _outbox_of(complaint: Complaint) -> list[OutboxEmail]:
    query = select(OutboxEmail).where(OutboxEmail.complaint_id == complaint.id)
    return list(db.session.scalars(query))


def _redactions(complaint: Complaint) -> list[tuple[int, dict[str, object], dict[str, object]]]:
    """(event id, its erasure entry, its redacted detail) of each event with personal detail."""
    found = []
    for event in stored_events(complaint.id):
        redacted = redact(event.content, KEEP_DETAIL)
        if redacted is not None and event.content_hash is not None:
            entry = erasure_entry(event.event_id, event.content_hash, redacted)
            found.append((event.event_id, entry, dict(redacted.detail)))
    return found


def _redact_events(complaint: Complaint) -> list[dict[str, object]]:
    """Replace the personal detail of the case's events; the erasure event's list of them."""
    entries = []
    for event_id, entry, detail in _redactions(complaint):
        row = db.session.get(AuditEvent, event_id)
        if row is not None:
            row.detail = detail
            entries.append(entry)
    return entries


def _zero_freed_space() -> None:
    """SQLite: overwrite the old text in the file instead of leaving it in free pages (the
    default of some builds only); PostgreSQL keeps old row versions until VACUUM (README)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("PRAGMA secure_delete = ON"))


def checkpoint() -> None:
    """SQLite: copy the write-ahead log into the file and empty it, so the log keeps no page
    written before the erasure (best effort: a busy reader only delays it)."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
