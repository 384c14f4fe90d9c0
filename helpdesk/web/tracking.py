"""The complaint a visitor opened (code + email, or a signed link), kept in their session,
and what the customer may see of it: the promised dates and a timeline without internals.

Each opening gets a random session id in the (signed) cookie; "Leave" ends that id on the
server (services.customer_sessions), so a copy of the cookie stops working too.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import joinedload

from ..domain.sla import Clock
from ..extensions import db
from ..models import Attachment, AuditEvent, Complaint, Message, Outcome
from ..runtime.clock import acknowledgement_clock, response_clock
from ..services.customer_sessions import end_session, is_ended
from ..words import labels

_KEY = "tracked"
#: How long an opened case stays open in the browser without asking again.
MAX_AGE_SECONDS = 12 * 3600
#: Message kinds a customer may read (never "note").
VISIBLE_KINDS = frozenset(
    {"message", "reply", "info_request", "outcome", "final_response", "review_request"}
)


def _digest(complaint: Complaint) -> str:
    # Bound to the address: the session dies when the case's email is erased or changed.
    return hashlib.sha256(complaint.email_normalized.encode()).hexdigest()[:16]


def remember_tracked(complaint: Complaint) -> None:
    """Open this complaint for the visitor (after code + email or a signed link), as a new
    session with its own random id."""
    session[_KEY] = {
        "id": complaint.id,
        "d": _digest(complaint),
        "at": int(time.time()),
        "s": secrets.token_urlsafe(18),
    }


def forget_tracked() -> None:
    """Close the case in this browser (this cookie only; see leave_tracked)."""
    session.pop(_KEY, None)


def leave_tracked() -> None:
    """ "Leave": end this session on the server too, so a copy of the cookie no longer opens
    the case, then close it in this browser."""
    data = session.get(_KEY)
    if isinstance(data, dict) and isinstance(data.get("s"), str):
        try:
            until = datetime.fromtimestamp(int(data["at"]) + MAX_AGE_SECONDS, UTC)
        except (KeyError, TypeError, ValueError, OverflowError):
            until = datetime.fromtimestamp(time.time() + MAX_AGE_SECONDS, UTC)
        end_session(data["s"], expires_at=until)
    forget_tracked()


#: The opened complaint, with what the case page always shows in the same query: its
#: outcomes (at most two) with their replacement files (the download link), and the rating.
#: Built once: `session.get` with these options built and keyed the statement anew on every
#: page (about 120 µs more).
_TRACKED = (
    select(Complaint)
    .where(Complaint.id == bindparam("complaint_id", type_=Integer))
    .options(
        joinedload(Complaint.outcomes).joinedload(Outcome.attachment),
        joinedload(Complaint.rating),
    )
)


def tracked_complaint() -> Complaint | None:
    """The complaint this visitor opened, else None (nothing opened, expired, left or
    erased)."""
    data = session.get(_KEY)
    if not isinstance(data, dict):
        return None
    try:
        complaint_id, digest, at = int(data["id"]), str(data["d"]), int(data["at"])
        session_id = str(data["s"])  # sessions from before session ids are not honoured
    except (KeyError, TypeError, ValueError):
        return None
    if time.time() - at > MAX_AGE_SECONDS or is_ended(session_id):
        forget_tracked()
        return None
    found = db.session.scalars(_TRACKED, {"complaint_id": complaint_id}).unique()
    complaint: Complaint | None = found.one_or_none()
    if complaint is None or _digest(complaint) != digest:
        forget_tracked()
        return None
    return complaint


@dataclass
class TimelineItem:
    """One line of the customer's timeline: a message or a status change."""

    at: datetime
    kind: str  # "message" or "status"
    title: str
    body: str = ""
    from_customer: bool = False
    attachments: list[Attachment] = field(default_factory=list)
    status: str = ""
    message_kind: str = ""
    rank: int = 1  # order at the same moment: receipt, then messages, then what they caused


#: How the customer reads who wrote what, per message kind (translated when shown).
_TITLES = {
    "message": _l("You wrote"),
    "reply": _l("Our reply"),
    "info_request": _l("We asked for more information"),
    "outcome": _l("Our response"),
    "final_response": _l("Our final response"),
    "review_request": _l("You asked for a review"),
}


def _message_title(kind: str) -> str:
    """How the customer reads who wrote what (only this message's title is translated)."""
    title = _TITLES.get(kind)
    return str(title if title is not None else _("Message"))


#: The statements of the timeline, built once (the complaint's id is the parameter). The
#: messages and status changes are column rows read on the session's connection: the
#: timeline copies a few values of each, so no ORM objects are built for them.
_COMPLAINT_ID = bindparam("complaint_id", type_=Integer)
_VISIBLE_MESSAGES = (
    select(Message.id, Message.created_at, Message.kind, Message.body, Message.author)
    .where(
        Message.complaint_id == _COMPLAINT_ID,
        Message.internal.is_(False),
        Message.kind.in_(sorted(VISIBLE_KINDS)),
    )
    .order_by(Message.created_at, Message.id)
)
#: The files the customer may see (their evidence), by id as Message.attachments has them.
_CUSTOMER_FILES = (
    select(Attachment)
    .where(
        Attachment.complaint_id == _COMPLAINT_ID,
        Attachment.message_id.is_not(None),
        Attachment.uploaded_by == "customer",
        Attachment.purpose == "evidence",
    )
    .order_by(Attachment.id)
)
_STATUS_EVENTS = (  # only the columns the timeline reads (no audit events built as objects)
    select(AuditEvent.at, AuditEvent.action, AuditEvent.to_status)
    .where(
        AuditEvent.complaint_id == _COMPLAINT_ID,
        AuditEvent.action.in_(("submitted", "status_changed")),
    )
    .order_by(AuditEvent.at, AuditEvent.id)
)


def customer_timeline(complaint: Complaint) -> list[TimelineItem]:
    """Messages the customer may see and status changes in plain words, oldest first."""
    connection, by_complaint = db.session.connection(), {"complaint_id": complaint.id}
    messages = connection.execute(_VISIBLE_MESSAGES, by_complaint).all()
    files = _customer_files(complaint) if messages else {}
    items = [
        TimelineItem(
            at=m.created_at,
            kind="message",
            title=_message_title(m.kind),
            body=m.body,
            from_customer=m.author == "customer",
            message_kind=m.kind,
            attachments=files.get(m.id, []),
        )
        for m in messages
    ]
    for event in connection.execute(_STATUS_EVENTS, by_complaint):
        # Only the status words: who did it and why (the audit detail) stays with the staff.
        status = "received" if event.action == "submitted" else event.to_status
        if status:
            title = _("Status: %(status)s", status=labels.status_label(status))
            rank = 0 if event.action == "submitted" else 2
            items.append(TimelineItem(event.at, "status", title, status=status, rank=rank))
    return sorted(items, key=lambda item: (item.at, item.rank))


def _customer_files(complaint: Complaint) -> dict[int, list[Attachment]]:
    """The complaint's files the customer may see (is_customer_file), per message, one query
    (instead of loading every message's files to keep these)."""
    by_message: dict[int, list[Attachment]] = defaultdict(list)
    for item in db.session.scalars(_CUSTOMER_FILES, {"complaint_id": complaint.id}):
        if item.message_id is not None:
            by_message[item.message_id].append(item)
    return by_message


def open_question(timeline: list[TimelineItem]) -> TimelineItem | None:
    """Our latest request for information, when nothing came from the customer after it."""
    for item in reversed(timeline):
        if item.kind != "message":
            continue
        return item if item.message_kind == "info_request" else None
    return None


def is_customer_file(complaint: Complaint, attachment: Attachment) -> bool:
    """True for a file of this complaint that the customer uploaded as evidence."""
    return (
        attachment.complaint_id == complaint.id
        and attachment.uploaded_by == "customer"
        and attachment.purpose == "evidence"
    )


@dataclass(frozen=True)
class Clocks:
    """The two promises as the customer reads them."""

    acknowledgement: Clock
    response: Clock


def customer_clocks(complaint: Complaint, now: datetime | None = None) -> Clocks:
    """Both clocks of a complaint, as of `now`."""
    return Clocks(acknowledgement_clock(complaint, now), response_clock(complaint, now))
