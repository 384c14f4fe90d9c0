"""What a customer does with an existing complaint: find it by code and email, and answer."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..domain.lifecycle import Status
from ..domain.reference import normalise_reference
from ..extensions import db
from ..files.storage import store_upload
from ..files.uploads import CheckedUpload, Upload, UploadError, check_evidence_files
from ..models import Complaint, Message
from ..models.types import utcnow
from .lifecycle import advance_to, record_event
from .raw_email import store_raw_email
from .submission import clean_text, normalise_email

#: A staff member may change the case while the customer answers; try again that often.
_ATTEMPTS = 3
#: Longest answer we keep (the complaint form allows the same).
MAX_BODY = 20_000


def find_complaint(reference_typed: str, email: str) -> Complaint | None:
    """The complaint with this code AND this address, else None (whichever part was wrong)."""
    code = normalise_reference(reference_typed)
    if code is None or not isinstance(email, str) or len(email) > 320:
        return None
    complaint: Complaint | None = db.session.scalar(
        select(Complaint).where(Complaint.reference == code)
    )
    if complaint is None:
        return None
    if not hmac.compare_digest(
        complaint.email_normalized.encode(), normalise_email(email).encode()
    ):
        return None
    return complaint


def find_message(email_message_id: str | None) -> Message | None:
    """The message already stored for this email Message-ID, if any."""
    if not email_message_id:
        return None
    found: Message | None = db.session.scalar(
        select(Message).where(Message.email_message_id == email_message_id)
    )
    return found


def add_customer_message(
    complaint: Complaint,
    body: str,
    uploads: Sequence[Upload] = (),
    *,
    via: str = "web",
    now: datetime | None = None,
    email_message_id: str | None = None,
    raw_email: bytes | None = None,
) -> Message:
    """Add the customer's answer; a complaint waiting for them goes back to assessment.

    `raw_email` (the RFC 822 bytes of an answer by email) is kept as evidence, in the same
    commit (services.raw_email).
    """
    checked = check_evidence_files(uploads)  # raises UploadError before anything is stored
    text = clean_text(body)[:MAX_BODY]
    if not text and not checked:
        raise ValueError("an answer needs text or a file")
    existing = find_message(email_message_id)
    if existing is not None:
        return existing
    moment = now or utcnow()
    for attempt in range(_ATTEMPTS):
        try:
            message = _add(complaint, text, checked, via, moment, email_message_id, raw_email)
            db.session.commit()
            return message
        except IntegrityError:
            db.session.rollback()
            existing = find_message(email_message_id)
            if existing is not None:
                return existing
            raise
        except StaleDataError:
            # Staff changed the case meanwhile; reload it and add the answer to the new state.
            db.session.rollback()
            if attempt == _ATTEMPTS - 1:
                raise
        except UploadError:
            # A file could not be written (disk full): nothing of the answer stays.
            db.session.rollback()
            raise
    raise RuntimeError("unreachable")


def _add(
    complaint: Complaint,
    text: str,
    files: list[CheckedUpload],
    via: str,
    now: datetime,
    email_message_id: str | None,
    raw_email: bytes | None = None,
) -> Message:
    """Put the message, its files, the audit event and any status change in the session."""
    message = Message(
        complaint=complaint,
        author="customer",
        kind="message",
        body=text,
        internal=False,
        via=via,
        email_message_id=email_message_id,
        created_at=now,
    )
    db.session.add(message)
    for upload in files:
        store_upload(upload, complaint=complaint, message=message, uploaded_by="customer")
    complaint.last_customer_message_at = now
    record_event(
        complaint,
        "customer_message",
        now=now,
        actor="customer",
        detail={"via": via, "files": len(files)},
    )
    if complaint.status == Status.AWAITING_CUSTOMER:
        # The answer ends the wait: the response clock resumes (and its due date moves on).
        advance_to(
            complaint,
            Status.ASSESSING,
            now=now,
            actor="customer",
            detail={"by": "customer answer"},
        )
    db.session.flush()
    if raw_email is not None:
        store_raw_email(raw_email, complaint=complaint, message=message, received_at=now)
    return message
