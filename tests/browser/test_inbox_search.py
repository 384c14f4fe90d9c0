"""Live search in the staff inbox in a real Chromium: typing into Search swaps the results
after the debounce and pushes the URL, while the field keeps focus and what was typed (it
sits outside the swapped fragment); a category count beside the results narrows them; the
help popover opens without any script of ours. The page never reloads (a marker on `window`
survives), the console stays clean under the CSP, and axe finds nothing serious in the
results with their counts and the open help."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import ConsoleLog, LiveServer, log_in
from tests.browser.test_accessibility import axe_problems, serve_axe
from tests.services.casework_support import new_complaint
from tests.services.outcomes_support import STAFF_PASSWORD, fast_staff

ROWS = "#inbox-list tr.inbox-row"


@pytest.mark.browser
def test_typing_searches_keeps_focus_and_facets_narrow(
    live_server: LiveServer, open_page: Any, watch_console: ConsoleLog
) -> None:
    with live_server.app.app_context():
        agent = fast_staff("agent").email
        new_complaint(description="My refund for the torn jacket", category="physical")
        new_complaint(description="Refund the double charge on my card", category="billing")
        new_complaint(description="The lamp flickers", category="physical")

    page = open_page()
    serve_axe(page, live_server.url)
    log_in(page, live_server.url, agent, STAFF_PASSWORD)
    page.locator(ROWS).nth(2).wait_for()
    assert page.locator(ROWS).count() == 3
    page.evaluate("window.__notReloaded = true")

    search = page.get_by_label("Search", exact=True)
    search.click()
    search.press_sequentially("refund", delay=40)
    page.wait_for_url(re.compile(r"/staff/\?q=refund$"))
    page.locator("#inbox-summary", has_text="2 complaints match").wait_for()
    assert page.locator(ROWS).count() == 2
    assert page.evaluate("document.activeElement && document.activeElement.id") == "inbox-q"
    assert search.input_value() == "refund"
    assert page.locator(".snippet mark").first.inner_text().lower() == "refund"

    # Typing on keeps working in the same field: the results follow again.
    search.press_sequentially(" jacket", delay=40)
    page.wait_for_url(re.compile(r"q=refund\+jacket"))
    page.locator("#inbox-summary", has_text="1 complaint matches").wait_for()
    assert page.evaluate("document.activeElement.id") == "inbox-q"
    assert search.input_value() == "refund jacket"

    search.fill("refund")
    search.press("Enter")  # searches at once, swapped by htmx too
    page.locator("#inbox-summary", has_text="2 complaints match").wait_for()

    billing = page.locator('[data-facet="category-billing"]')
    assert billing.locator(".count").inner_text() == "1"
    billing.click()
    page.wait_for_url(re.compile(r"q=refund&category=billing$"))
    page.locator('[data-facet="category-billing"][aria-current="true"]').wait_for()
    assert page.locator(ROWS).count() == 1
    assert search.input_value() == "refund"
    assert page.get_by_label("Category", exact=True).input_value() == "billing"

    help_panel = page.locator(".search-help-panel")
    assert not help_panel.is_visible()
    page.get_by_text("How to search", exact=True).click()
    assert help_panel.is_visible() and "category:billing" in help_panel.inner_text()

    assert axe_problems(page, live_server.url) == []
    assert page.evaluate("window.__notReloaded") is True
    assert watch_console.errors == []


@pytest.mark.browser
def test_enter_right_after_typing_searches_once(
    live_server: LiveServer, open_page: Any, watch_console: ConsoleLog
) -> None:
    """Enter within the typing delay is one search and one history entry, not the form's
    submit now and the field's delayed search 300 ms later (two requests, the same address
    pushed twice: Back then seemed to do nothing)."""
    with live_server.app.app_context():
        agent = fast_staff("agent").email
        new_complaint(description="My refund for the torn jacket", category="physical")

    page = open_page()
    log_in(page, live_server.url, agent, STAFF_PASSWORD)
    searches: list[str] = []
    page.on("request", lambda r: searches.append(r.url) if "q=" in r.url else None)
    history_before = page.evaluate("history.length")

    search = page.get_by_label("Search", exact=True)
    search.click()
    search.press_sequentially("refund", delay=20)
    search.press("Enter")
    page.wait_for_url(re.compile(r"/staff/\?q=refund$"))
    page.locator("#inbox-summary", has_text="1 complaint matches").wait_for()
    page.wait_for_timeout(1_000)  # well past the typing delay: a second search would be out

    assert len(searches) == 1, searches
    assert page.evaluate("history.length") == history_before + 1
    assert search.input_value() == "refund"
    assert watch_console.errors == []
