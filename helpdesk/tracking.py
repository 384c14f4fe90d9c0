"""The complaint a visitor opened (code + email, or a signed link), kept in their session,
and what the customer may see of it: the promised dates and a timeline without internals."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime

from flask import session
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import labels
from .clock import acknowledgement_clock, response_clock
from .domain.sla import Clock
from .extensions import db
from .models import Attachment, AuditEvent, Complaint, Message

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
    """Open this complaint for the visitor (after code + email or a signed link)."""
    session[_KEY] = {"id": complaint.id, "d": _digest(complaint), "at": int(time.time())}


def forget_tracked() -> None:
    """Close the case in this browser."""
    session.pop(_KEY, None)


def tracked_complaint() -> Complaint | None:
    """The complaint this visitor opened, else None (nothing opened, expired or erased)."""
    data = session.get(_KEY)
    if not isinstance(data, dict):
        return None
    try:
        complaint_id, digest, at = int(data["id"]), str(data["d"]), int(data["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if time.time() - at > MAX_AGE_SECONDS:
        forget_tracked()
        return None
    complaint = db.session.get(Complaint, complaint_id)
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


def _message_title(message: Message) -> str:
    """How the customer reads who wrote what."""
    titles = {
        "message": _("You wrote"),
        "reply": _("Our reply"),
        "info_request": _("We asked for more information"),
        "outcome": _("Our response"),
        "final_response": _("Our final response"),
        "review_request": _("You asked for a review"),
    }
    return str(titles.get(message.kind, _("Message")))


def customer_timeline(complaint: Complaint) -> list[TimelineItem]:
    """Messages the customer may see and status changes in plain words, oldest first."""
    messages = db.session.scalars(
        select(Message)
        .where(
            Message.complaint_id == complaint.id,
            Message.internal.is_(False),
            Message.kind.in_(VISIBLE_KINDS),
        )
        .order_by(Message.created_at, Message.id)
        .options(selectinload(Message.attachments))  # one query, not one per message
    )
    items = [
        TimelineItem(
            at=m.created_at,
            kind="message",
            title=_message_title(m),
            body=m.body,
            from_customer=m.author == "customer",
            message_kind=m.kind,
            attachments=[a for a in m.attachments if is_customer_file(complaint, a)],
        )
        for m in messages
    ]
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.complaint_id == complaint.id,
            AuditEvent.action.in_(("submitted", "status_changed")),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    for event in events:
        # Only the status words: who did it and why (the audit detail) stays with the staff.
        status = "received" if event.action == "submitted" else event.to_status
        if status:
            title = _("Status: %(status)s", status=labels.status_label(status))
            rank = 0 if event.action == "submitted" else 2
            items.append(TimelineItem(event.at, "status", title, status=status, rank=rank))
    return sorted(items, key=lambda item: (item.at, item.rank))


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
