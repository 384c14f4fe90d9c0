"""find_complaint and add_customer_message on real databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import text

from helpdesk.domain.lifecycle import Status
from helpdesk.extensions import db
from helpdesk.models import Attachment, AuditEvent, Complaint, Message
from helpdesk.services.customer import add_customer_message, find_complaint
from helpdesk.services.lifecycle import advance_to
from helpdesk.services.submission import Upload, UploadError, submit_complaint
from tests.services.test_submission import (
    FRIDAY,
    jpeg_bytes,
    new_complaint,
    pdf_bytes,
    stored_files,
)

# Paused on Friday 24 April 2026 (10:00 Amsterdam), answered Tuesday 28 April: King's Day
# and the weekend in between, so the response date moves on by one business day.
ANSWERED = datetime(2026, 4, 28, 9, 0, tzinfo=UTC)


def _waiting() -> Complaint:
    complaint = submit_complaint(new_complaint(), now=FRIDAY)
    advance_to(complaint, Status.AWAITING_CUSTOMER, now=FRIDAY, actor="staff")
    db.session.commit()
    return complaint


# --- finding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape",
    [
        lambda ref: ref,
        lambda ref: ref.lower(),
        lambda ref: f"{ref[:4]}-{ref[4:8]}-{ref[8:]}",
        lambda ref: f"  {ref[:4]} {ref[4:8]} {ref[8:]} ",
    ],
)
def test_find_forgives_how_the_code_is_typed(app: Flask, shape: object) -> None:
    complaint = submit_complaint(new_complaint())
    typed = shape(complaint.reference)  # type: ignore[operator]
    assert find_complaint(typed, " ANNA@example.COM ") == complaint


def test_find_reads_o_as_zero_and_l_as_one(app: Flask) -> None:
    complaint = submit_complaint(new_complaint())
    complaint.reference = "0000111122AB"
    db.session.commit()
    assert find_complaint("oooo-llll-22ab", "anna@example.com") == complaint
    assert find_complaint("OOOO-IIII-22AB", "anna@example.com") == complaint


def test_find_needs_both_the_code_and_the_address(any_app: Flask) -> None:
    complaint = submit_complaint(new_complaint())
    other = submit_complaint(new_complaint(email="bert@example.com"))
    assert find_complaint(complaint.reference, "bert@example.com") is None
    assert find_complaint(other.reference, "anna@example.com") is None
    assert find_complaint("ZZZZ-ZZZZ-ZZZZ", "anna@example.com") is None
    assert find_complaint("not a code", "anna@example.com") is None
    assert find_complaint(complaint.reference, "") is None
    assert find_complaint(complaint.reference, "x" * 1000) is None
    assert find_complaint(complaint.reference, None) is None  # type: ignore[arg-type]


# --- answering ----------------------------------------------------------------------------


def test_an_answer_ends_the_wait_and_moves_the_response_date(any_app: Flask) -> None:
    complaint = _waiting()
    assert complaint.response_due_on == date(2026, 5, 6)
    assert complaint.sla_due_on is None  # paused
    message = add_customer_message(complaint, "  Here is the receipt.  ", now=ANSWERED)
    db.session.expire_all()
    stored = db.session.get(Complaint, complaint.id)
    assert stored is not None
    assert stored.status == "assessing"
    assert stored.paused_since is None
    assert stored.response_due_on == date(2026, 5, 7)
    assert stored.sla_due_on == date(2026, 5, 7)
    assert stored.last_customer_message_at == ANSWERED
    saved = db.session.get(Message, message.id)
    assert saved is not None
    assert (saved.author, saved.kind, saved.via, saved.internal, saved.body) == (
        "customer",
        "message",
        "web",
        False,
        "Here is the receipt.",
    )
    actions = [
        (e.action, e.actor, e.to_status)
        for e in db.session.query(AuditEvent).filter_by(complaint_id=complaint.id)
        if e.at == ANSWERED
    ]
    assert actions == [
        ("customer_message", "customer", None),
        ("status_changed", "customer", "assessing"),
    ]


def test_a_message_while_not_waiting_changes_no_status(app: Flask) -> None:
    complaint = submit_complaint(new_complaint(), now=FRIDAY)
    add_customer_message(complaint, "One more thing.", via="email", now=ANSWERED)
    assert complaint.status == "received"
    assert complaint.last_customer_message_at == ANSWERED
    assert [m.via for m in complaint.messages] == ["web", "email"]


def test_an_answer_with_files(app: Flask) -> None:
    complaint = _waiting()
    message = add_customer_message(
        complaint,
        "Photos attached.",
        [Upload("box.jpg", jpeg_bytes()), Upload("receipt.pdf", pdf_bytes())],
    )
    assert [a.original_name for a in message.attachments] == ["box.jpg", "receipt.pdf"]
    assert all(a.complaint_id == complaint.id for a in message.attachments)
    assert len(stored_files(app)) == 2


def test_a_bad_file_stores_nothing(app: Flask) -> None:
    complaint = _waiting()
    with pytest.raises(UploadError):
        add_customer_message(complaint, "See file", [Upload("x.jpg", b"GIF89a not ours")])
    db.session.expire_all()
    assert complaint.status == "awaiting_customer"
    assert len(complaint.messages) == 1
    assert db.session.query(Attachment).count() == 0 and stored_files(app) == []


def test_an_answer_with_nul_characters_is_stored_without_them(any_app: Flask) -> None:
    complaint = _waiting()
    message = add_customer_message(complaint, "Here\x00 it is")
    db.session.expire_all()
    assert message.body == "Here it is"


def test_an_empty_answer_is_refused(app: Flask) -> None:
    complaint = _waiting()
    with pytest.raises(ValueError, match="text or a file"):
        add_customer_message(complaint, "   ")
    assert complaint.status == "awaiting_customer"


def test_the_same_email_twice_is_one_message(any_app: Flask) -> None:
    complaint = _waiting()
    first = add_customer_message(complaint, "Answer", via="email", email_message_id="<r1@x>")
    second = add_customer_message(complaint, "Answer", via="email", email_message_id="<r1@x>")
    assert first.id == second.id
    assert db.session.query(Message).filter_by(complaint_id=complaint.id).count() == 2


def test_a_staff_change_at_the_same_moment_is_retried(any_app: Flask) -> None:
    """Another session bumps the row's version after we loaded it: the answer still lands."""
    complaint = _waiting()
    loaded_version = complaint.version
    with db.engine.begin() as other:
        other.execute(
            text("UPDATE complaint SET version = version + 1 WHERE id = :id"), {"id": complaint.id}
        )
    assert complaint.version == loaded_version  # our copy is stale now
    add_customer_message(complaint, "Here you go", now=ANSWERED)
    db.session.expire_all()
    stored = db.session.get(Complaint, complaint.id)
    assert stored is not None and stored.status == "assessing"
    assert stored.version > loaded_version + 1
    assert db.session.query(Message).filter_by(complaint_id=complaint.id).count() == 2


def test_a_message_id_seen_before_returns_that_message_and_stores_no_files(app: Flask) -> None:
    complaint = _waiting()
    first = add_customer_message(complaint, "first", via="email", email_message_id="<dup@x>")
    other = _waiting()
    before = stored_files(app)
    again = add_customer_message(
        other, "second", [Upload("a.pdf", pdf_bytes())], email_message_id="<dup@x>"
    )
    assert again.id == first.id and again.complaint_id == complaint.id
    assert stored_files(app) == before
    assert other.status == "awaiting_customer"
