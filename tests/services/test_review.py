"""services.review: one review within the period, four-eyes final response."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from helpdesk.domain.outcomes import OutcomeKind
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Message, OutboxEmail, Outcome
from helpdesk.services.casework import StaleEdit
from helpdesk.services.customer import add_customer_message
from helpdesk.services.dispute_bodies import dispute_bodies
from helpdesk.services.outcome_errors import (
    AlreadySent,
    FourEyes,
    InvalidInput,
    NotAllowed,
    WrongStatus,
)
from helpdesk.services.outcomes import OutcomeInput
from helpdesk.services.review import (
    can_request_review,
    list_review_requests,
    may_review,
    request_review,
    send_final_response,
)
from tests.services.outcomes_support import (
    ANSWERED,
    give_refund,
    new_complaint,
    refund_input,
    review_team,
)

REASON = "The refund does not cover the shipping costs I paid."
# Thursday 12 March 2026, 11:00 in Amsterdam: eight days after the outcome.
ASKED = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
# Monday 16 March 2026.
DECIDED = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def people(app: Flask) -> dict[str, Any]:
    return review_team()


def _resolved(staff: Any, **complaint: Any) -> Any:
    case = new_complaint(**complaint)
    give_refund(case, staff)
    return case


def test_request_a_review_sets_a_new_due_date(app: Flask, people: dict[str, Any]) -> None:
    complaint = _resolved(people["agent"])
    first_due = complaint.response_due_on
    request_review(complaint, f"  {REASON}  ", now=ASKED)
    assert complaint.status == "review_requested"
    assert complaint.review_requested_at == ASKED and complaint.review_reason == REASON
    # 7 business days after Thursday 12 March: Monday 23 March.
    assert complaint.response_due_on == date(2026, 3, 23)
    assert complaint.sla_due_on == date(2026, 3, 23)
    event = db.session.scalars(select(AuditEvent).filter_by(action="review_requested")).one()
    assert event.actor == "customer"
    assert event.detail["first_response_due_on"] == first_due.isoformat()
    message = db.session.scalars(select(Message).filter_by(kind="review_request")).one()
    assert message.author == "customer" and message.body == REASON and not message.internal
    receipt = db.session.scalars(select(OutboxEmail).filter_by(kind="review_received")).one()
    assert "Monday 23 March 2026" in receipt.body_text
    assert "/track/link/" in receipt.body_text
    assert list_review_requests() == [complaint]


def test_only_one_review(app: Flask, people: dict[str, Any]) -> None:
    complaint = _resolved(people["agent"])
    request_review(complaint, REASON, now=ASKED)
    with pytest.raises(WrongStatus, match="already requested"):
        request_review(complaint, REASON, now=ASKED)
    assert (
        db.session.scalar(
            select(func.count()).select_from(OutboxEmail).filter_by(kind="review_received")
        )
        == 1
    )


def test_no_review_after_the_period(app: Flask, people: dict[str, Any]) -> None:
    complaint = _resolved(people["agent"])
    last_moment = ANSWERED + timedelta(days=30)
    assert can_request_review(complaint, last_moment)
    assert not can_request_review(complaint, last_moment + timedelta(minutes=1))
    with pytest.raises(WrongStatus, match="period"):
        request_review(complaint, REASON, now=last_moment + timedelta(minutes=1))
    assert complaint.status == "resolved"


@pytest.mark.parametrize("app_config", [{"REVIEW_PERIOD_DAYS": 5}])
def test_the_period_is_configurable(app: Flask, people: dict[str, Any]) -> None:
    complaint = _resolved(people["agent"])
    assert not can_request_review(complaint, ANSWERED + timedelta(days=5, seconds=1))


def test_no_review_before_an_outcome(app: Flask) -> None:
    complaint = new_complaint()
    with pytest.raises(WrongStatus, match="after our response"):
        request_review(complaint, REASON, now=ASKED)


@pytest.mark.parametrize("reason", ["", "   ", "too short", "x" * 5001])
def test_the_reason_must_be_10_to_5000_characters(
    app: Flask, people: dict[str, Any], reason: str
) -> None:
    complaint = _resolved(people["agent"])
    with pytest.raises(InvalidInput) as refused:
        request_review(complaint, reason, now=ASKED)
    assert "reason" in refused.value.errors
    assert complaint.status == "resolved"
    assert (
        db.session.scalar(
            select(func.count()).select_from(Message).filter_by(kind="review_request")
        )
        == 0
    )


def test_a_final_response_by_another_manager(app: Flask, people: dict[str, Any]) -> None:
    complaint = _resolved(people["first"])
    request_review(complaint, REASON, now=ASKED)
    assert not may_review(complaint, people["first"]) and may_review(complaint, people["second"])
    final = send_final_response(
        complaint,
        people["second"],
        refund_input(amount="19,95", refund_type="full"),
        seen=complaint.version,
        now=DECIDED,
    )
    assert final.is_final and final.amount_cents == 1995 and final.staff_id == people["second"].id
    assert complaint.status == "final" and complaint.final_at == DECIDED
    assert complaint.sla_due_on is None
    message = db.session.scalars(select(Message).filter_by(kind="final_response")).one()
    assert message.body == final.body and not message.internal
    email = db.session.scalars(select(OutboxEmail).filter_by(kind="final_response")).one()
    assert "Final response" in email.subject and "*** Final response ***" in email.body_text
    for body in dispute_bodies():
        assert body.name in email.body_text and body.url in email.body_text
    assert "Refund: €19.95 (full refund)" in email.body_text
    event = db.session.scalars(select(AuditEvent).filter_by(action="final_response_sent")).one()
    assert event.detail["kept_kind"] is True and event.staff_id == people["second"].id


def test_the_kind_may_change_in_the_final_response(app: Flask, people: dict[str, Any]) -> None:
    complaint = _resolved(people["agent"])
    request_review(complaint, REASON, now=ASKED)
    data = OutcomeInput(
        kind=OutcomeKind.REPLACEMENT_PRODUCT,
        body="We send {items} via {carrier}.",
        items="A new mug",
        carrier="DHL",
        tracking_number="JD0001",
        root_cause="packing",
    )
    final = send_final_response(
        complaint, people["first"], data, seen=complaint.version, now=DECIDED
    )
    assert final.kind == "replacement_product" and final.body == "We send A new mug via DHL."


def test_four_eyes_the_first_manager_cannot_decide_the_review(
    app: Flask, people: dict[str, Any]
) -> None:
    complaint = _resolved(people["first"])
    request_review(complaint, REASON, now=ASKED)
    with pytest.raises(FourEyes):
        send_final_response(
            complaint, people["first"], refund_input(), seen=complaint.version, now=DECIDED
        )
    assert complaint.status == "review_requested"
    assert db.session.scalar(select(func.count()).select_from(Outcome)) == 1


def test_an_agent_cannot_send_a_final_response(app: Flask, people: dict[str, Any]) -> None:
    complaint = _resolved(people["first"])
    request_review(complaint, REASON, now=ASKED)
    with pytest.raises(NotAllowed):
        send_final_response(complaint, people["agent"], refund_input(), seen=complaint.version)


def test_no_final_response_without_a_review(app: Flask, people: dict[str, Any]) -> None:
    complaint = _resolved(people["agent"])
    with pytest.raises(WrongStatus):
        send_final_response(complaint, people["first"], refund_input(), seen=complaint.version)


def test_a_stale_final_response_is_refused(app: Flask, people: dict[str, Any]) -> None:
    complaint = _resolved(people["agent"])
    request_review(complaint, REASON, now=ASKED)
    seen = complaint.version
    add_customer_message(
        complaint, "I also paid for gift wrapping.", now=ASKED + timedelta(hours=1)
    )
    with pytest.raises(StaleEdit):
        send_final_response(complaint, people["first"], refund_input(), seen=seen, now=DECIDED)


def test_after_the_final_response_nothing_more(app: Flask, people: dict[str, Any]) -> None:
    complaint = _resolved(people["agent"])
    request_review(complaint, REASON, now=ASKED)
    send_final_response(
        complaint, people["first"], refund_input(), seen=complaint.version, now=DECIDED
    )
    with pytest.raises(AlreadySent, match="final response was already sent"):
        send_final_response(
            complaint, people["second"], refund_input(), seen=complaint.version, now=DECIDED
        )
    with pytest.raises(WrongStatus):
        request_review(complaint, REASON, now=DECIDED)
    assert not can_request_review(complaint, DECIDED)


def test_bad_final_response_values_store_nothing(app: Flask, people: dict[str, Any]) -> None:
    complaint = _resolved(people["agent"])
    request_review(complaint, REASON, now=ASKED)
    with pytest.raises(InvalidInput) as refused:
        send_final_response(
            complaint,
            people["first"],
            refund_input(amount="lots"),
            seen=complaint.version,
            now=DECIDED,
        )
    assert "amount" in refused.value.errors
    assert complaint.status == "review_requested"
    assert db.session.scalar(select(func.count()).select_from(Outcome)) == 1


def test_a_replacement_file_may_be_sent_again_in_the_final_response(
    app: Flask, people: dict[str, Any]
) -> None:
    from helpdesk.files.uploads import Upload
    from helpdesk.services.outcomes import give_outcome
    from tests.services.outcomes_support import pdf_bytes

    complaint = new_complaint()
    first = OutcomeInput(
        kind=OutcomeKind.REPLACEMENT_FILE,
        body="Here: {download_link_note}",
        file=Upload("guide.pdf", pdf_bytes()),
        root_cause="download_server",
    )
    sent = give_outcome(complaint, people["agent"], first, seen=complaint.version, now=ANSWERED)
    request_review(complaint, REASON, now=ASKED)
    again = OutcomeInput(
        kind=OutcomeKind.REPLACEMENT_FILE,
        body="The same file, explained.",
        root_cause="download_server",
    )
    final = send_final_response(
        complaint, people["first"], again, seen=complaint.version, now=DECIDED
    )
    assert final.attachment_id == sent.attachment_id
    email = db.session.scalars(select(OutboxEmail).filter_by(kind="final_response")).one()
    assert "/download/" in email.body_text
