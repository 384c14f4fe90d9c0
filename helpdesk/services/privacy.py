"""Privacy (GDPR) use cases: erase a person's data on request, purge closed cases after the
retention period, and a manager's legal hold. The export lives in services.privacy_export.

Erasing anonymises a case rather than deleting it, so the statistics keep their figures:
the customer's name, address, order number and every text anyone wrote in the case
(messages, notes, outcome letters, the review reason, the rating's comment, referral notes)
are emptied; their files, the raw emails and the outbox emails go, rows and bytes; audit
events lose their personal detail but keep their hashes (domain.audit_chain explains how
the chain stays verifiable), and an erasure event records what went. Category, dates,
status, outcome kind and amount, the SLA figures and the score stay. What counts as
personal, and when a case is held, is domain.retention's.

Each case is one commit (files are removed only after it); a case changed meanwhile is
skipped and reported. The search index follows through the usual hooks: the changed
complaint is re-indexed after the commit, and search.vocabulary forgets its words.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, String, select
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
    closed_before,
    kept_detail,
)
from ..extensions import db
from ..models import AuditEvent, Complaint, OutboxEmail
from ..models.types import utcnow
from ..search.vocabulary import forget_words, words_of
from ..uploads import attachment_path
from .audit_trail import stored_events, stored_head
from .lifecycle import record_event
from .privacy_lookup import find_cases, hold_of, outbox_to, quarantined_from
from .raw_email import raw_email_path

log = logging.getLogger("helpdesk.privacy")

#: Called with the number of cases just handled.
Progress = Callable[[int], object]


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


@dataclass
class PrivacyReport:
    """What erase or purge did (or, dry, would do)."""

    dry_run: bool
    erased: list[CaseResult] = field(default_factory=list)
    kept: list[CaseResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # changed meanwhile: run again
    other: Removed = field(default_factory=Removed)  # traces tied to no case

    @property
    def found_anything(self) -> bool:
        """True when a case or another trace was found."""
        return bool(self.erased or self.kept or self.skipped or any(asdict(self.other).values()))


# --- erasing one case -----------------------------------------------------------------------


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
    words = words_of([complaint.id])
    files = [attachment_path(a) for a in complaint.attachments]
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
    _unlink(files)
    forget_words(words, [complaint.id])
    reference = format_reference(complaint.reference)
    return CaseResult(reference, removed, None, stored_head(complaint.id))


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


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


# --- erase on request, purge after retention ------------------------------------------------


def erase_person(
    email: str,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> PrivacyReport:
    """Erase every case of this address that no hold keeps, and the traces tied to no case
    (outbox emails to it, quarantined emails from it)."""
    now = now or utcnow()
    report = PrivacyReport(dry_run)
    ids = [c.id for c in find_cases(email)]
    for result in _erase_each(ids, "request", now, dry_run, progress):
        _file(report, result)
    report.other = _erase_other_traces(email, dry_run)
    _log("erase", report)
    return report


def purge_candidates(older_than_days: int, now: datetime) -> list[int]:
    """Ids of the not yet erased cases closed more than `older_than_days` days ago."""
    query = (
        select(Complaint.id)
        .where(
            Complaint.status == "closed",
            Complaint.closed_at < closed_before(now, older_than_days),
            Complaint.erased_at.is_(None),
        )
        .order_by(Complaint.closed_at, Complaint.id)
    )
    return list(db.session.scalars(query))


def purge(
    older_than_days: int,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> PrivacyReport:
    """Anonymise every closed case past the retention period that no hold keeps."""  # fmt: skip
    now = now or utcnow()
    report = PrivacyReport(dry_run)
    for result in _erase_each(
        purge_candidates(older_than_days, now), "retention", now, dry_run, progress
    ):
        _file(report, result)
    _log("purge", report, older_than_days=older_than_days)
    return report


def _erase_each(
    ids: list[int], trigger: str, now: datetime, dry_run: bool, progress: Progress | None
) -> Iterator[CaseResult | str]:
    """Each case erased (or planned), kept with its hold, or its reference when it changed
    meanwhile."""
    for complaint_id in ids:
        complaint = db.session.get(Complaint, complaint_id)
        if complaint is not None and complaint.erased_at is None:
            yield _erase_one(complaint, trigger, now, dry_run)
        if progress is not None:
            progress(1)


def _erase_one(
    complaint: Complaint, trigger: str, now: datetime, dry_run: bool
) -> CaseResult | str:
    reference = format_reference(complaint.reference)
    hold = hold_of(complaint, now)
    if hold is not None:
        return CaseResult(reference, hold=hold)
    if dry_run:
        return CaseResult(reference, plan_case(complaint))
    try:
        return erase_case(complaint, trigger, now)
    except (StaleDataError, OperationalError):
        return reference


def _file(report: PrivacyReport, result: CaseResult | str) -> None:
    if isinstance(result, str):
        report.skipped.append(result)
    elif result.hold is not None:
        report.kept.append(result)
    else:
        report.erased.append(result)


def _erase_other_traces(email: str, dry_run: bool) -> Removed:
    """Outbox emails to this address tied to no case, and quarantined emails from it."""
    rows = [row for row in outbox_to(email) if row.complaint_id is None]
    files = quarantined_from(email)
    if not dry_run:
        for row in rows:
            db.session.delete(row)
        db.session.commit()
        _unlink(files)
    return Removed(outbox=len(rows), quarantined=len(files))


def _log(command: str, report: PrivacyReport, **extra: object) -> None:
    """One structured line per run: the references (never the address), what went, the new
    chain heads (kept outside the database, they pin each erased case's trail)."""
    fields = {
        "dry_run": report.dry_run,
        "erased": {r.reference: r.head for r in report.erased},
        "kept": {r.reference: r.hold.kind for r in report.kept if r.hold is not None},
        "skipped": report.skipped,
        "other": asdict(report.other),
        **extra,
    }
    log.info("privacy %s %s", command, json.dumps(fields, sort_keys=True, default=str))
