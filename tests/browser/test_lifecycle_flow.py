"""The whole life of a complaint in a real Chromium (issue 3), every email read back from a
real SMTP server: submitted on the web → acknowledged → information requested → answered →
"Refund" → "Request a review" → another manager's "Send final response" → mediation shown.

Three people share the browser: the customer, an agent and two managers, each in a context of
their own (own cookies). Manager B gave the first outcome of a second complaint, so the
four-eyes rule must keep "Send final response" from B's page for that one. Where the pages use
htmx, a marker set on `window` before a click must survive it: the part was swapped, the page
was not reloaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from helpdesk.extensions import db
from helpdesk.models import Complaint
from helpdesk.models.types import utcnow
from helpdesk.services.review import request_review
from tests.browser.conftest import (
    ConsoleLog,
    LiveServer,
    Mailbox,
    deliver_mail,
    log_in,
    mail_text,
    tracking_link,
)
from tests.services.outcomes_support import (
    STAFF_PASSWORD,
    fast_staff,
    give_refund,
    new_complaint,
)

CUSTOMER = "marieke@example.com"
QUESTION = "Which e-reader do you use, and what does the error message say?"
ANSWER = "A Kobo Clara. It says the file is damaged."
REASON = "The refund should also cover the shipping costs of 4,95."
MEDIATION = [
    {"name": "Test Mediation Board", "url": "https://mediation.example/"},
    {"name": "Second Test Ombudsman", "url": "https://ombudsman.example/complaints"},
]
#: HELPDESK_MEDIATION_BODIES for them: Name|URL|takes part|months to file.
MEDIATION_SETTING = ";".join(f"{b['name']}|{b['url']}|yes|12" for b in MEDIATION)


@pytest.fixture
def live_server_config(smtp_server: Any) -> dict[str, Any]:
    """Mail goes to the test's SMTP server; mediation bodies of our own come from settings."""
    return {"SMTP_URL": smtp_server.url, "MEDIATION_BODIES": MEDIATION_SETTING}


@dataclass
class People:
    """The staff of this story (emails to log in with) and the four-eyes complaint."""

    agent: str
    manager_a: str
    manager_b: str
    reviewed_by_b: str  # reference of a complaint whose first outcome manager B gave


def set_marker(page: Any) -> None:
    """Mark the loaded document; a full page load forgets it, an htmx swap does not."""
    page.evaluate("window.__notReloaded = true")


def assert_not_reloaded(page: Any) -> None:
    """The marker set before is still there."""
    assert page.evaluate("window.__notReloaded") is True


def assert_reloaded(page: Any) -> None:
    """Following a plain link is a new page: the marker is gone (the check can fail)."""
    assert page.evaluate("window.__notReloaded") is None


def make_people(server: LiveServer) -> People:
    """An agent, two managers, and another complaint: B gave its refund, its customer asked
    for a review."""
    with server.app.app_context():
        agent = fast_staff("agent", name="Agnes Agent")
        manager_a = fast_staff("manager", name="Anton Manager")
        manager_b = fast_staff("manager", name="Bea Manager")
        other = new_complaint(now=utcnow(), name="Other Customer", email="other@example.com")
        give_refund(other, manager_b, now=utcnow())
        request_review(other, "I would like the full amount back, please.", now=utcnow())
        return People(agent.email, manager_a.email, manager_b.email, other.reference)


def customer_submits(page: Any, base: str) -> str:
    """The web form, filled by its labels; returns the reference code shown."""
    page.goto(f"{base}/complaints/new")
    page.get_by_label("Name", exact=True).fill("Marieke Jansen")
    page.get_by_label("Email", exact=True).fill(CUSTOMER)
    page.get_by_label("Order number", exact=True).fill("WEB-2026-1187")
    page.get_by_label("Category", exact=True).select_option("digital")
    page.get_by_label("Description", exact=True).fill(
        "The e-book I bought yesterday will not open on my e-reader."
    )
    page.get_by_role("button", name="Send complaint").click()
    page.wait_for_url(re.compile(r"/complaints/submitted$"))
    code = page.locator("#reference-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    return code


def customer_tracks(page: Any, base: str, code: str) -> None:
    """/track with the code (typed sloppily: lower case, no dashes) and the email."""
    page.goto(f"{base}/track")
    page.get_by_label("Reference code", exact=True).fill(code.replace("-", "").lower())
    page.get_by_label("Email", exact=True).fill(CUSTOMER)
    page.get_by_role("button", name="Show my complaint").click()
    page.wait_for_url(re.compile(r"/track/case$"))


def agent_finds_it_in_the_inbox(page: Any, code: str) -> None:
    """The status filter swaps the list with htmx and puts the filter in the URL."""
    rows = page.locator(".inbox-table tbody tr")
    assert rows.count() == 2  # ours (acknowledged) and B's (review requested)
    set_marker(page)
    page.get_by_label("Status", exact=True).select_option("acknowledged")
    page.wait_for_url(re.compile(r"/staff/\?.*status=acknowledged"))
    page.locator(".inbox-summary").get_by_text("1 complaint", exact=True).wait_for()
    assert rows.count() == 1
    assert_not_reloaded(page)
    assert page.get_by_label("Status", exact=True).input_value() == "acknowledged"
    page.get_by_role("link", name=code, exact=True).click()
    page.get_by_role("heading", name=re.compile(code)).wait_for()
    assert_reloaded(page)


def agent_requests_information(page: Any) -> None:
    """ "Request information" with a question; htmx swaps the case body in place."""
    assert page.locator(".case-title .status").inner_text() == "Acknowledged"
    set_marker(page)
    url = page.url
    page.get_by_text("Request information", exact=True).first.click()  # opens the box
    page.get_by_label("What do you need from the customer?").fill(QUESTION)
    page.get_by_role("button", name="Request information").click()
    page.get_by_text("Your request was sent.", exact=False).wait_for()
    assert page.locator(".case-title .status").inner_text() == "Awaiting customer"
    assert page.url == url
    assert_not_reloaded(page)


def customer_answers(page: Any, link: str) -> None:
    """The link from the email opens the case; the question is shown; "Send answer"."""
    page.goto(link)
    page.wait_for_url(re.compile(r"/track/case$"))
    assert page.locator("#case-status").inner_text() == "Waiting for your information"
    assert QUESTION in page.locator(".question").inner_text()
    assert "paused" in page.locator("#clock-response").inner_text()
    set_marker(page)
    page.get_by_label("Your answer", exact=True).fill(ANSWER)
    page.get_by_role("button", name="Send answer").click()
    page.get_by_text("Thank you, we have received your answer.").wait_for()
    assert page.locator("#case-status").inner_text() == "Being assessed"
    assert ANSWER in page.locator("#timeline").inner_text()
    assert_not_reloaded(page)


def agent_gives_refund(page: Any) -> None:
    """The answer is in the thread; "Refund" fills the form in place; "Send outcome"."""
    page.reload()
    assert ANSWER in page.locator("#thread").inner_text()
    assert page.locator(".case-title .status").inner_text() == "Assessing"
    set_marker(page)
    page.locator("#outcome-panel").get_by_role("link", name="Refund", exact=True).click()
    page.get_by_label("Response to the customer").wait_for()
    assert_not_reloaded(page)
    page.get_by_label("Amount (EUR)").fill("12,50")
    page.get_by_label("Partial refund").check()
    page.get_by_label("Root cause", exact=True).select_option("packing")
    page.get_by_role("button", name="Send outcome").click()
    page.locator("#outcome-panel").get_by_text("Outcome sent").wait_for()
    assert "€12.50 (partial refund)" in page.locator("#outcome-panel").inner_text()
    assert page.locator(".case-title .status").inner_text() == "Resolved"


def customer_requests_review(page: Any) -> None:
    """The refund is on the tracking page; "Request a review" with a reason."""
    page.reload()
    assert page.locator("#case-status").inner_text() == "Resolved"
    decision = page.locator("#resolution").inner_text()
    assert "Refund" in decision and "€12.50 (partial refund)" in decision
    page.get_by_text("Request a review", exact=True).first.click()  # opens the form
    page.get_by_label("Why would you like us to review our decision?").fill(REASON)
    page.get_by_role("button", name="Request a review").click()
    page.get_by_text("We have received your request for a review").first.wait_for()
    # The status changed all over the page, so the app has htmx load it whole (HX-Redirect).
    assert page.locator("#case-status").inner_text() == "Review requested"


def manager_sends_final(page: Any, base: str, people: People, reference: str) -> None:
    """Manager A (who gave nothing) changes the refund to the full amount and sends it."""
    log_in(page, base, people.manager_a, STAFF_PASSWORD)
    page.goto(f"{base}/staff/complaints/{reference}")
    panel = page.locator("#review-panel")
    assert REASON in panel.inner_text()
    assert page.locator(".four-eyes").count() == 0
    panel.get_by_label("Amount (EUR)").fill("17,45")
    panel.get_by_label("Full refund").check()
    panel.get_by_role("button", name="Send final response").click()
    page.locator("#outcome-panel").get_by_text("Final response").first.wait_for()
    assert page.locator(".case-title .status").inner_text() == "Final response sent"
    assert "€17.45 (full refund)" in page.locator("#outcome-panel").inner_text()
    assert "No further review is possible." in page.locator("#review-panel").inner_text()


def manager_b_may_not_review_own_outcome(page: Any, base: str, people: People) -> None:
    """Four-eyes: B gave the first outcome of the other complaint, so B is not offered the form."""
    log_in(page, base, people.manager_b, STAFF_PASSWORD)
    page.goto(f"{base}/staff/complaints/{people.reviewed_by_b}")
    assert page.locator(".case-title .status").inner_text() == "Review requested"
    page.locator(".four-eyes").get_by_text("four-eyes rule").wait_for()
    assert page.get_by_role("button", name="Send final response").count() == 0
    assert page.locator("#final-form").count() == 0
    # Typing the form's address does not get round it either.
    page.goto(f"{base}/staff/manage/complaints/{people.reviewed_by_b}/final/refund")
    assert page.get_by_role("alert").get_by_text("four-eyes rule").count() == 1
    assert page.get_by_role("button", name="Send final response").count() == 0


def customer_sees_final(page: Any) -> None:
    """ "Final response", the configured mediation bodies, and no "Request a review"."""
    page.reload()
    assert page.locator("#case-status").inner_text() == "Final response"
    assert "€17.45 (full refund)" in page.locator("#resolution").inner_text()
    bodies = page.locator(".mediation-bodies a")
    assert bodies.all_inner_texts() == [body["name"] for body in MEDIATION]
    assert [bodies.nth(i).get_attribute("href") for i in range(2)] == [
        body["url"] for body in MEDIATION
    ]
    assert page.get_by_text("Request a review").count() == 0
    assert page.get_by_role("button", name="Request a review").count() == 0


@pytest.mark.browser
def test_the_whole_life_of_a_complaint(
    live_server: LiveServer, open_page: Any, smtp_server: Any, watch_console: ConsoleLog
) -> None:
    base = live_server.url
    people = make_people(live_server)
    mail = Mailbox(smtp_server, CUSTOMER)

    customer = open_page()
    code = customer_submits(customer, base)
    deliver_mail(live_server)
    ack = mail.next()
    assert code in ack["Subject"] and "We have received your complaint" in ack["Subject"]
    assert tracking_link(ack)
    customer_tracks(customer, base, code)
    assert customer.locator("#case-status").inner_text() == "Acknowledged"
    with live_server.app.app_context():
        reference = db.session.scalars(
            db.select(Complaint.reference).filter_by(email=CUSTOMER)
        ).one()

    agent = open_page()
    log_in(agent, base, people.agent, STAFF_PASSWORD)
    agent_finds_it_in_the_inbox(agent, code)
    agent_requests_information(agent)
    deliver_mail(live_server)
    info = mail.next()
    assert code in info["Subject"] and QUESTION in mail_text(info)
    customer_answers(customer, tracking_link(info))

    agent_gives_refund(agent)
    deliver_mail(live_server)
    outcome = mail.next()
    assert "Our response to your complaint" in outcome["Subject"]
    assert "€12.50 (partial refund)" in mail_text(outcome)
    customer_requests_review(customer)
    deliver_mail(live_server)
    assert "request for a review" in mail.next()["Subject"]

    manager_b_may_not_review_own_outcome(open_page(), base, people)
    manager_sends_final(open_page(), base, people, reference)
    deliver_mail(live_server)
    final = mail.next()
    text = mail_text(final)
    assert code in final["Subject"] and "Final response" in final["Subject"]
    assert "*** Final response ***" in text and "€17.45 (full refund)" in text
    assert all(f"{b['name']}: {b['url']}" in text for b in MEDIATION)
    customer_sees_final(customer)
    assert len(mail.mine()) == 5
    assert watch_console.errors == []
