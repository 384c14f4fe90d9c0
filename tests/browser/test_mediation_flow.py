"""A referral in a real Chromium: a manager opens "Record a referral to a mediator" on the
case page, a bad date comes back in the panel (htmx) with the text kept, then the referral
is recorded and the countdown shown; "Record our reply" stops it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from helpdesk.domain.mediation import reply_deadline
from helpdesk.models.types import utcnow
from helpdesk.runtime.clock import business_calendar
from helpdesk.services.mediation import shop_today
from tests.browser.conftest import ConsoleLog, LiveServer, log_in
from tests.services.outcomes_support import STAFF_PASSWORD, fast_staff, give_refund, new_complaint


@pytest.mark.browser
def test_a_manager_records_a_referral_and_our_reply(
    live_server: LiveServer, new_context: Any, watch_console: ConsoleLog
) -> None:
    with live_server.app.app_context():
        complaint = new_complaint(now=utcnow() - timedelta(days=10))
        give_refund(complaint, fast_staff("agent"), now=utcnow() - timedelta(days=9))
        reference, email = complaint.reference, fast_staff("manager").email
        today = shop_today()
        due = reply_deadline(today, 28, business_calendar())

    page = watch_console.watch(new_context().new_page())
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, email, STAFF_PASSWORD)
    page.goto(f"{live_server.url}/staff/complaints/{reference}")

    panel = page.locator("#mediation")
    panel.get_by_text("Record a referral to a mediator").click()
    panel.get_by_label("Dispute body").fill("De Geschillencommissie")
    panel.get_by_label("Their reference").fill("GC-2026-0042")
    panel.get_by_role("button", name="Record referral").click()
    panel.get_by_text("Enter a date (YYYY-MM-DD).").wait_for()
    assert page.url.endswith(f"/staff/complaints/{reference}")  # the panel swapped in place
    assert (
        page.locator("#mediation").get_by_label("Their reference").input_value() == "GC-2026-0042"
    )
    page.locator("#mediation").get_by_label("Date of referral").fill(today.isoformat())
    page.locator("#mediation").get_by_role("button", name="Record referral").click()
    page.get_by_text("The referral to De Geschillencommissie is recorded.").wait_for()
    text = page.locator("#mediation").inner_text()
    assert f"Reply due in {(due - today).days} days" in text and "GC-2026-0042" in text

    page.locator("#mediation").get_by_text("Record our reply").click()
    page.locator("#mediation").get_by_label("We replied on").fill(today.isoformat())
    page.locator("#mediation").get_by_role("button", name="Save").first.click()
    page.get_by_text("Our reply to the dispute body is recorded.").wait_for()
    assert "Replied on" in page.locator("#mediation").inner_text()

    page.goto(f"{live_server.url}/staff/")
    page.get_by_role("link", name="In mediation").click()
    page.wait_for_url(f"{live_server.url}/staff/?status=all&mediation=open")
    rows = page.locator("#inbox-list tbody tr")
    assert rows.count() == 1 and "In mediation" in rows.first.inner_text()
    assert watch_console.errors == []
