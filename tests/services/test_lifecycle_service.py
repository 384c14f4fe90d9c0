"""services.lifecycle on a real database: audit events, timestamps, the paused response clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask

from helpdesk.domain.lifecycle import Status, TransitionError
from helpdesk.domain.reference import generate_reference
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Complaint
from helpdesk.services.lifecycle import advance_to, change_status, refresh_sla_due

# Friday 24 April 2026, 10:00 in Amsterdam; Monday 27 April is King's Day.
RECEIVED = datetime(2026, 4, 24, 8, 0, tzinfo=UTC)


def _complaint() -> Complaint:
    complaint = Complaint(
        reference=generate_reference(),
        name="Anna",
        email="anna@example.com",
        email_normalized="anna@example.com",
        category="digital",
        status="received",
        description="The download link gives an error.",
        received_at=RECEIVED,
        ack_due_on=date(2026, 4, 29),
        response_due_on=date(2026, 5, 6),
        last_activity_at=RECEIVED,
    )
    refresh_sla_due(complaint)
    db.session.add(complaint)
    db.session.commit()
    return complaint


def test_every_change_is_audited(any_app: Flask) -> None:
    complaint = _complaint()
    advance_to(complaint, Status.RESOLVED, now=RECEIVED, actor="system")
    db.session.commit()
    moves = [
        (e.from_status, e.to_status)
        for e in db.session.query(AuditEvent)
        .filter_by(complaint_id=complaint.id)
        .order_by(AuditEvent.id)
    ]
    assert moves == [
        ("received", "acknowledged"),
        ("acknowledged", "assessing"),
        ("assessing", "resolved"),
    ]
    assert complaint.acknowledged_at == RECEIVED
    assert complaint.responded_at == RECEIVED
    assert complaint.sla_due_on is None


def test_forbidden_change_changes_nothing(app: Flask) -> None:
    complaint = _complaint()
    with pytest.raises(TransitionError):
        change_status(complaint, Status.FINAL, now=RECEIVED, actor="system")
    assert complaint.status == "received"
    assert db.session.query(AuditEvent).count() == 0


def test_sla_due_follows_the_running_clock(app: Flask) -> None:
    complaint = _complaint()
    assert complaint.sla_due_on == date(2026, 4, 29)  # acknowledgement first
    change_status(complaint, Status.ACKNOWLEDGED, now=RECEIVED, actor="system")
    assert complaint.sla_due_on == date(2026, 5, 6)  # then the full response


def test_waiting_for_the_customer_pauses_the_response_clock(app: Flask) -> None:
    complaint = _complaint()
    advance_to(complaint, Status.AWAITING_CUSTOMER, now=RECEIVED, actor="system")
    assert complaint.paused_since == RECEIVED
    assert complaint.sla_due_on is None
    # The customer answers on Thursday 30 April: Tue 28, Wed 29, Thu 30 are 3 business days
    # (Mon 27 April is King's Day), so the response is due 3 business days later.
    answered = datetime(2026, 4, 30, 9, 0, tzinfo=UTC)
    change_status(complaint, Status.ASSESSING, now=answered, actor="customer")
    assert complaint.paused_since is None
    # 6 May + 3 business days (Thu 7, Fri 8, Mon 11) = 11 May.
    assert complaint.response_due_on == date(2026, 5, 11)
    assert complaint.sla_due_on == date(2026, 5, 11)


def test_a_pause_within_one_day_moves_nothing(app: Flask) -> None:
    complaint = _complaint()
    advance_to(complaint, Status.AWAITING_CUSTOMER, now=RECEIVED, actor="system")
    change_status(
        complaint, Status.ASSESSING, now=datetime(2026, 4, 24, 14, 0, tzinfo=UTC), actor="customer"
    )
    assert complaint.response_due_on == date(2026, 5, 6)
