"""The reports page in a real Chromium with the app's CSP: axe finds no serious problem
(charts are named pictures, tables have captions and headers, the form's fields labels),
a filter changes the report through htmx and the address bar follows it, and the page
draws at 1366 px (a PNG is written for people to look at: REPORTS_SCREENSHOT=path)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ConsoleLog, LiveServer, log_in
from tests.browser.test_accessibility import axe_problems, serve_axe
from tests.services.outcomes_support import STAFF_PASSWORD
from tests.services.reports_support import build

MAY = "/staff/reports?from=2026-05-01&to=2026-05-31"


@pytest.mark.browser
def test_the_reports_page_is_accessible_and_filters_with_htmx(
    live_server: LiveServer, open_page: Any, watch_console: ConsoleLog, tmp_path: Path
) -> None:
    base = live_server.url
    with live_server.app.app_context():
        manager = build().manager.email
    page = open_page(viewport={"width": 1366, "height": 900})
    serve_axe(page, base)
    log_in(page, base, manager, STAFF_PASSWORD)
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_role("heading", name="Reports", exact=True).wait_for()
    page.goto(f"{base}{MAY}")
    chart = page.get_by_role("img", name="Complaints per category", exact=True)
    chart.wait_for()
    assert chart.evaluate("e => e.getBoundingClientRect().width") > 300
    problems = axe_problems(page, base)
    assert problems == [], "\n".join(problems)

    page.get_by_label("Category", exact=True).select_option("physical")
    key_figures = page.locator("table", has=page.locator("caption", has_text="Key figures"))
    complaints = key_figures.locator("tr", has=page.get_by_text("Complaints", exact=True))
    complaints.locator("td").first.filter(has_text="3").wait_for()
    assert "category=physical" in page.url  # hx-push-url: the address names the report
    assert page.get_by_label("Category", exact=True).input_value() == "physical"

    shot = Path(os.environ.get("REPORTS_SCREENSHOT") or tmp_path / "reports.png")
    page.goto(f"{base}{MAY}")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    assert watch_console.errors == []
