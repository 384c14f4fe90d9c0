"""The email an outcome sends: queued in the outcome's transaction, in the customer's
language, with the tracking link, a replacement file's signed download link, the review
deadline and, on a final response, the deadlock notice and the customer's case file."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale

from ..domain.outcomes import review_deadline
from ..models import Complaint, Outcome
from ..outbox.queue import queue_email
from ..runtime.links import download_url, tracking_url
from ..words.numbers import euros_in
from .dispute_bodies import DeadlockNotice, dispute_notice

#: The final response's attachment: the case file without internal notes (mail.attachments).
CUSTOMER_CASE_FILE = {"kind": "casefile", "variant": "customer"}


def download_valid_until(now: datetime) -> datetime:
    """When a download link made at `now` stops working."""
    return now + timedelta(days=int(current_app.config["DOWNLOAD_LINK_DAYS"]))


def _dispute_notice(complaint: Complaint) -> DeadlockNotice:
    """The deadlock notice's dispute bodies in the customer's language."""
    with force_locale(complaint.language):
        return dispute_notice(complaint)


def queue_outcome_email(
    complaint: Complaint, outcome: Outcome, *, template: str, now: datetime
) -> None:
    """Queue the outcome (or final response) email in the customer's language."""
    attachment = outcome.attachment
    queue_email(
        kind="final_response" if outcome.is_final else "outcome",
        to=complaint.email,
        template=template,
        language=complaint.language,
        complaint=complaint,
        outcome=outcome,
        shop_name=current_app.config["SHOP_NAME"],
        tracking_link=tracking_url(complaint),
        download_link=download_url(attachment) if attachment is not None else None,
        download_until=download_valid_until(now),
        amount=euros_in(outcome.amount_cents, complaint.language)
        if outcome.amount_cents is not None
        else None,
        dispute_notice=_dispute_notice(complaint) if outcome.is_final else None,
        # The deadlock notice on a durable medium: the customer's case file, made at sending.
        attachments=[CUSTOMER_CASE_FILE] if outcome.is_final else None,
        review_until=review_deadline(now, int(current_app.config["REVIEW_PERIOD_DAYS"])),
    )
