"""Giving an outcome: one click fills the text, one more sends it (policy clause 4).

`give_outcome` stores the Outcome, the customer-visible Message (and the replacement file),
moves the complaint to resolved through the lifecycle (which stops the response clock),
records the audit event and queues the email: all in ONE commit. Two clicks at once give one
outcome: the unique constraint uq_outcome_once and the complaint's version column make the
second transaction fail, and the loser is told "An outcome was already sent".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..clock import shop_timezone
from ..domain.lifecycle import Status
from ..domain.outcomes import (
    MAX_BODY,
    MAX_REPLACEMENT_BYTES,
    OutcomeKind,
    fill_placeholders,
    parse_amount_cents,
    review_deadline,
    sniff_replacement,
)
from ..domain.sla import local_date
from ..extensions import db
from ..links import download_token, tracking_url
from ..mail.outbox import queue_email
from ..models import Attachment, Complaint, Message, Outcome, Staff
from ..models.types import utcnow
from ..uploads import CheckedUpload, Upload, safe_filename, store_upload
from .casework import Aspect, Seen, StaleEdit, check_fresh
from .lifecycle import advance_to, record_event
from .outcome_errors import AlreadySent, InvalidInput, WrongStatus, require_staff
from .templates import complaint_values, download_link_note

#: Statuses from which a first outcome may be given (advance_to takes the steps in between).
OUTCOME_FROM = frozenset(
    {Status.RECEIVED, Status.ACKNOWLEDGED, Status.ASSESSING, Status.AWAITING_CUSTOMER}
)


#: An outcome conflicts with a change only when the customer-visible thread moved on (the
#: customer wrote, a colleague replied or asked for information): the text may no longer
#: fit. Background changes such as the acknowledgement email being delivered do not count,
#: and a colleague's outcome is caught as "already sent".
FRESH_ASPECTS: tuple[Aspect, ...] = ("messages",)


@dataclass(frozen=True)
class OutcomeInput:
    """What staff filled in: the kind, the response text and the kind's fields, as typed."""

    kind: OutcomeKind
    body: str
    items: str = ""
    carrier: str = ""
    tracking_number: str = ""
    amount: str = ""
    refund_type: str = ""  # "full" | "partial"
    file: Upload | None = None


@dataclass
class Details:
    """The checked facts of an outcome, ready to store."""

    data: dict[str, Any] = field(default_factory=dict)
    amount_cents: int | None = None
    upload: CheckedUpload | None = None
    reuse_attachment: Attachment | None = None


def first_outcome(complaint: Complaint) -> Outcome | None:
    """The first outcome given to a complaint, if any."""
    return _outcome(complaint.id, is_final=False)


def final_outcome(complaint: Complaint) -> Outcome | None:
    """The final response given after a review, if any."""
    return _outcome(complaint.id, is_final=True)


def _outcome(complaint_id: int, *, is_final: bool) -> Outcome | None:
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
    details = check_details(data)
    complaint_id = complaint.id
    try:
        outcome = record_outcome(complaint, staff, data, details, is_final=False, now=now)
        advance_to(
            complaint,
            Status.RESOLVED,
            now=now,
            actor="staff",
            staff=staff,
            detail={"outcome": data.kind.value},
        )
        record_event(
            complaint,
            "outcome_sent",
            now=now,
            actor="staff",
            staff=staff,
            detail=audit_detail(outcome),
        )
        queue_outcome_email(complaint, outcome, template="outcome", now=now)
        db.session.commit()
    except (IntegrityError, StaleDataError, OperationalError) as exc:
        raise_conflict(exc, complaint_id, is_final=False)
    return outcome


def raise_conflict(exc: Exception, complaint_id: int, *, is_final: bool) -> None:
    """After a failed commit: AlreadySent when the other transaction gave it, else StaleEdit."""
    db.session.rollback()
    if _outcome(complaint_id, is_final=is_final) is not None:
        raise AlreadySent from exc
    raise StaleEdit from exc


def check_details(data: OutcomeInput, *, keep_file: Attachment | None = None) -> Details:
    """Check the text and the kind's fields; raises InvalidInput with a message per field.

    A replacement file needs a new upload, unless `keep_file` (the file of the first outcome,
    for a final response) may be sent again.
    """
    errors: dict[str, str] = {}
    body = data.body.replace("\r\n", "\n").strip()
    if len(body) < 10:
        errors["body"] = _("Write the response to the customer (at least 10 characters).")
    elif len(body) > MAX_BODY:
        errors["body"] = _("The text may be at most %(count)d characters.", count=MAX_BODY)
    details = Details()
    kind = data.kind
    if kind == OutcomeKind.REPLACEMENT_PRODUCT:
        _check_shipment(data, details, errors)
    elif kind == OutcomeKind.REFUND:
        _check_refund(data, details, errors)
    elif kind == OutcomeKind.REPLACEMENT_FILE and data.file is not None:
        _check_file(data.file, details, errors)
    elif kind == OutcomeKind.REPLACEMENT_FILE and keep_file is not None:
        details.reuse_attachment = keep_file
        details.data["file_name"] = keep_file.original_name
    elif kind == OutcomeKind.REPLACEMENT_FILE:
        errors["file"] = _("Choose the replacement file to send.")
    if errors:
        raise InvalidInput(errors)
    return details


def _check_shipment(data: OutcomeInput, details: Details, errors: dict[str, str]) -> None:
    limits = {"items": 2000, "carrier": 100, "tracking_number": 100}
    missing = {
        "items": _("Say which items you sent."),
        "carrier": _("Name the carrier."),
        "tracking_number": _("Enter the tracking number."),
    }
    for name, limit in limits.items():
        value = str(getattr(data, name)).strip()
        if not value:
            errors[name] = missing[name]
        elif len(value) > limit:
            errors[name] = _("At most %(count)d characters.", count=limit)
        elif name != "items" and any(ord(ch) < 32 for ch in value):
            errors[name] = _("Use letters, digits and spaces only.")
        details.data[name] = value


def _check_refund(data: OutcomeInput, details: Details, errors: dict[str, str]) -> None:
    cents = parse_amount_cents(data.amount)
    if cents is None:
        errors["amount"] = _("Enter an amount in euros, for example 12,50 or 12.50.")
    details.amount_cents = cents
    if data.refund_type not in ("full", "partial"):
        errors["refund_type"] = _("Choose a full or a partial refund.")
    details.data["full"] = data.refund_type == "full"


def _check_file(upload: Upload, details: Details, errors: dict[str, str]) -> None:
    if not upload.data:
        errors["file"] = _("The file is empty. Choose the replacement file again.")
        return
    limit = int(current_app.config.get("MAX_REPLACEMENT_BYTES", MAX_REPLACEMENT_BYTES))
    if len(upload.data) > limit:
        errors["file"] = _("The file is larger than %(mb)d MB.", mb=max(limit >> 20, 1))
        return
    found = sniff_replacement(upload.data, upload.filename)
    if found is None:
        errors["file"] = _(
            "This kind of file cannot be sent. Send a PDF, EPUB, Office document, ZIP, audio, "
            "video, image or plain text file."
        )
        return
    name = safe_filename(upload.filename, found.extension)
    details.upload = CheckedUpload(name, upload.data, found.content_type)
    details.data["file_name"] = name


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
    message = Message(
        complaint=complaint,
        author="staff",
        staff_id=staff.id,
        kind="final_response" if is_final else "outcome",
        body=body,
        internal=False,
        via="web",
        created_at=now,
    )
    db.session.add(message)
    attachment = details.reuse_attachment
    if details.upload is not None:
        attachment = store_upload(
            details.upload,
            complaint=complaint,
            message=message,
            uploaded_by="staff",
            purpose="replacement",
        )
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
    )
    db.session.add(outcome)
    db.session.flush()
    return outcome


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
        values["amount"] = format_amount(details.amount_cents, complaint.language)
    if data.kind == OutcomeKind.REPLACEMENT_FILE:
        values["download_link_note"] = download_link_note(complaint.language)
    return values


def format_amount(cents: int, language: str) -> str:
    """An amount in euros as people of `language` write it (€ 12,50 / €12.50)."""
    return str(format_currency(Decimal(cents) / 100, "EUR", locale=language))


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
    return detail


def download_url(attachment: Attachment) -> str:
    """An absolute, signed, expiring link to download a replacement file."""
    token = download_token(attachment)
    if has_request_context():
        path = url_for("resolution.download", token=token)
    else:
        path = current_app.url_map.bind("localhost").build("resolution.download", {"token": token})
    return str(current_app.config["BASE_URL"]).rstrip("/") + path


def download_valid_until(now: datetime) -> datetime:
    """When a download link made at `now` stops working."""
    return now + timedelta(days=int(current_app.config["DOWNLOAD_LINK_DAYS"]))


def queue_outcome_email(
    complaint: Complaint, outcome: Outcome, *, template: str, now: datetime
) -> None:
    """Queue the outcome (or final response) email in the customer's language."""
    attachment = outcome.attachment
    queue_email(
        kind="final_response" if outcome.is_final else "outcome",
        to=complaint.email,
        template=template,
        language=complaint.language,
        complaint=complaint,
        outcome=outcome,
        shop_name=current_app.config["SHOP_NAME"],
        tracking_link=tracking_url(complaint),
        download_link=download_url(attachment) if attachment is not None else None,
        download_until=local_date(download_valid_until(now), shop_timezone()),
        amount=format_amount(outcome.amount_cents, complaint.language)
        if outcome.amount_cents is not None
        else None,
        mediation_bodies=current_app.config["MEDIATION_BODIES"],
        review_until=local_date(
            review_deadline(now, int(current_app.config["REVIEW_PERIOD_DAYS"])), shop_timezone()
        ),
    )
