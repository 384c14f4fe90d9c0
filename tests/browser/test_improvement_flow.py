"""A manager in Chromium: adds a root cause, records a corrective action from the page
(choosing the root cause loads its recent complaints with htmx; one is ticked), marks it
done; axe-core finds no serious problem on the root-cause list, the action form (also with
its errors shown), the actions list and an action's page, under the app's real CSP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from helpdesk.models.types import utcnow
from tests.browser.conftest import ConsoleLog, LiveServer, log_in
from tests.browser.test_accessibility import axe_problems, serve_axe
from tests.services.outcomes_support import STAFF_PASSWORD, fast_staff, give_refund, new_complaint


@pytest.mark.browser
def test_a_manager_records_a_corrective_action(
    live_server: LiveServer, open_page: Any, watch_console: ConsoleLog
) -> None:
    base = live_server.url
    with live_server.app.app_context():
        manager = fast_staff("manager", name="Manager Mila").email
        agent = fast_staff("agent", name="Owner Olga")
        complaint = new_complaint(now=utcnow() - timedelta(days=2))
        give_refund(complaint, agent, now=utcnow() - timedelta(days=1))  # root cause: packing
        reference = complaint.display_reference
    page = open_page()
    serve_axe(page, base)
    log_in(page, base, manager, STAFF_PASSWORD)

    page.get_by_role("link", name="Corrective actions", exact=True).click()
    page.get_by_role("heading", name="Corrective actions", exact=True).wait_for()
    problems = axe_problems(page, base)
    page.get_by_role("link", name="Manage the list of root causes").click()
    page.get_by_label("English name").fill("Late courier")
    page.get_by_label("Dutch name").fill("Te late koerier")
    page.get_by_role("button", name="Add root cause").click()
    page.get_by_text("Root cause “Late courier” added.").wait_for()
    problems += axe_problems(page, base)

    page.goto(f"{base}/staff/manage/corrective-actions/new")
    page.get_by_role("button", name="Record action").click()
    page.get_by_text("Say what will be done.").wait_for()
    problems += axe_problems(page, base)  # the form with its errors
    page.get_by_label("What will be done").fill("Double-box glass and ceramics")
    page.get_by_label("Root cause", exact=True).select_option("packing")
    page.get_by_role("checkbox", name=reference).check()  # loaded by htmx for "packing"
    page.get_by_label("Owner").select_option(label="Owner Olga")
    page.get_by_label("Due date").fill((utcnow() + timedelta(days=14)).date().isoformat())
    page.get_by_role("button", name="Record action").click()
    page.get_by_text("Corrective action recorded.").wait_for()
    page.get_by_role("heading", name="Double-box glass and ceramics").wait_for()
    assert page.get_by_role("link", name=reference).count() == 1
    problems += axe_problems(page, base)

    page.get_by_role("button", name="Mark as done").click()
    page.get_by_text("The action is marked as done.").wait_for()
    page.get_by_role("button", name="Record the check").wait_for()
    problems += axe_problems(page, base)
    page.get_by_role("link", name="Corrective actions", exact=True).first.click()
    page.get_by_role("heading", name="Done, waiting for the check").wait_for()
    assert page.get_by_role("link", name="Double-box glass and ceramics").count() == 1
    problems += axe_problems(page, base)  # the list with an action in it

    assert problems == [], "\n".join(problems)
    # The form sent back with its mistakes answers 422, which Chromium logs; nothing else.
    assert [e for e in watch_console.errors if "status of 422" not in e] == []
    assert len(watch_console.errors) == 1
