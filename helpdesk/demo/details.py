"""The details a demo complaint's rows carry, written as the real services write them: what
a status change, an assignment and a review request record in the audit trail, what an
outcome's data holds, and an inbound email's Message-ID.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from .story import CLOSE_AFTER_DAYS

#: Status-change details as the services write them, by the story's cause.
CAUSE_DETAIL: dict[str, dict[str, Any]] = {
    "by_hand": {"by": "hand"},
    "acknowledgement_email": {"by": "acknowledgement email"},
    "customer_answered": {"by": "customer answer"},
}


def status_detail(cause: str, outcome: str, *, quiet_since: datetime) -> dict[str, Any]:
    """A status change's detail: how it was made, the outcome that made it, or the idle
    closing with the day the complaint went quiet (`quiet_since`, the step before)."""
    if cause in ("outcome", "final_response"):
        return {"outcome": outcome}
    if cause == "idle":
        return {
            "reason": "idle",
            "idle_days": CLOSE_AFTER_DAYS,
            "quiet_since": quiet_since.isoformat(),
        }
    return dict(CAUSE_DETAIL.get(cause, {}))


def assignment_detail(previous: int | None, staff_id: int, names: dict[int, str]) -> dict[str, Any]:
    """An assignment's detail: who had the complaint and who has it now."""
    return {
        "from_id": previous,
        "from": names.get(previous or 0),
        "to_id": staff_id,
        "to": names[staff_id],
    }


def review_detail(first_due: date, review_due: date) -> dict[str, Any]:
    """A review request's detail: the response due date before it and the review's."""
    return {"first_response_due_on": first_due.isoformat(), "review_due_on": review_due.isoformat()}


def outcome_data(kind: str, facts: dict[str, Any], *, full: bool) -> dict[str, Any]:
    """An outcome's data: what a replacement product sent, or whether a refund was full."""
    if kind == "replacement_product":
        return {
            "items": f"1 × {facts['product']}",
            "carrier": facts["carrier"],
            "tracking_number": facts["tracking"],
        }
    if kind == "refund":
        return {"full": full}
    return {}


def email_message_id(seed: int, message_id: int, email: str) -> str:
    """A stable Message-ID for a demo email, in the customer's mail domain."""
    digest = hashlib.sha256(f"{seed}:{message_id}".encode()).hexdigest()[:16]
    return f"<demo.{message_id}.{digest}@{email.rpartition('@')[2].lower()}>"
