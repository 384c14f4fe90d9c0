"""services.outcomes on a real database: one click sends one outcome, in one commit, or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from helpdesk.domain.outcomes import OutcomeKind
from helpdesk.extensions import db
from helpdesk.files.storage import attachment_path
from helpdesk.files.uploads import Upload
from helpdesk.models import Attachment, AuditEvent, Message, OutboxEmail, Outcome
from helpdesk.runtime.links import read_download_token
from helpdesk.services.casework import StaleEdit, seen_now
from helpdesk.services.customer import add_customer_message
from helpdesk.services.outcome_errors import AlreadySent, InvalidInput, NotAllowed, WrongStatus
from helpdesk.services.outcomes import OutcomeInput, first_outcome, give_outcome
from helpdesk.services.templates import prefill_text
from tests.services.outcomes_support import (
    ANSWERED,
    RECEIVED,
    epub_bytes,
    fast_staff,
    give_refund,
    new_complaint,
    pdf_bytes,
    refund_input,
)


def _count(model: Any, **where: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).filter_by(**where)))


def test_a_refund_resolves_the_complaint_in_one_commit(app: Flask) -> None:
    agent = fast_staff("agent")
    complaint = new_complaint()
    commits: list[int] = []
    event.listen(db.session, "after_commit", lambda s: commits.append(1))
    body = "Dear {name}, we refund {amount} for {order_number}."
    outcome = give_refund(complaint, agent, body=body)
    assert len(commits) == 1
    assert outcome.kind == "refund" and not outcome.is_final
    assert outcome.amount_cents == 1250 and outcome.data == {"full": False}
    assert outcome.body == "Dear Anna de Boer, we refund €12.50 for NL-2026-004512."
    assert complaint.status == "resolved"
    assert complaint.responded_at == ANSWERED
    assert complaint.sla_due_on is None
    message = db.session.scalars(select(Message).filter_by(kind="outcome")).one()
    assert message.body == outcome.body and not message.internal and message.staff_id == agent.id
    # received → acknowledged → assessing → resolved, each audited, then the outcome itself.
    actions = [(e.action, e.to_status) for e in complaint.events]
    assert actions[-4:] == [
        ("status_changed", "acknowledged"),
        ("status_changed", "assessing"),
        ("status_changed", "resolved"),
        ("outcome_sent", None),
    ]
    assert complaint.events[-1].detail["amount_cents"] == 1250
    email = db.session.scalars(select(OutboxEmail).filter_by(kind="outcome")).one()
    assert email.to_addr == "anna@example.com"
    assert complaint.display_reference in email.subject
    assert outcome.body in email.body_text
    assert "Refund: €12.50 (partial refund)" in email.body_text
    assert "http://localhost/track/link/" in email.body_text
    assert "Friday 3 April 2026" in email.body_text  # the review is possible until then


def test_a_dutch_complaint_gets_dutch_text_and_a_dutch_email(app: Flask) -> None:
    agent = fast_staff("agent")
    complaint = new_complaint(language="nl")
    text = prefill_text(OutcomeKind.REFUND, complaint)
    assert text.startswith("Beste Anna de Boer,")
    assert "{amount}" in text  # filled from the amount field when sent
    outcome = give_refund(complaint, agent, body=text, amount="1.234,50", refund_type="full")
    assert "We storten €\xa01.234,50 aan u terug." in outcome.body
    email = db.session.scalars(select(OutboxEmail).filter_by(kind="outcome")).one()
    assert email.language == "nl"
    assert outcome.body in email.body_text
    assert "€\xa01.234,50" in email.body_text


def test_a_replacement_product_needs_items_carrier_and_tracking(app: Flask) -> None:
    agent = fast_staff("agent")
    complaint = new_complaint()
    empty = OutcomeInput(
        kind=OutcomeKind.REPLACEMENT_PRODUCT, body="We send a new one.", root_cause="packing"
    )
    with pytest.raises(InvalidInput) as refused:
        give_outcome(complaint, agent, empty, seen=complaint.version, now=ANSWERED)
    assert set(refused.value.errors) == {"items", "carrier", "tracking_number"}
    assert complaint.status == "received" and _count(Outcome) == 0
    good = OutcomeInput(
        kind=OutcomeKind.REPLACEMENT_PRODUCT,
        body="Sent {items} with {carrier}: {tracking_number}.",
        items="1 × mug",
        carrier="PostNL",
        tracking_number="3SABC123",
        root_cause="packing",
    )
    outcome = give_outcome(complaint, agent, good, seen=complaint.version, now=ANSWERED)
    assert outcome.body == "Sent 1 × mug with PostNL: 3SABC123."
    assert outcome.data == {"items": "1 × mug", "carrier": "PostNL", "tracking_number": "3SABC123"}
    email = db.session.scalars(select(OutboxEmail).filter_by(kind="outcome")).one()
    assert "Tracking number: 3SABC123" in email.body_text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"body": "   "}, "body"),
        ({"body": "x" * 20_001}, "body"),
        ({"amount": "twelve"}, "amount"),
        ({"amount": "-3"}, "amount"),
        ({"refund_type": ""}, "refund_type"),
        ({"refund_type": "most"}, "refund_type"),
    ],
)
def test_bad_refunds_are_refused_and_nothing_is_stored(
    app: Flask, changes: dict[str, str], field: str
) -> None:
    agent = fast_staff("agent")
    complaint = new_complaint()
    with pytest.raises(InvalidInput) as refused:
        data = refund_input(**changes)
        give_outcome(complaint, agent, data, seen=complaint.version, now=ANSWERED)
    assert field in refused.value.errors
    assert _count(Outcome) == 0 and _count(OutboxEmail, kind="outcome") == 0
    assert complaint.status == "received"


def test_a_replacement_file_is_stored_and_linked_for_download(app: Flask) -> None:
    agent = fast_staff("agent")
    complaint = new_complaint()
    data = OutcomeInput(
        kind=OutcomeKind.REPLACEMENT_FILE,
        body="Here is your book. {download_link_note}",
        file=Upload("../../etc/My Book.epub", epub_bytes()),
        root_cause="download_server",
    )
    outcome = give_outcome(complaint, agent, data, seen=complaint.version, now=ANSWERED)
    attachment = outcome.attachment
    assert attachment is not None
    assert attachment.purpose == "replacement" and attachment.uploaded_by == "staff"
    assert attachment.original_name == "My Book.epub"
    assert attachment.content_type == "application/epub+zip"
    assert attachment_path(attachment).read_bytes() == epub_bytes()
    assert "{download_link_note}" not in outcome.body and "14 days" in outcome.body
    email = db.session.scalars(select(OutboxEmail).filter_by(kind="outcome")).one()
    link = next(line for line in email.body_text.splitlines() if "/download/" in line)
    assert read_download_token(link.rsplit("/", 1)[1]) == (attachment.id, attachment.stored_name)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "Choose the replacement file"),
        (Upload("empty.pdf", b""), "empty"),
        (Upload("setup.pdf", b"MZ\x90\x00" + b"\x00" * 64), "cannot be sent"),
        (Upload("page.pdf", b"<html><script>alert(1)</script></html>"), "cannot be sent"),
    ],
)
def test_bad_replacement_files_are_refused(app: Flask, upload: Upload | None, message: str) -> None:
    agent = fast_staff("agent")
    complaint = new_complaint()
    data = OutcomeInput(
        kind=OutcomeKind.REPLACEMENT_FILE, body="Here is the file.", file=upload, root_cause="other"
    )
    with pytest.raises(InvalidInput) as refused:
        give_outcome(complaint, agent, data, seen=complaint.version, now=ANSWERED)
    assert message in refused.value.errors["file"]
    assert _count(Attachment, purpose="replacement") == 0


@pytest.fixture
def small_files() -> dict[str, Any]:
    return {"MAX_REPLACEMENT_BYTES": 1024 * 1024}


@pytest.mark.parametrize("app_config", [{"MAX_REPLACEMENT_BYTES": 1024 * 1024}])
def test_a_file_over_the_limit_is_refused(app: Flask) -> None:
    agent = fast_staff("agent")
    complaint = new_complaint()
    big = pdf_bytes() + b"\n%" + b"x" * (1024 * 1024)
    data = OutcomeInput(
        kind=OutcomeKind.REPLACEMENT_FILE,
        body="Here is the file.",
        file=Upload("big.pdf", big),
        root_cause="other",
    )
    with pytest.raises(InvalidInput) as refused:
        give_outcome(complaint, agent, data, seen=complaint.version, now=ANSWERED)
    assert "larger than 1 MB" in refused.value.errors["file"]


def test_a_second_outcome_is_refused(app: Flask) -> None:
    agent, other = fast_staff("agent"), fast_staff("manager")
    complaint = new_complaint()
    give_refund(complaint, agent)
    with pytest.raises(AlreadySent, match="An outcome was already sent"):
        give_refund(complaint, other)
    assert _count(Outcome) == 1 and _count(OutboxEmail, kind="outcome") == 1


def test_stale_version_is_refused(app: Flask) -> None:
    agent = fast_staff("agent")
    complaint = new_complaint()
    old = complaint.version
    add_customer_message(complaint, "One more thing: it is the second book.", now=ANSWERED)
    with pytest.raises(StaleEdit):
        give_outcome(complaint, agent, refund_input(), seen=old, now=ANSWERED)
    assert complaint.status == "received" and _count(Outcome) == 0


def test_only_relevant_changes_count_as_stale(app: Flask) -> None:
    from helpdesk.domain.lifecycle import Status
    from helpdesk.services.lifecycle import change_status

    agent = fast_staff("agent")
    complaint = new_complaint()
    seen = seen_now(complaint)
    # The acknowledgement email is delivered meanwhile: not a reason to retype the outcome.
    change_status(complaint, Status.ACKNOWLEDGED, now=RECEIVED, actor="system")
    db.session.commit()
    assert complaint.version != seen.version
    give_outcome(complaint, agent, refund_input(), seen=seen, now=ANSWERED)
    assert complaint.status == "resolved"


def test_a_new_customer_message_makes_the_form_stale(app: Flask) -> None:
    agent = fast_staff("agent")
    complaint = new_complaint()
    seen = seen_now(complaint)
    add_customer_message(complaint, "Actually, I found the file works now.", now=ANSWERED)
    with pytest.raises(StaleEdit):
        give_outcome(complaint, agent, refund_input(), seen=seen, now=ANSWERED)


def test_wrong_roles_and_statuses_are_refused(app: Flask) -> None:
    agent = fast_staff("agent")
    complaint = new_complaint()
    agent.active = False
    db.session.commit()
    with pytest.raises(NotAllowed):
        give_refund(complaint, agent)
    manager = fast_staff("manager")
    from helpdesk.domain.lifecycle import Status
    from helpdesk.services.lifecycle import advance_to

    advance_to(complaint, Status.RESOLVED, now=RECEIVED, actor="system")
    advance_to(complaint, Status.CLOSED, now=RECEIVED, actor="system")
    db.session.commit()
    with pytest.raises(WrongStatus):
        give_refund(complaint, manager)
    assert first_outcome(complaint) is None


def test_from_awaiting_customer_the_steps_are_taken(app: Flask) -> None:
    from helpdesk.domain.lifecycle import Status
    from helpdesk.services.lifecycle import advance_to

    manager = fast_staff("manager")
    complaint = new_complaint()
    advance_to(complaint, Status.AWAITING_CUSTOMER, now=RECEIVED, actor="system")
    db.session.commit()
    give_refund(complaint, manager)
    moves = [(e.from_status, e.to_status) for e in complaint.events if e.to_status][-2:]
    assert moves == [("awaiting_customer", "assessing"), ("assessing", "resolved")]
    # The pause is over: the due date moved on by the business days spent waiting.
    assert complaint.response_due_on == date(2026, 3, 13)


def test_the_unique_constraint_allows_one_first_outcome(app: Flask) -> None:
    from sqlalchemy.exc import IntegrityError

    agent = fast_staff("agent")
    complaint = new_complaint()
    give_refund(complaint, agent)
    db.session.add(
        Outcome(
            complaint=complaint,
            kind="refund",
            staff_id=agent.id,
            is_final=False,
            language="en",
            body="again",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_refused_file_outcome_leaves_no_file_behind(app: Flask, tmp_path: Path) -> None:
    agent = fast_staff("agent")
    complaint = new_complaint()
    give_refund(complaint, agent)
    before = sorted(Path(app.config["UPLOAD_DIR"]).iterdir())
    data = OutcomeInput(
        kind=OutcomeKind.REPLACEMENT_FILE,
        body="Here is the file.",
        file=Upload("book.pdf", pdf_bytes()),
        root_cause="other",
    )
    with pytest.raises(AlreadySent):
        give_outcome(complaint, agent, data, seen=complaint.version, now=ANSWERED)
    assert sorted(Path(app.config["UPLOAD_DIR"]).iterdir()) == before
    assert _count(AuditEvent, action="outcome_sent") == 1
