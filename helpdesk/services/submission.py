"""Submitting a complaint (web form or email): one commit with the reference code, due dates,
audit event, first message, attachments and the acknowledgement email in the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import DateTime, Integer, String, bindparam, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstanceState
from sqlalchemy.orm.attributes import set_committed_value

from ..domain.clocks import opening_clocks
from ..domain.outcomes import PREFERRED_SOLUTIONS
from ..domain.reference import generate_reference
from ..extensions import db
from ..files.storage import store_upload
from ..files.uploads import CheckedUpload, Upload, UploadError, check_evidence_files
from ..models import Complaint, Message
from ..models.types import utcnow
from ..outbox.queue import queue_email
from ..runtime.clock import business_calendar, shop_timezone
from ..runtime.links import tracking_url
from ..words import labels
from .lifecycle import record_event
from .raw_email import store_raw_email

__all__ = ["NewComplaint", "Upload", "UploadError", "submit_complaint"]

#: A reference collision needs 2^60 bad luck; a few tries are plenty.
_ATTEMPTS = 5


@dataclass(frozen=True)
class NewComplaint:
    """What a customer tells us when they complain."""

    name: str
    email: str
    order_number: str | None
    category: str
    description: str
    language: str = "en"
    channel: str = "web"
    submission_token: str | None = None
    #: The remedy asked for (domain.outcomes.PREFERRED_SOLUTIONS); None when not asked.
    preferred_solution: str | None = None


def clean_text(text: str) -> str:
    """User text as we store it: no NUL characters (PostgreSQL refuses them), trimmed."""
    return text.replace("\x00", "").strip()


def normalise_email(email: str) -> str:
    """The form used to match addresses: trimmed, lower case."""
    return email.strip().lower()


#: Statements every web submission runs, built once and sent on the session's connection
#: (column rows, no ORM loading: docs/performance.md, "Profiles and fixes").
_BY_TOKEN = select(Complaint.id).where(
    Complaint.submission_token == bindparam("token", type_=String)
)
_SAME_ADDRESS = select(func.count(Complaint.id)).where(
    Complaint.email_normalized == bindparam("email", type_=String),
    Complaint.received_at > bindparam("since", type_=DateTime),
    Complaint.id != bindparam("complaint_id", type_=Integer),
)


def find_existing(submission_token: str | None, email_message_id: str | None) -> Complaint | None:
    """The complaint an earlier try of this same submission created, if any."""
    if submission_token:
        connection = db.session.connection()
        complaint_id = connection.execute(_BY_TOKEN, {"token": submission_token}).scalar()
        if complaint_id is not None:
            return db.session.get(Complaint, complaint_id)
    if email_message_id:
        message: Message | None = db.session.scalar(
            select(Message).where(Message.email_message_id == email_message_id)
        )
        if message is not None:
            return message.complaint
    return None


def submit_complaint(
    data: NewComplaint,
    uploads: Sequence[Upload] = (),
    *,
    now: datetime | None = None,
    email_message_id: str | None = None,
    raw_email: bytes | None = None,
) -> Complaint:
    """Store a new complaint and queue its acknowledgement; the same submission twice is one.

    `raw_email` (the RFC 822 bytes of an email complaint) is kept as evidence, in the same
    commit (services.raw_email).
    """
    checked = check_evidence_files(uploads)  # raises UploadError before anything is stored
    _check_fields(data)
    existing = find_existing(data.submission_token, email_message_id)
    if existing is not None:
        return existing
    moment = now or utcnow()
    for _attempt in range(_ATTEMPTS):
        try:
            complaint = _create(data, checked, moment, email_message_id, raw_email)
            _commit_keeping(complaint)
            return complaint
        except IntegrityError:
            # A simultaneous POST of the same form (or the same email) won, or, once in a
            # blue moon, the reference code was taken: look for the winner, else try again.
            db.session.rollback()
            existing = find_existing(data.submission_token, email_message_id)
            if existing is not None:
                return existing
        except UploadError:
            # A file could not be written (disk full): nothing of it stays, files included.
            db.session.rollback()
            raise
    raise RuntimeError("could not store the complaint")


def too_many_for(email_normalized: str, complaint_id: int, now: datetime) -> bool:
    """True when ACKS_PER_ADDRESS_DAY other complaints named this address in the last 24 h
    (so this one gets no acknowledgement email)."""
    cap = int(current_app.config["ACKS_PER_ADDRESS_DAY"])
    values = {
        "email": email_normalized,
        "since": now - timedelta(days=1),
        "complaint_id": complaint_id,
    }
    earlier = db.session.connection().execute(_SAME_ADDRESS, values).scalar()
    return int(earlier or 0) >= cap


def _commit_keeping(complaint: Complaint) -> None:
    """Commit, and keep the new complaint's columns loaded as they were written.

    A commit expires every object, so the caller's next read of the complaint (the web form
    puts its id and address in the session cookie) would load the whole row again: one
    SELECT of values this transaction has just written. The flush first, so that what is
    kept is what the commit writes; relationships load as usual when read.
    """
    db.session.flush()
    state: InstanceState[Complaint] = inspect(complaint)
    written = {
        prop.key: state.dict[prop.key]
        for prop in state.mapper.column_attrs
        if prop.key in state.dict
    }
    db.session.commit()
    for key, value in written.items():
        set_committed_value(complaint, key, value)


def _check_fields(data: NewComplaint) -> None:
    """Refuse data no form or mail parser should ever let through."""
    if data.category not in labels.CATEGORIES:
        raise ValueError(f"unknown category {data.category!r}")
    if data.preferred_solution is not None and data.preferred_solution not in PREFERRED_SOLUTIONS:
        raise ValueError(f"unknown preferred solution {data.preferred_solution!r}")
    if "@" not in data.email or not clean_text(data.description):
        raise ValueError("a complaint needs an email address and a description")


def _create(
    data: NewComplaint,
    files: list[CheckedUpload],
    now: datetime,
    email_message_id: str | None,
    raw_email: bytes | None = None,
) -> Complaint:
    """Add the complaint and everything that belongs to it to the session (no commit)."""
    cal, tz = business_calendar(), shop_timezone()
    language = data.language if data.language in current_app.config["LANGUAGES"] else "en"
    complaint = Complaint(
        reference=generate_reference(),
        submission_token=data.submission_token,
        name=clean_text(data.name)[:200],
        email=clean_text(data.email)[:320],
        email_normalized=normalise_email(clean_text(data.email))[:320],
        order_number=clean_text(data.order_number or "")[:100] or None,
        category=data.category,
        description=clean_text(data.description),
        preferred_solution=data.preferred_solution,
        language=language,
        channel=data.channel,
        received_at=now,
        last_activity_at=now,
        last_customer_message_at=now,
        **opening_clocks(now, cal, tz).columns(),
    )
    db.session.add(complaint)
    record_event(
        complaint, "submitted", now=now, actor="customer", detail={"channel": data.channel}
    )
    message = Message(
        complaint=complaint,
        author="customer",
        kind="message",
        body=complaint.description,
        internal=False,
        via=data.channel,
        email_message_id=email_message_id,
        created_at=now,
    )
    db.session.add(message)
    for upload in files:
        store_upload(upload, complaint=complaint, message=message, uploaded_by="customer")
    db.session.flush()  # the reference must be unique before the email names it
    if raw_email is not None:
        store_raw_email(raw_email, complaint=complaint, message=message, received_at=now)
    if too_many_for(complaint.email_normalized, complaint.id, now):
        # Someone may be using the form to flood a stranger's mailbox: the complaint is
        # kept (staff see it and can acknowledge it by hand), the email is not sent.
        record_event(
            complaint,
            "acknowledgement_withheld",
            now=now,
            actor="system",
            detail={"reason": "address_cap"},
        )
        return complaint
    queue_email(
        kind="acknowledgement",
        to=complaint.email,
        template="acknowledgement",
        language=complaint.language,
        complaint=complaint,
        tracking_link=tracking_url(complaint),
        track_page=_public_url("public.track"),
        shop_name=current_app.config["SHOP_NAME"],
    )
    return complaint


def _public_url(endpoint: str) -> str:
    """An absolute link to one of our pages, also outside a request (mail ingest)."""
    path = current_app.url_map.bind("localhost").build(endpoint)
    return str(current_app.config["BASE_URL"]).rstrip("/") + path
