"""Escalation (policy clauses 5 and 6): the customer's one review and the final response.

A review may be requested once, within REVIEW_PERIOD_DAYS of the first outcome. A manager
who did not give that outcome re-evaluates it and sends the final response (four-eyes);
after that no further review, only the external dispute bodies (a referral to one of them
is recorded through services.mediation).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from ..domain.lifecycle import Status
from ..domain.outcomes import is_review_open, review_deadline
from ..extensions import db
from ..models import Complaint, Message, Outcome, Staff
from ..models.types import utcnow
from ..outbox.queue import queue_email
from ..runtime.links import tracking_url
from .casework import Seen, check_fresh
from .lifecycle import change_status, record_event
from .outcome_checks import OutcomeInput, check_details
from .outcome_errors import (
    AlreadySent,
    FourEyes,
    InvalidInput,
    WrongStatus,
    require_manager,
)
from .outcomes import (
    FRESH_ASPECTS,
    final_outcome,
    first_outcome,
    send_outcome,
)

REASON_MIN, REASON_MAX = 10, 5000


def review_period_days() -> int:
    """REVIEW_PERIOD_DAYS from the settings."""
    return int(current_app.config["REVIEW_PERIOD_DAYS"])


def review_possible_until(complaint: Complaint) -> datetime | None:
    """The last moment the customer may ask for a review (None before any outcome)."""
    if complaint.responded_at is None:
        return None
    return review_deadline(complaint.responded_at, review_period_days())


def can_request_review(complaint: Complaint, now: datetime | None = None) -> bool:
    """True while the one review of the first outcome may still be requested."""
    return is_review_open(
        status=complaint.status,
        responded_at=complaint.responded_at,
        review_requested_at=complaint.review_requested_at,
        now=now or utcnow(),
        period_days=review_period_days(),
    )


def request_review(complaint: Complaint, reason: str, *, now: datetime | None = None) -> None:
    """The customer asks for the one review: resolved → review_requested, receipt emailed."""
    now = now or utcnow()
    text = reason.replace("\r\n", "\n").strip()
    check_review_request(complaint, text, now)
    first_due = complaint.response_due_on
    change_status(complaint, Status.REVIEW_REQUESTED, now=now, actor="customer")
    complaint.review_reason = text
    # The review is a new promise, due RESPONSE_DAYS business days after the request
    # (domain.clocks.transition sets it); the first due date stays in the audit event below,
    # so reports can still tell whether the first response was on time.
    db.session.add(
        Message(complaint=complaint, author="customer", kind="review_request", body=text,
                internal=False, via="web", created_at=now)
    )  # fmt: skip
    complaint.last_customer_message_at = now
    due = {"first_response_due_on": first_due.isoformat(),
           "review_due_on": complaint.response_due_on.isoformat()}  # fmt: skip
    record_event(complaint, "review_requested", now=now, actor="customer", detail=due)
    queue_email(kind="review_received", to=complaint.email, template="review_received",
                language=complaint.language, complaint=complaint,
                shop_name=current_app.config["SHOP_NAME"],
                tracking_link=tracking_url(complaint))  # fmt: skip
    complaint_id = complaint.id
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError, OperationalError) as exc:
        # A double click (the other request asked first) or a change at the same moment.
        db.session.rollback()
        fresh = db.session.get(Complaint, complaint_id)
        if fresh is not None and fresh.review_requested_at is not None:
            raise WrongStatus(_("You have already requested a review of this complaint.")) from exc
        raise WrongStatus(_("Your request could not be saved just now. Please try again.")) from exc


def check_review_request(complaint: Complaint, text: str, now: datetime) -> None:
    """Raise WrongStatus or InvalidInput unless this review may be requested with this reason."""
    if complaint.review_requested_at is not None:
        raise WrongStatus(_("You have already requested a review of this complaint."))
    if complaint.responded_at is None:
        raise WrongStatus(_("A review can be requested after our response."))
    if not can_request_review(complaint, now):
        raise WrongStatus(_("The period in which a review could be requested has ended."))
    if not REASON_MIN <= len(text) <= REASON_MAX:
        message = _("Tell us why in %(min)d to %(max)d characters.", min=REASON_MIN, max=REASON_MAX)
        raise InvalidInput({"reason": message})


def may_review(complaint: Complaint, staff: Staff) -> bool:
    """True when this staff member may send the final response (manager, not the first giver)."""
    first = first_outcome(complaint)
    return staff.is_manager and (first is None or first.staff_id != staff.id)


def send_final_response(
    complaint: Complaint,
    staff: Staff,
    data: OutcomeInput,
    *,
    seen: Seen | int,
    now: datetime | None = None,
) -> Outcome:
    """A manager's re-evaluation: review_requested → final, with the final response emailed.

    Raises NotAllowed, AlreadySent, StaleEdit, WrongStatus, FourEyes or InvalidInput.
    """
    require_manager(staff)
    now = now or utcnow()
    if final_outcome(complaint) is not None:
        raise AlreadySent(_("A final response was already sent."))
    check_fresh(complaint, seen, FRESH_ASPECTS)
    if complaint.status != Status.REVIEW_REQUESTED:
        raise WrongStatus(
            _("A final response is given only after the customer asked for a review.")
        )
    first = first_outcome(complaint)
    if first is not None and first.staff_id == staff.id:
        raise FourEyes
    details = check_details(data, keep_file=first.attachment if first is not None else None)
    kept = first is not None and first.kind == data.kind.value
    return send_outcome(
        complaint, staff, data, details, is_final=True, now=now, extra={"kept_kind": kept}
    )


def list_review_requests() -> list[Complaint]:
    """Complaints waiting for a final response, the one due first on top."""
    query = (
        select(Complaint)
        .where(Complaint.status == Status.REVIEW_REQUESTED.value)
        .options(joinedload(Complaint.assignee))
        .order_by(Complaint.response_due_on, Complaint.review_requested_at)
    )
    return list(db.session.scalars(query))


def first_outcomes_for(complaints: list[Complaint]) -> dict[int, Outcome]:
    """The first outcome of each complaint, by complaint id, in one query."""
    if not complaints:
        return {}
    query = (
        select(Outcome)
        .where(Outcome.complaint_id.in_([c.id for c in complaints]), Outcome.is_final.is_(False))
        .options(joinedload(Outcome.staff))
    )
    return {o.complaint_id: o for o in db.session.scalars(query)}
