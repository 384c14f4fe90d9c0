"""What staff see of a case's emails, and "Retry now" for one that was given up.

An outbox email (outbox.queue) is *sent* (sent_at), *failed* (failed_at: a permanent refusal,
repeated, so the drain gave up) or *waiting* (neither: queued, or retried with backoff after
temporary errors). The case page lists a complaint's emails in these words; the inbox marks
complaints with a failed email and filters them ("Emails failed"). "Retry now" queues a
failed email again (as `flask mail retry` does) with an audit event, in one commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Integer, and_, bindparam, exists, func, select, update

from ..extensions import db
from ..models import Complaint, OutboxEmail, Staff
from ..models.types import utcnow
from ..outbox.queue import requeue_values
from ..words import labels
from .lifecycle import record_event

#: SQL: an email given up and not sent (ix_outbox_email_failed_at finds them).
FAILED = and_(OutboxEmail.failed_at.is_not(None), OutboxEmail.sent_at.is_(None))


@dataclass(frozen=True)
class EmailLine:
    """One email of a case as the panel shows it."""

    id: int
    kind: str
    kind_words: str  # "Acknowledgement", in the page's language
    to_addr: str
    subject: str
    created_at: datetime
    state: str  # "sent" | "waiting" | "failed"
    sent_at: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    failed_at: datetime | None


def _state(sent_at: datetime | None, failed_at: datetime | None) -> str:
    if sent_at is not None:
        return "sent"
    return "failed" if failed_at is not None else "waiting"


#: The columns the case page's Emails panel shows (not the bodies), built once; the
#: complaint's id is the parameter.
_CASE_EMAILS = (
    select(
        OutboxEmail.id,
        OutboxEmail.kind,
        OutboxEmail.to_addr,
        OutboxEmail.subject,
        OutboxEmail.created_at,
        OutboxEmail.sent_at,
        OutboxEmail.attempts,
        OutboxEmail.next_attempt_at,
        OutboxEmail.last_error,
        OutboxEmail.failed_at,
    )
    .where(OutboxEmail.complaint_id == bindparam("complaint_id", type_=Integer))
    .order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
)


def case_emails(complaint_id: int) -> list[EmailLine]:
    """Every email queued for the complaint, newest first."""
    return [
        EmailLine(
            id=email.id,
            kind=email.kind,
            kind_words=labels.email_kind_label(email.kind),
            to_addr=email.to_addr,
            subject=email.subject,
            created_at=email.created_at,
            state=_state(email.sent_at, email.failed_at),
            sent_at=email.sent_at,
            attempts=email.attempts,
            next_attempt_at=email.next_attempt_at,
            last_error=email.last_error,
            failed_at=email.failed_at,
        )
        for email in db.session.execute(_CASE_EMAILS, {"complaint_id": complaint_id})
    ]


def has_failed_email() -> ColumnElement[bool]:
    """SQL: the complaint (correlated) has an email that was given up."""
    return exists().where(OutboxEmail.complaint_id == Complaint.id, FAILED)


def count_with_failed_email() -> Any:
    """SQL (a scalar subquery): how many complaints have an email that was given up, counted
    from the outbox's failed rows, never by reading every complaint."""
    return (
        select(func.count(func.distinct(OutboxEmail.complaint_id))).where(FAILED).scalar_subquery()
    )


#: Which of a page's complaints have a given-up email, built once (the ids are the parameter).
#: The given-up emails of some complaints, with sent_at tested here rather than in SQL: given
#: `sent_at IS NULL`, SQLite (no statistics) reads through ix_outbox_email_sent_at every
#: email still waiting, hundreds after a mail outage, instead of the page's complaints'
#: emails through ix_outbox_email_complaint_id (tests/services/test_email_status_plan.py).
_FAILED_AMONG = select(OutboxEmail.complaint_id, OutboxEmail.sent_at).where(
    OutboxEmail.complaint_id.in_(bindparam("ids", expanding=True)),
    OutboxEmail.failed_at.is_not(None),
)


def failed_email_flags(complaint_ids: Iterable[int]) -> set[int]:
    """The complaints among `complaint_ids` with an email that was given up (one query)."""
    ids = list(complaint_ids)
    if not ids:
        return set()
    rows = db.session.execute(_FAILED_AMONG, {"ids": ids})
    return {found for found, sent_at in rows if found is not None and sent_at is None}


class RetryRefused(Exception):
    """The email cannot be retried (sent meanwhile, or retried by someone else already)."""

    def __init__(self) -> None:
        self.message = str(_l("This email is no longer marked as failed, so it was left as it is."))
        super().__init__(self.message)


def find_case_email(complaint: Complaint, email_id: int) -> OutboxEmail | None:
    """The email with this id if it belongs to `complaint`, else None."""
    email = db.session.get(OutboxEmail, email_id)
    return email if email is not None and email.complaint_id == complaint.id else None


def retry_email(
    complaint: Complaint, email: OutboxEmail, staff: Staff, *, now: datetime | None = None
) -> None:
    """ "Retry now": the failed email goes out at the next `mail send`, tried afresh; an audit
    event says who asked. One commit; RetryRefused when it is not failed (any more)."""
    moment = now or utcnow()
    changed = db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email.id, FAILED)
        .values(**requeue_values())
        .execution_options(synchronize_session=False)
    )
    if int(changed.rowcount) != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise RetryRefused
    detail = {"email": email.id, "kind": email.kind, "error": (email.last_error or "")[:300]}
    record_event(complaint, "email_retried", now=moment, actor="staff", staff=staff, detail=detail)
    db.session.commit()
    db.session.refresh(email)
