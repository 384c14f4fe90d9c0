"""Accessibility: axe-core (vendored, tests/browser/vendor/axe.min.js) on the pages customers
and staff use, in a real Chromium with the app's real CSP. Serious and critical violations fail.

The CSP (script-src 'self') blocks what Playwright's add_script_tag(path=...) does (it inlines
the file), so the file is served from the app's own origin under a test-only path with
page.route: the browser answers that request itself and never asks the app. The pages keep
their CSP during the scan, so the scan also shows that nothing of ours needs it loosened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from helpdesk.models.types import utcnow
from helpdesk.runtime.links import tracking_url
from helpdesk.services.replies import request_information
from tests.browser.conftest import ConsoleLog, LiveServer, log_in
from tests.services.outcomes_support import STAFF_PASSWORD, fast_staff, give_refund, new_complaint

AXE_FILE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_PATH = "/__test-only__/axe.min.js"
FAILING = ("serious", "critical")


def test_vendored_axe_keeps_its_license_header() -> None:
    """The MPL-2.0 notice must stay at the top of the vendored file."""
    head = AXE_FILE.read_text(encoding="utf-8")[:600]
    assert re.match(r"/\*! axe v4\.\d+\.\d+", head)
    assert "Deque Systems" in head and "Mozilla Public" in head and "mozilla.org/MPL/2.0" in head


def serve_axe(page: Any, base: str) -> None:
    """Answer requests for AXE_PATH on the app's origin with the vendored file."""
    body = AXE_FILE.read_bytes()
    page.route(
        f"{base}{AXE_PATH}",
        lambda route: route.fulfill(
            status=200, body=body, content_type="application/javascript; charset=utf-8"
        ),
    )


def axe_problems(page: Any, base: str) -> list[str]:
    """Run axe on the settled page; one line per serious or critical violation."""
    # A fading htmx indicator is half transparent for .2 s: judge the page once it is still.
    page.wait_for_function("() => document.getAnimations().length === 0")
    page.add_script_tag(url=f"{base}{AXE_PATH}")
    assert page.evaluate("typeof window.axe") == "object"
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url} [{v['impact']}] {v['id']}: {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in FAILING
    ]


@dataclass
class Cases:
    """What the pages show: an agent, and complaints in three states."""

    agent: str
    waiting: str  # reference of a complaint waiting for the customer's information
    waiting_link: str  # its tracking link
    resolved_link: str  # tracking link of a complaint with a refund (review and rating forms)
    fresh: str  # reference of a complaint just received (outcome buttons)


def prepare(server: LiveServer) -> Cases:
    """The complaints and the agent, made through the real services."""
    with server.app.app_context():
        agent = fast_staff("agent", name="Agnes Agent")
        waiting = new_complaint(now=utcnow())
        request_information(
            waiting, agent, "Which e-reader do you use?", waiting.version, now=utcnow()
        )
        resolved = new_complaint(now=utcnow(), email="bert@example.com", name="Bert Smit")
        give_refund(resolved, agent, now=utcnow())
        fresh = new_complaint(now=utcnow(), email="carla@example.com", name="Carla Dekker")
        return Cases(
            agent.email,
            waiting.reference,
            tracking_url(waiting),
            tracking_url(resolved),
            fresh.reference,
        )


def customer_pages(page: Any, base: str, cases: Cases) -> list[str]:
    """The public pages, the form with errors, and both tracking pages."""
    problems: list[str] = []
    for path in ("/", "/complaints/new", "/track"):
        page.goto(f"{base}{path}")
        problems += axe_problems(page, base)
    page.goto(f"{base}/complaints/new")
    page.get_by_role("button", name="Send complaint").click()
    page.get_by_text("Please enter your name.").wait_for()
    problems += axe_problems(page, base)
    page.goto(cases.waiting_link)
    page.get_by_label("Your answer", exact=True).wait_for()
    problems += axe_problems(page, base)
    page.goto(cases.resolved_link)
    page.get_by_text("Request a review", exact=True).first.click()
    page.get_by_label("Why would you like us to review our decision?").wait_for()
    page.get_by_text("Rate this resolution", exact=True).first.wait_for()
    return problems + axe_problems(page, base)


def staff_pages(page: Any, base: str, cases: Cases) -> list[str]:
    """Login, inbox, a case page, and a case page with the refund form opened."""
    page.goto(f"{base}/staff/login")
    problems = axe_problems(page, base)
    log_in(page, base, cases.agent, STAFF_PASSWORD)
    problems += axe_problems(page, base)
    page.goto(f"{base}/staff/complaints/{cases.waiting}")
    problems += axe_problems(page, base)
    page.goto(f"{base}/staff/complaints/{cases.fresh}")
    page.locator("#outcome-panel").get_by_role("link", name="Refund", exact=True).click()
    page.get_by_label("Amount (EUR)").wait_for()
    return problems + axe_problems(page, base)


@pytest.mark.browser
def test_pages_have_no_serious_axe_violations(
    live_server: LiveServer, open_page: Any, watch_console: ConsoleLog
) -> None:
    base = live_server.url
    cases = prepare(live_server)
    customer, staff = open_page(), open_page()
    serve_axe(customer, base)
    serve_axe(staff, base)

    problems = customer_pages(customer, base, cases) + staff_pages(staff, base, cases)

    assert problems == [], "\n".join(problems)
    assert watch_console.errors == []


@pytest.mark.browser
def test_the_managers_case_page_with_case_file_and_referral_is_clean(
    live_server: LiveServer, open_page: Any, watch_console: ConsoleLog
) -> None:
    """A manager's view of a case in mediation (case file box, referral panel with its
    forms opened), and the customer's page after the final response (deadlock notice)."""
    from tests.documents.casefile_support import full_case

    base = live_server.url
    with live_server.app.app_context():
        case = full_case(fast_staff("agent"), fast_staff("manager"), photos=1)
        reference, manager = case.complaint.reference, case.reviewer.email
        link = tracking_url(case.complaint)
    page = open_page()
    serve_axe(page, base)
    log_in(page, base, manager, STAFF_PASSWORD)
    page.goto(f"{base}/staff/complaints/{reference}")
    page.locator("#case-file").wait_for()
    for summary in page.locator("#mediation summary").all():
        summary.click()
    problems = axe_problems(page, base)
    customer = open_page()
    serve_axe(customer, base)
    customer.goto(link)
    customer.get_by_text("De Geschillencommissie").first.wait_for()
    problems += axe_problems(customer, base)
    assert problems == [], "\n".join(problems)
    assert watch_console.errors == []


@pytest.mark.browser
def test_reviews_staff_errors_previews_and_an_html_email_are_clean(
    live_server: LiveServer, open_page: Any, watch_console: ConsoleLog, tmp_path: Path
) -> None:
    """Issue 14's pages: the reviews table with an overdue final response, a 404 inside the
    staff layout, a case page with a picture's preview, and an email's HTML part (served
    from the app's origin by the browser itself). Screenshots land in tmp_path to look at."""
    from datetime import timedelta

    from sqlalchemy import select

    from helpdesk.extensions import db
    from helpdesk.models import OutboxEmail
    from helpdesk.services.review import request_review
    from tests.documents.casefile_support import full_case

    base = live_server.url
    with live_server.app.app_context():
        agent, manager = fast_staff("agent"), fast_staff("manager")
        manager_email = manager.email
        late = new_complaint(now=utcnow() - timedelta(days=20), email="dirk@example.com")
        give_refund(late, agent, now=utcnow() - timedelta(days=19))
        request_review(
            late, "The refund misses the shipping costs.", now=utcnow() - timedelta(days=18)
        )
        case = full_case(agent, fast_staff("manager"), photos=1)
        reference = case.complaint.reference
        query = select(OutboxEmail).where(OutboxEmail.kind == "final_response")
        email_html = db.session.scalars(query).first().body_html  # type: ignore[union-attr]
    page = open_page(viewport={"width": 1366, "height": 900})
    serve_axe(page, base)
    log_in(page, base, manager_email, STAFF_PASSWORD)
    page.goto(f"{base}/staff/manage/reviews")
    page.get_by_text("days overdue").first.wait_for()
    problems = axe_problems(page, base)
    page.screenshot(path=str(tmp_path / "reviews.png"), full_page=True)
    page.goto(f"{base}/staff/no-such-page")
    page.get_by_role("link", name="Back to the inbox").wait_for()
    problems += axe_problems(page, base)
    page.goto(f"{base}/staff/complaints/{reference}")
    preview = page.locator("#attachments img.thumb").first
    preview.wait_for()
    # The first view makes the thumbnail: wait for the picture to arrive, then check it drew.
    page.wait_for_function("(img) => img.complete", arg=preview.element_handle(), timeout=15000)
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", preview.element_handle())
    problems += axe_problems(page, base)
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
    email_url = f"{base}/__test-only__/email.html"
    page.route(
        email_url,
        lambda route: route.fulfill(
            status=200, body=email_html, content_type="text/html; charset=utf-8"
        ),
    )
    page.goto(email_url)
    problems += axe_problems(page, base)
    page.screenshot(path=str(tmp_path / "email.png"), full_page=True)
    assert problems == [], "\n".join(problems)
    # The one error is the 404 the browser reports for the missing page itself.
    assert [e for e in watch_console.errors if "/staff/no-such-page" not in e] == []
