"""Reply, Request information and Add internal note: messages, status, emails, refusals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from helpdesk.domain.lifecycle import Status
from helpdesk.domain.sla import ClockState
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Complaint, Message, OutboxEmail
from helpdesk.runtime.clock import response_clock
from helpdesk.services import replies
from helpdesk.services.casework import ActionRefused, CaseworkError, seen_now
from helpdesk.services.lifecycle import advance_to
from tests.services.casework_support import MONDAY, new_complaint

LATER = MONDAY + timedelta(hours=3)


def emails(complaint: Complaint, kind: str) -> list[OutboxEmail]:
    """Queued emails of one kind for the complaint."""
    query = select(OutboxEmail).where(
        OutboxEmail.complaint_id == complaint.id, OutboxEmail.kind == kind
    )
    return list(db.session.scalars(query.order_by(OutboxEmail.id)))


def count(model: Any, **where: Any) -> int:
    """Rows of `model` matching `where`."""
    return int(db.session.scalar(select(func.count()).select_from(model).filter_by(**where)))


def test_a_reply_is_emailed_and_moves_a_new_complaint_to_assessing(
    app: Flask, make_staff: Any
) -> None:
    mia = make_staff("agent", name="Mia Jansen")
    complaint = new_complaint(name="Anna de Boer")
    message = replies.reply(
        complaint, mia, "  We are looking into the download link.  ", seen_now(complaint), now=LATER
    )
    assert message.body == "We are looking into the download link."
    assert (message.author, message.kind, message.internal, message.staff_id) == (
        "staff",
        "reply",
        False,
        mia.id,
    )
    assert complaint.status == Status.ASSESSING
    assert complaint.acknowledged_at == LATER  # replying acknowledges receipt too
    moves = db.session.execute(
        select(AuditEvent.action, AuditEvent.from_status, AuditEvent.to_status)
        .where(AuditEvent.complaint_id == complaint.id, AuditEvent.staff_id == mia.id)
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(m) for m in moves] == [
        ("status_changed", "received", "acknowledged"),
        ("status_changed", "acknowledged", "assessing"),
        ("reply_sent", None, None),
    ]
    (email,) = emails(complaint, "reply")
    assert email.to_addr == complaint.email and email.language == "en"
    assert complaint.display_reference in email.subject
    assert "We are looking into the download link." in email.body_text
    assert "Hello Anna de Boer," in email.body_text
    assert "Mia Jansen" in email.body_text
    assert "http://localhost/track/link/" in email.body_text


def test_a_reply_later_on_keeps_the_status(app: Flask, make_staff: Any) -> None:
    mia = make_staff("agent")
    complaint = new_complaint()
    replies.request_information(complaint, mia, "Which reader?", seen_now(complaint), now=LATER)
    replies.reply(complaint, mia, "Also: thanks for your patience.", seen_now(complaint), now=LATER)
    assert complaint.status == Status.AWAITING_CUSTOMER
    advance_to(complaint, Status.RESOLVED, now=LATER, actor="system")
    db.session.commit()
    replies.reply(complaint, mia, "You are welcome.", seen_now(complaint), now=LATER)
    assert complaint.status == Status.RESOLVED
    assert len(emails(complaint, "reply")) == 2


def test_emails_go_out_in_the_complaints_language(app: Flask, make_staff: Any) -> None:
    mia = make_staff("agent")
    complaint = new_complaint(language="nl")
    replies.reply(complaint, mia, "We kijken ernaar.", seen_now(complaint), now=LATER)
    replies.request_information(complaint, mia, "Welk apparaat?", seen_now(complaint), now=LATER)
    assert [e.language for e in emails(complaint, "reply")] == ["nl"]
    assert [e.language for e in emails(complaint, "info_request")] == ["nl"]


def test_requesting_information_pauses_the_response_clock(app: Flask, make_staff: Any) -> None:
    mia = make_staff("agent")
    complaint = new_complaint()
    message = replies.request_information(
        complaint, mia, "Which e-reader do you use?", seen_now(complaint), now=LATER
    )
    assert message.kind == "info_request" and not message.internal
    assert complaint.status == Status.AWAITING_CUSTOMER
    assert complaint.paused_since == LATER
    assert complaint.sla_due_on is None  # no clock runs: the inbox sorts it last
    assert response_clock(complaint, LATER + timedelta(days=20)).state == ClockState.PAUSED
    (email,) = emails(complaint, "info_request")
    assert "Which e-reader do you use?" in email.body_text
    assert "/track/link/" in email.body_text
    assert "paused" in email.body_text
    assert count(AuditEvent, complaint_id=complaint.id, action="information_requested") == 1


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.REVIEW_REQUESTED, Status.CLOSED])
def test_no_information_requests_after_an_outcome(
    app: Flask, make_staff: Any, status: Status
) -> None:
    mia = make_staff("agent")
    complaint = new_complaint()
    advance_to(complaint, status, now=LATER, actor="system")
    db.session.commit()
    with pytest.raises(ActionRefused, match="before an outcome"):
        replies.request_information(complaint, mia, "More please.", seen_now(complaint))
    assert complaint.status == status
    assert count(Message, kind="info_request") == 0
    assert emails(complaint, "info_request") == []


def test_replies_are_refused_on_closed_complaints_but_notes_are_not(
    app: Flask, make_staff: Any
) -> None:
    mia = make_staff("agent")
    complaint = new_complaint()
    advance_to(complaint, Status.CLOSED, now=LATER, actor="system")
    db.session.commit()
    with pytest.raises(ActionRefused, match="closed"):
        replies.reply(complaint, mia, "Hello again.", seen_now(complaint))
    note = replies.add_note(complaint, mia, "Customer called; nothing to do.", seen_now(complaint))
    assert note.internal and complaint.status == Status.CLOSED


@pytest.mark.parametrize("action", [replies.reply, replies.request_information, replies.add_note])
@pytest.mark.parametrize("text", ["", "   \n\t ", "x" * 20_001])
def test_empty_or_huge_text_is_refused_and_nothing_stored(
    app: Flask, make_staff: Any, action: Any, text: str
) -> None:
    mia = make_staff("agent")
    complaint = new_complaint()
    with pytest.raises(CaseworkError) as refused:
        action(complaint, mia, text, seen_now(complaint))
    assert refused.value.field == "body"
    assert count(Message, author="staff") == 0
    assert count(OutboxEmail) == 1  # only the acknowledgement from the submission
    assert complaint.status == Status.RECEIVED


def test_internal_notes_are_never_emailed(app: Flask, make_staff: Any) -> None:
    mia = make_staff("agent")
    complaint = new_complaint()
    secret = "Customer is a known chargeback risk."
    note = replies.add_note(complaint, mia, secret, seen_now(complaint), now=LATER)
    assert note.internal and note.kind == "note"
    assert count(OutboxEmail) == 1  # still only the acknowledgement
    assert count(AuditEvent, complaint_id=complaint.id, action="note_added") == 1
    assert complaint.status == Status.RECEIVED  # a note changes nothing for the customer
    replies.reply(complaint, mia, "We are on it.", seen_now(complaint), now=LATER)
    replies.request_information(complaint, mia, "Your order date?", seen_now(complaint), now=LATER)
    for email in db.session.scalars(select(OutboxEmail)):
        assert secret not in email.body_text
        assert secret not in (email.body_html or "")


def test_the_same_form_sent_twice_adds_one_message(app: Flask, make_staff: Any) -> None:
    mia = make_staff("agent")
    complaint = new_complaint()
    seen = seen_now(complaint)
    first = replies.reply(complaint, mia, "We are on it.", seen, now=LATER)
    second = replies.reply(complaint, mia, "We are on it.", seen, now=LATER)
    assert first.id == second.id
    assert count(Message, kind="reply") == 1 and len(emails(complaint, "reply")) == 1
    # The same words in a new form (a later, deliberate message) are a new message.
    third = replies.reply(complaint, mia, "We are on it.", seen_now(complaint), now=LATER)
    assert third.id != first.id


def test_deactivated_staff_cannot_write(app: Flask, make_staff: Any) -> None:
    mia = make_staff("agent")
    complaint = new_complaint()
    mia.active = False
    db.session.commit()
    for action in (replies.reply, replies.request_information, replies.add_note):
        with pytest.raises(ActionRefused, match="no longer active"):
            action(complaint, mia, "Hello", seen_now(complaint))
    assert count(Message, author="staff") == 0
