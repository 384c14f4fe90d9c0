"""Triage in the staff inbox in a real Chromium: a closed complaint's exact reference code
typed into the default inbox comes first, marked; a search fires on `input` (a paste with the
mouse sends no key); the whole row opens the case with a click, and a keyboard alone reaches a
row (Tab) and opens it (Enter), with a visible focus; axe finds nothing serious at 390 px."""

from __future__ import annotations

import re
from typing import Any

import pytest

from helpdesk.domain.lifecycle import Status
from helpdesk.extensions import db
from helpdesk.models.types import utcnow
from helpdesk.services.lifecycle import advance_to
from tests.browser.conftest import ConsoleLog, LiveServer, log_in, settle
from tests.browser.test_accessibility import axe_problems, serve_axe
from tests.services.casework_support import new_complaint
from tests.services.outcomes_support import STAFF_PASSWORD, fast_staff

ROWS = "#inbox-list tr.inbox-row"

#: What a paste with the mouse (or autofill) does to a field: a new value and an input event,
#: no key pressed.
PASTE = """([selector, text]) => {
  const field = document.querySelector(selector);
  field.value = text;
  field.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertFromPaste"}));
}"""


def prepare(server: LiveServer) -> tuple[str, str, str]:
    """An agent, two open complaints and a closed one; (agent email, closed code, its ref)."""
    with server.app.app_context():
        agent = fast_staff("agent").email
        new_complaint(description="The umbrella handle snapped off", email="una@example.com")
        new_complaint(description="A refund for the torn jacket, please", email="jo@example.com")
        closed = new_complaint(
            description="My lamp shade arrived dented", email="lotte@example.com"
        )
        advance_to(closed, Status.RESOLVED, now=utcnow(), actor="system")
        advance_to(closed, Status.CLOSED, now=utcnow(), actor="system")
        db.session.commit()
        return agent, closed.display_reference, closed.reference


@pytest.mark.browser
def test_an_exact_code_finds_a_closed_complaint_from_the_default_inbox(
    live_server: LiveServer, open_page: Any, watch_console: ConsoleLog
) -> None:
    agent, code, reference = prepare(live_server)
    page = open_page()
    log_in(page, live_server.url, agent, STAFF_PASSWORD)
    page.locator(ROWS).nth(1).wait_for()
    assert page.locator(ROWS).count() == 2  # the open ones
    search = page.get_by_label("Search", exact=True)
    search.click()
    search.press_sequentially(code.lower().replace("-", ""), delay=30)
    page.locator(".badge.exact").wait_for()
    first = page.locator(ROWS).first
    assert code in first.inner_text() and "Exact match" in first.inner_text()
    assert "Closed" in first.inner_text()
    settle(page)
    assert page.locator("#inbox-summary").inner_text().startswith("1 complaint matches")
    # Narrowed to open complaints on purpose, the exact hit still shows.
    status = page.get_by_label("Status", exact=True)
    assert status.is_visible()  # on a laptop the filters need no toggle
    status.select_option("open")
    page.wait_for_url(re.compile(r"status=open"))
    settle(page)
    assert f"/staff/complaints/{reference}" in (
        page.locator(ROWS).first.locator("a.row-link").get_attribute("href") or ""
    )
    assert watch_console.errors == []


@pytest.mark.browser
def test_a_paste_searches_and_a_row_opens_with_a_click_or_the_keyboard(
    live_server: LiveServer, open_page: Any, watch_console: ConsoleLog
) -> None:
    agent, _code, _reference = prepare(live_server)
    page = open_page()
    log_in(page, live_server.url, agent, STAFF_PASSWORD)
    page.locator(ROWS).nth(1).wait_for()

    page.evaluate(PASTE, ["#inbox-q", "umbrella"])
    page.wait_for_url(re.compile(r"/staff/\?q=umbrella$"))
    page.locator("#inbox-summary", has_text="1 complaint matches").wait_for()
    row = page.locator(ROWS).first
    assert "una@example.com" not in row.inner_text()  # the customer's name, not a snippet
    snippet = page.locator(".snippet-row .snippet").first
    assert "The umbrella handle snapped off" in snippet.inner_text()
    assert snippet.locator("mark").first.inner_text().lower() == "umbrella"
    # The snippets have a row of their own, as wide as the table.
    table = page.locator(".inbox-table").bounding_box()
    cell = page.locator(".snippet-row td").first.bounding_box()
    assert table and cell and cell["width"] > 0.9 * table["width"]
    settle(page)

    # A click on the row's text (not its link) opens the case; on its snippet too.
    row.locator(".customer").click()
    page.wait_for_url(re.compile(r"/staff/complaints/\w{12}$"))
    page.get_by_role("heading", name="Messages").wait_for()
    page.go_back()
    page.locator(ROWS).first.wait_for()
    settle(page)
    page.locator(".snippet-row .snippet").first.click()
    page.wait_for_url(re.compile(r"/staff/complaints/\w{12}$"))
    page.go_back()
    page.locator(ROWS).first.wait_for()
    settle(page)

    # The keyboard alone: Tab from the search field to the first row, Enter opens it.
    page.get_by_label("Search", exact=True).focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('row-link')"):
            break
    else:
        pytest.fail("Tab never reached a row")
    focused = page.locator(".inbox-item:focus-within")
    assert focused.count() == 1
    shadow = focused.locator("td").first.evaluate("td => getComputedStyle(td).boxShadow")
    assert shadow != "none" and "0, 0, 0, 0" not in shadow  # the row shows where focus is
    target = page.evaluate("document.activeElement.href")
    page.keyboard.press("Enter")
    page.wait_for_url(target)
    assert watch_console.errors == []


@pytest.mark.browser
def test_the_phone_inbox_and_case_page_are_clean_for_axe(
    live_server: LiveServer, open_page: Any, watch_console: ConsoleLog
) -> None:
    agent, code, reference = prepare(live_server)
    page = open_page(viewport={"width": 390, "height": 844})
    serve_axe(page, live_server.url)
    log_in(page, live_server.url, agent, STAFF_PASSWORD)
    page.locator(ROWS).nth(1).wait_for()
    problems = axe_problems(page, live_server.url)
    page.get_by_text("Filters and sorting").click()
    page.get_by_label("Status", exact=True).wait_for()
    problems += axe_problems(page, live_server.url)
    page.goto(f"{live_server.url}/staff/?q=umbrella+OR+{code}")
    page.locator(".snippet-row").first.wait_for()
    problems += axe_problems(page, live_server.url)
    page.goto(f"{live_server.url}/staff/complaints/{reference}")
    problems += axe_problems(page, live_server.url)
    assert problems == [], "\n".join(problems)
    assert watch_console.errors == []
