"""The htmx outcome flow in a real Chromium: an agent clicks "Refund", the form opens in the
panel, "Send outcome" reloads the case; the customer then asks for a review on the tracking page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from helpdesk.extensions import db
from helpdesk.models import Complaint
from helpdesk.runtime.links import tracking_url
from tests.browser.conftest import ConsoleLog, LiveServer
from tests.services.outcomes_support import STAFF_PASSWORD, fast_staff, new_complaint


@pytest.mark.browser
def test_one_click_fills_one_more_sends_then_a_review(
    live_server: LiveServer, new_context: Any, watch_console: ConsoleLog
) -> None:
    with live_server.app.app_context():
        from helpdesk.models.types import utcnow

        complaint = new_complaint(now=utcnow())
        reference, agent_email = complaint.reference, fast_staff("agent").email
        link = tracking_url(complaint)

    page = watch_console.watch(new_context().new_page())
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/staff/login")
    page.get_by_label("Email", exact=True).fill(agent_email)
    page.get_by_label("Password", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/staff/complaints/{reference}")

    page.locator("#outcome-panel").get_by_role("link", name="Refund", exact=True).click()
    text = page.get_by_label("Response to the customer")
    text.wait_for()
    assert page.url.endswith(f"/staff/complaints/{reference}")  # swapped in, not a new page
    assert "We are refunding {amount} to you." in text.input_value()
    page.get_by_label("Amount (EUR)").fill("12,50")
    page.get_by_label("Full refund").check()
    page.get_by_label("Root cause", exact=True).select_option("Carrier damage")
    page.get_by_role("button", name="Send outcome").click()
    page.locator("#outcome-panel").get_by_text("Outcome sent").wait_for()
    assert "€12.50 (full refund)" in page.locator("#outcome-panel").inner_text()
    with live_server.app.app_context():
        assert db.session.query(Complaint).one().status == "resolved"

    customer = watch_console.watch(new_context().new_page())
    customer.set_default_timeout(10_000)
    customer.goto(link)
    customer.wait_for_url(re.compile(r"/track/case$"))
    customer.get_by_text("Request a review", exact=True).first.click()
    customer.get_by_label("Why would you like us to review our decision?").fill("Too short")
    customer.get_by_role("button", name="Request a review").click()
    customer.get_by_text("Tell us why in 10 to 5000 characters.").wait_for()
    reason = "The refund should include the shipping costs."
    customer.get_by_label("Why would you like us to review our decision?").fill(reason)
    customer.get_by_role("button", name="Request a review").click()
    customer.get_by_text("We have received your request for a review").first.wait_for()
    with live_server.app.app_context():
        assert db.session.query(Complaint).one().status == "review_requested"
    assert watch_console.errors == []
