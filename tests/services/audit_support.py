"""Helpers for the audit-trail tests: complaints taken through the real services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from helpdesk.models import Complaint
from helpdesk.services.casework import acknowledge
from helpdesk.services.customer import add_customer_message
from helpdesk.services.replies import reply
from helpdesk.services.review import request_review, send_final_response
from tests.services.outcomes_support import (
    ANSWERED,
    RECEIVED,
    fast_staff,
    give_refund,
    refund_input,
)
from tests.services.outcomes_support import new_complaint as submit

# Thursday 12 March 2026 and Monday 16 March 2026, after the outcome of ANSWERED.
ASKED = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
DECIDED = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


def new_complaint(name: str = "Anna de Boer", **fields: Any) -> Complaint:
    """A complaint submitted through the real service."""
    return submit(name=name, **fields)


def whole_case() -> Complaint:
    """Submitted, acknowledged, replied to, answered, resolved, reviewed and decided."""
    agent, manager = fast_staff("agent"), fast_staff("manager")
    complaint = new_complaint()
    acknowledge(complaint, agent, complaint.version, now=RECEIVED + timedelta(hours=1))
    reply(
        complaint,
        agent,
        "We are looking into it.",
        complaint.version,
        now=RECEIVED.replace(hour=12),
    )
    add_customer_message(complaint, "Thank you, here is more.", now=RECEIVED.replace(hour=13))
    give_refund(complaint, agent, now=ANSWERED)
    request_review(complaint, "The refund does not cover the shipping costs I paid.", now=ASKED)
    final = refund_input(amount="20,00", refund_type="full")
    send_final_response(complaint, manager, final, seen=complaint.version, now=DECIDED)
    return complaint
