"""Giving an outcome: one click fills the text, one more sends it (policy clause 4).

`give_outcome` stores the Outcome, the customer-visible Message (and the replacement file),
moves the complaint to resolved through the lifecycle (which stops the response clock),
records the audit event and queues the email: all in ONE commit. Two clicks at once give one
outcome: the unique constraint uq_outcome_once and the complaint's version column make the
second transaction fail, and the loser is told "An outcome was already sent". The email
itself, with its links and attachment, is services.outcome_email's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..domain.lifecycle import Status
from ..domain.outcomes import OutcomeKind, fill_placeholders
from ..domain.reports import GivenOutcome, ended_with
from ..extensions import db
from ..files.storage import store_upload
from ..files.uploads import UploadError
from ..models import Complaint, Message, Outcome, Staff
from ..models.types import utcnow
from ..words.numbers import euros_in
from .casework import Aspect, Seen, StaleEdit, check_fresh
from .lifecycle import advance_to, record_event
from .outcome_checks import Details, OutcomeInput, check_details
from .outcome_email import queue_outcome_email
from .outcome_errors import AlreadySent, InvalidInput, WrongStatus, require_staff
from .templates import complaint_values, download_link_note

__all__ = [
    "FRESH_ASPECTS",
    "OUTCOME_FROM",
    "OutcomeInput",
    "final_outcome",
    "first_outcome",
    "give_outcome",
    "send_outcome",
]

#: Statuses from which a first outcome may be given (advance_to takes the steps in between).
OUTCOME_FROM = frozenset(
    {Status.RECEIVED, Status.ACKNOWLEDGED, Status.ASSESSING, Status.AWAITING_CUSTOMER}
)


#: An outcome conflicts with a change only when the customer-visible thread moved on (the
#: customer wrote, a colleague replied or asked for information): the text may no longer
#: fit. Background changes such as the acknowledgement email being delivered do not count,
#: and a colleague's outcome is caught as "already sent".
FRESH_ASPECTS: tuple[Aspect, ...] = ("messages",)


def first_outcome(complaint: Complaint) -> Outcome | None:
    """The first outcome given to a complaint, if any."""
    return _outcome(complaint, is_final=False)


def final_outcome(complaint: Complaint) -> Outcome | None:
    """The final response given after a review, if any."""
    return _outcome(complaint, is_final=True)


def first_and_final(complaint: Complaint) -> tuple[Outcome | None, Outcome | None]:
    """Both outcomes of a complaint with one query at most (its outcomes, loaded together;
    there is at most one of each kind)."""
    outcomes = complaint.outcomes
    first = next((o for o in outcomes if not o.is_final), None)
    return first, next((o for o in outcomes if o.is_final), None)


def _outcome(complaint: Complaint, *, is_final: bool) -> Outcome | None:
    """The complaint's first or final outcome; no query when its outcomes are loaded."""
    if "outcomes" in complaint.__dict__:  # loaded with the complaint (the case pages)
        return next((o for o in complaint.outcomes if bool(o.is_final) is is_final), None)
    return _stored_outcome(complaint.id, is_final=is_final)


def _stored_outcome(complaint_id: int, *, is_final: bool) -> Outcome | None:
    """The first or final outcome as the database has it."""
    query = select(Outcome).filter_by(complaint_id=complaint_id, is_final=is_final)
    return db.session.scalars(query).first()


def give_outcome(
    complaint: Complaint,
    staff: Staff,
    data: OutcomeInput,
    *,
    seen: Seen | int,
    now: datetime | None = None,
) -> Outcome:
    """Send the first outcome.

    Raises NotAllowed, AlreadySent, StaleEdit, WrongStatus or InvalidInput.
    """
    require_staff(staff)
    now = now or utcnow()
    if first_outcome(complaint) is not None:
        raise AlreadySent
    check_fresh(complaint, seen, FRESH_ASPECTS)
    if Status(complaint.status) not in OUTCOME_FROM:
        raise WrongStatus(_("An outcome can only be given while the complaint is open."))
    return send_outcome(complaint, staff, data, check_details(data), is_final=False, now=now)


def send_outcome(
    complaint: Complaint,
    staff: Staff,
    data: OutcomeInput,
    details: Details,
    *,
    is_final: bool,
    now: datetime,
    extra: dict[str, Any] | None = None,
) -> Outcome:
    """Store the outcome, move to resolved (or final), audit, queue the email: ONE commit.

    A concurrent outcome or change makes the commit fail: AlreadySent or StaleEdit.
    """
    complaint_id = complaint.id
    target = Status.FINAL if is_final else Status.RESOLVED
    try:
        outcome = record_outcome(complaint, staff, data, details, is_final=is_final, now=now)
        move = {"outcome": data.kind.value}
        advance_to(complaint, target, now=now, actor="staff", staff=staff, detail=move)
        action = "final_response_sent" if is_final else "outcome_sent"
        detail = audit_detail(outcome) | (extra or {})
        record_event(complaint, action, now=now, actor="staff", staff=staff, detail=detail)
        template = "final_response" if is_final else "outcome"
        queue_outcome_email(complaint, outcome, template=template, now=now)
        db.session.commit()
    except (IntegrityError, StaleDataError, OperationalError) as exc:
        raise_conflict(exc, complaint_id, is_final=is_final)
    except UploadError as exc:
        # The replacement file could not be written (disk full): nothing was sent.
        db.session.rollback()
        raise InvalidInput({"file": exc.message}) from exc
    return outcome


def raise_conflict(exc: Exception, complaint_id: int, *, is_final: bool) -> None:
    """After a failed commit: AlreadySent when the other transaction gave it, else StaleEdit."""
    db.session.rollback()
    if _stored_outcome(complaint_id, is_final=is_final) is not None:
        raise AlreadySent(_("A final response was already sent.") if is_final else None) from exc
    raise StaleEdit from exc


def record_outcome(
    complaint: Complaint,
    staff: Staff,
    data: OutcomeInput,
    details: Details,
    *,
    is_final: bool,
    now: datetime,
) -> Outcome:
    """Add the Outcome, its Message and file to the session (no commit) and flush them."""
    body = fill_placeholders(
        data.body.replace("\r\n", "\n").strip(), fill_values(complaint, data, details)
    )
    kind = "final_response" if is_final else "outcome"
    message = Message(
        complaint=complaint, author="staff", staff_id=staff.id, kind=kind, body=body,
        internal=False, via="web", created_at=now,
    )  # fmt: skip
    db.session.add(message)
    attachment = details.reuse_attachment
    if details.upload is not None:
        attachment = store_upload(
            details.upload, complaint=complaint, message=message, uploaded_by="staff",
            purpose="replacement",
        )  # fmt: skip
        attachment.created_at = now
    outcome = Outcome(
        complaint=complaint,
        kind=data.kind.value,
        staff_id=staff.id,
        is_final=is_final,
        language=complaint.language,
        body=body,
        data=dict(details.data),
        amount_cents=details.amount_cents,
        attachment=attachment,
        sent_at=now,
        root_cause=details.root_cause,
        root_cause_note=details.root_cause_note,
    )
    db.session.add(outcome)
    db.session.flush()
    keep_report_columns(complaint, outcome)
    return outcome


def keep_report_columns(complaint: Complaint, outcome: Outcome) -> None:
    """Set the complaint's columns for the outcome it ended with (domain.reports.ended_with),
    which the reports count instead of joining the outcomes."""
    given = GivenOutcome(outcome.kind, outcome.amount_cents, outcome.root_cause_id)
    first = first_outcome(complaint) if outcome.is_final else None
    if first is None:
        columns = ended_with(given, None)
    else:
        columns = ended_with(
            GivenOutcome(first.kind, first.amount_cents, first.root_cause_id), given
        )
    for name, value in columns.items():
        setattr(complaint, name, value)


def fill_values(complaint: Complaint, data: OutcomeInput, details: Details) -> dict[str, str]:
    """Every placeholder's value for this outcome, in the complaint's language."""
    values = complaint_values(complaint)
    values.update(
        {
            key: str(details.data[key])
            for key in ("items", "carrier", "tracking_number")
            if key in details.data
        }
    )
    if details.amount_cents is not None:
        values["amount"] = euros_in(details.amount_cents, complaint.language)
    if data.kind == OutcomeKind.REPLACEMENT_FILE:
        values["download_link_note"] = download_link_note(complaint.language)
    return values


def audit_detail(outcome: Outcome) -> dict[str, Any]:
    """What the audit trail keeps about an outcome (no customer text)."""
    detail: dict[str, Any] = {"outcome_id": outcome.id, "kind": outcome.kind}
    if outcome.amount_cents is not None:
        detail["amount_cents"] = outcome.amount_cents
        detail["full"] = bool(outcome.data.get("full"))
    for key in ("carrier", "tracking_number"):
        if key in outcome.data:
            detail[key] = outcome.data[key]
    if outcome.attachment is not None:
        detail["file_sha256"] = outcome.attachment.sha256
    if outcome.root_cause is not None:
        detail["root_cause"] = outcome.root_cause.key
    return detail
