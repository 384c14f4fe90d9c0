"""Writing on a complaint: "Reply", "Request information" and "Add internal note".

Replies and information requests go to the customer by email (queued in the outbox in the
same commit, in the complaint's language); internal notes are never emailed and never
shown to the customer. A form sent twice (double click, browser retry) adds one message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..domain.lifecycle import Status
from ..extensions import db
from ..models import Complaint, Message, Staff
from ..models.types import utcnow
from ..outbox.queue import queue_email
from ..runtime.links import tracking_url
from .casework import (
    ActionRefused,
    Aspect,
    CaseworkError,
    Seen,
    refuse_if_closed,
    require_active,
    run_action,
)
from .lifecycle import advance_to, record_event

MAX_TEXT = 20_000
#: Statuses in which asking the customer for more makes sense (before an outcome).
CAN_REQUEST_INFO = frozenset(
    {Status.RECEIVED, Status.ACKNOWLEDGED, Status.ASSESSING, Status.AWAITING_CUSTOMER}
)
#: A second identical message from the same person this soon is the same submission again.
_DUPLICATE_WINDOW = timedelta(minutes=10)
# What a message conflicts with when the complaint changed since the form was shown.
_TO_CUSTOMER: tuple[Aspect, ...] = ("status", "assignee", "messages")


def clean_text(body: str | None) -> str:
    """The text as it will be stored; raises CaseworkError for empty or oversized text."""
    text = (body or "").strip()
    if not text:
        raise CaseworkError(_("Please write something first."), field="body")
    if len(text) > MAX_TEXT:
        raise CaseworkError(_("Please use at most 20,000 characters."), field="body")
    return text


def reply(
    complaint: Complaint, staff: Staff, body: str, seen: Seen | int, *, now: datetime | None = None
) -> Message:
    """Reply: the customer gets the text by email; a fresh complaint moves to assessing."""
    text = clean_text(body)
    moment = now or utcnow()

    def apply(current: Complaint) -> Message:
        refuse_if_closed(current)
        message = _add_message(current, staff, "reply", text, moment)
        if current.status in (Status.RECEIVED, Status.ACKNOWLEDGED):
            advance_to(current, Status.ASSESSING, now=moment, actor="staff", staff=staff)
        record_event(current, "reply_sent", now=moment, actor="staff", staff=staff)
        _email(current, message, staff, "reply")
        return message

    return _write(complaint, staff, "reply", text, seen, _TO_CUSTOMER, apply, moment)


def request_information(
    complaint: Complaint, staff: Staff, body: str, seen: Seen | int, *, now: datetime | None = None
) -> Message:
    """Request information: email the question; the complaint waits (response clock paused)."""
    text = clean_text(body)
    moment = now or utcnow()

    def apply(current: Complaint) -> Message:
        if current.status not in CAN_REQUEST_INFO:
            raise ActionRefused(
                _("Information can only be requested before an outcome has been given.")
            )
        message = _add_message(current, staff, "info_request", text, moment)
        advance_to(current, Status.AWAITING_CUSTOMER, now=moment, actor="staff", staff=staff)
        record_event(current, "information_requested", now=moment, actor="staff", staff=staff)
        _email(current, message, staff, "info_request")
        return message

    return _write(complaint, staff, "info_request", text, seen, _TO_CUSTOMER, apply, moment)


def add_note(
    complaint: Complaint, staff: Staff, body: str, seen: Seen | int, *, now: datetime | None = None
) -> Message:
    """Add internal note: for colleagues only; allowed in every status, even closed.

    A note never conflicts with other changes: it overwrites nothing and nobody outside
    reads it, so a changed complaint is no reason to make the writer start again.
    """
    text = clean_text(body)
    moment = now or utcnow()

    def apply(current: Complaint) -> Message:
        message = _add_message(current, staff, "note", text, moment, internal=True)
        record_event(current, "note_added", now=moment, actor="staff", staff=staff)
        return message

    return _write(complaint, staff, "note", text, seen, (), apply, moment)


def _write(
    complaint: Complaint,
    staff: Staff,
    kind: str,
    text: str,
    seen: Seen | int,
    aspects: tuple[Aspect, ...],
    apply: Callable[[Complaint], Message],
    now: datetime,
) -> Message:
    """Refuse inactive staff, return the earlier message for a repeated form, else apply."""
    require_active(staff)
    earlier = _same_message(complaint, staff, kind, text, seen, now)
    if earlier is not None:
        return earlier
    return run_action(complaint, seen, aspects, apply)


def _same_message(
    complaint: Complaint, staff: Staff, kind: str, text: str, seen: Seen | int, now: datetime
) -> Message | None:
    """The message this very form already added (same author, kind and text), if any."""
    query = select(Message).where(
        Message.complaint_id == complaint.id,
        Message.staff_id == staff.id,
        Message.kind == kind,
        Message.body == text,
    )
    if isinstance(seen, Seen):
        query = query.where(Message.id > seen.last_message_id)
    else:
        query = query.where(Message.created_at >= now - _DUPLICATE_WINDOW)
    return db.session.scalar(query.order_by(Message.id.desc()).limit(1))


def _add_message(
    complaint: Complaint,
    staff: Staff,
    kind: str,
    text: str,
    now: datetime,
    *,
    internal: bool = False,
) -> Message:
    """A staff message in the session (no commit)."""
    message = Message(
        complaint=complaint,
        author="staff",
        staff_id=staff.id,
        kind=kind,
        body=text,
        internal=internal,
        via="web",
        created_at=now,
    )
    db.session.add(message)
    return message


def _email(complaint: Complaint, message: Message, staff: Staff, kind: str) -> None:
    """Queue the customer's email in their language (never used for internal notes)."""
    if message.internal:
        raise ValueError("internal notes are never emailed")
    queue_email(
        kind=kind,
        to=complaint.email,
        template=kind,
        language=complaint.language,
        complaint=complaint,
        text=message.body,
        staff_name=staff.name,
        shop_name=current_app.config["SHOP_NAME"],
        tracking_link=tracking_url(complaint),
    )
