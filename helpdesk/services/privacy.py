"""Privacy (GDPR) use cases: erase a person's data on request, and purge closed cases after
the retention period, each case kept when a hold applies (domain.retention) and listed with
the reason. One case is erased by services.privacy_erase; the export is
services.privacy_export; finding a person's data and the legal hold, services.privacy_lookup.

Every run leaves one structured log line on `helpdesk.privacy` (references, never an
address) with the erased cases' new chain heads, and an audit event on each erased case.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..domain.reference import format_reference
from ..domain.retention import closed_before
from ..extensions import db
from ..models import Complaint
from ..models.types import utcnow
from ..search.indexing.erasure import expunge_deleted
from .privacy_erase import CaseResult, Removed, checkpoint, erase_case, plan_case, unlink
from .privacy_lookup import find_cases, hold_of, log_line, outbox_to, quarantined_from

__all__ = ["CaseResult", "PrivacyReport", "Removed", "erase_person", "purge", "purge_candidates"]

log = logging.getLogger("helpdesk.privacy")

#: Called with the number of cases just handled.
Progress = Callable[[int], object]


@dataclass
class PrivacyReport:
    """What erase or purge did (or, dry, would do)."""

    dry_run: bool
    erased: list[CaseResult] = field(default_factory=list)
    kept: list[CaseResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # changed meanwhile: run again
    other: Removed = field(default_factory=Removed)  # traces tied to no case
    #: False when the search index's files may still hold erased words (it was busy).
    index_files_clean: bool = True

    @property
    def found_anything(self) -> bool:
        """True when a case or another trace was found."""
        return bool(self.erased or self.kept or self.skipped or any(asdict(self.other).values()))


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
    _after_erasing(report)
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
    _after_erasing(report)
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
        unlink(files)
    return Removed(outbox=len(rows), quarantined=len(files))


def _after_erasing(report: PrivacyReport) -> None:
    """Once per run: no old page left in SQLite's log, no erased word in Whoosh's files."""
    ids = [r.complaint_id for r in report.erased if r.complaint_id is not None]
    if report.dry_run or not ids:
        return
    checkpoint()
    try:
        report.index_files_clean = expunge_deleted(ids)
    except Exception:  # the erasure stands; the index files are tidied at the next run
        log.exception("the erased words stay in the search index files until `search reindex`")
        report.index_files_clean = False


def _log(command: str, report: PrivacyReport, **extra: object) -> None:
    """One line per run: the references, what went, the new chain heads (kept outside the
    database, they pin each erased case's trail)."""
    log_line(
        command,
        dry_run=report.dry_run,
        erased={r.reference: r.head for r in report.erased},
        kept={r.reference: r.hold.kind for r in report.kept if r.hold is not None},
        skipped=report.skipped,
        other=asdict(report.other),
        **extra,
    )
