"""The language switch keeps what the page shows: after htmx pushed a search into the URL,
choosing Nederlands reloads the same search in Dutch (the script copies the current address
bar's parameters, not the ones the page was first rendered with)."""

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
    assert page.locator("#inbox-list tbody tr").count() == 1
    assert watch_console.errors == []
