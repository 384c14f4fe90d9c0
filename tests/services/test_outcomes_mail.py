"""The outcome, review receipt and final response emails, delivered to a real SMTP server."""

from __future__ import annotations

from typing import Any

from flask import Flask

from helpdesk.domain.outcomes import OutcomeKind
from helpdesk.files.uploads import Upload
from helpdesk.mail.sender import send_pending
from helpdesk.services.dispute_bodies import dispute_bodies
from helpdesk.services.outcomes import OutcomeInput, give_outcome
from helpdesk.services.review import request_review, send_final_response
from tests.services.outcomes_support import (
    ANSWERED,
    fast_staff,
    new_complaint,
    pdf_bytes,
    refund_input,
)


def _deliver(app: Flask, smtp_server: Any, count: int) -> list[Any]:
    app.config["SMTP_URL"] = smtp_server.url
    report = send_pending()
    assert report.sent == count, report.summary()
    return smtp_server.wait_for(count)


def test_the_outcome_email_arrives_with_the_download_link(app: Flask, smtp_server: Any) -> None:
    complaint = new_complaint()
    data = OutcomeInput(
        kind=OutcomeKind.REPLACEMENT_FILE,
        body="Dear {name}, here is the corrected manual. {download_link_note}",
        file=Upload("manual.pdf", pdf_bytes()),
        root_cause="unclear_product_page",
    )
    give_outcome(complaint, fast_staff("agent"), data, seen=complaint.version, now=ANSWERED)
    messages = _deliver(app, smtp_server, 2)  # the acknowledgement, then the outcome
    outcome = next(m for m in messages if "Our response" in m["Subject"])
    assert outcome["To"] == "anna@example.com"
    assert f"[Ref {complaint.display_reference}]" in outcome["Subject"]
    text = outcome.get_body(("plain",)).get_content()
    assert "Dear Anna de Boer, here is the corrected manual." in text
    assert "http://localhost/download/" in text and "http://localhost/track/link/" in text
    assert "Not satisfied with this outcome?" in text


def test_the_review_receipt_and_the_final_response(app: Flask, smtp_server: Any) -> None:
    complaint = new_complaint()
    give_outcome(
        complaint, fast_staff("agent"), refund_input(), seen=complaint.version, now=ANSWERED
    )
    request_review(complaint, "The amount is not what I paid.", now=ANSWERED)
    send_final_response(
        complaint,
        fast_staff("manager"),
        refund_input(amount="30"),
        seen=complaint.version,
        now=ANSWERED,
    )
    messages = _deliver(app, smtp_server, 4)
    subjects = [m["Subject"] for m in messages]
    assert any("We have received your request for a review" in s for s in subjects)
    final = next(m for m in messages if "Final response" in m["Subject"])
    text = final.get_body(("plain",)).get_content()  # the case file PDF is attached
    assert "*** Final response ***" in text
    assert "a further review is not possible" in text
    for body in dispute_bodies():
        assert f"- {body.name}: {body.url}" in text
    receipt = next(m for m in messages if "request for a review" in m["Subject"])
    assert receipt["Auto-Submitted"] == "auto-replied"
