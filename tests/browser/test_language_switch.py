"""Small things a person notices: after htmx pushed a search into the URL, choosing
Nederlands reloads the same search in Dutch (the script copies the address bar's current
parameters, not the ones the page was rendered with); and the inbox fits a phone screen."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import ConsoleLog, LiveServer, log_in
from tests.services.casework_support import new_complaint
from tests.services.outcomes_support import STAFF_PASSWORD, fast_staff


@pytest.mark.browser
def test_switching_language_keeps_the_search_htmx_pushed(
    live_server: LiveServer, open_page: Any, watch_console: ConsoleLog
) -> None:
    with live_server.app.app_context():
        agent = fast_staff("agent").email
        new_complaint(description="My refund for the torn jacket", category="physical")
        new_complaint(description="The lamp flickers", category="physical")

    page = open_page()
    log_in(page, live_server.url, agent, STAFF_PASSWORD)
    search = page.get_by_label("Search", exact=True)
    search.fill("refund")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/staff/\?q=refund$"))
    page.locator("#inbox-summary", has_text="1 complaint matches").wait_for()

    page.locator("#lang-select").select_option("nl")
    page.wait_for_url(re.compile(r"lang=nl"))
    assert "q=refund" in page.url
    assert page.get_by_label("Zoeken", exact=True).input_value() == "refund"
    assert page.locator("#inbox-list tr.inbox-row").count() == 1
    assert watch_console.errors == []


@pytest.mark.browser
def test_the_inbox_fits_a_phone_screen(live_server: LiveServer, open_page: Any) -> None:
    """On a phone the rows are cards as wide as the screen; nothing scrolls sideways."""
    with live_server.app.app_context():
        agent = fast_staff("agent").email
        for n in range(3):
            new_complaint(description=f"A long complaint text number {n} " * 5)

    page = open_page()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, agent, STAFF_PASSWORD)
    page.locator("#inbox-list tr.inbox-row").nth(2).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.querySelector('.table-scroll').scrollWidth") <= 390
