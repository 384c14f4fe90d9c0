"""The root cause on the outcome forms and the customer's second rating question, through the
real forms: staff choose "Root cause" (required) and may add a "Root cause note"; the final
response starts from the first outcome's root cause; the customer answers both "How
satisfied are you with the outcome?" and "How satisfied are you with how your complaint
was handled?"."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Outcome, Rating
from helpdesk.models.types import utcnow
from helpdesk.services.review import request_review
from helpdesk.services.root_causes import find_root_cause, retire_root_cause
from tests.services.casework_support import find_form, login, new_complaint, submit
from tests.services.outcomes_support import fast_staff, give_refund, open_case


@pytest.fixture
def agent(app: Flask) -> Any:
    return fast_staff("agent", name="Agent Anouk")


def _outcome_page(client: FlaskClient, reference: str) -> str:
    return client.get(f"/staff/complaints/{reference}/outcome/correction").get_data(as_text=True)


def test_the_form_offers_the_root_causes_still_in_use(client: FlaskClient, agent: Any) -> None:
    retire_root_cause(fast_staff("manager"), "customer_error")
    complaint = new_complaint(now=utcnow())
    login(client, agent)
    html = _outcome_page(client, complaint.reference)
    assert re.search(r'<label class="label" for="outcome-root_cause">Root cause</label>', html)
    assert re.search(
        r'<label class="label" for="outcome-root_cause_note">Root cause note</label>', html
    )
    select = re.search(r'<select[^>]*name="outcome-root_cause".*?</select>', html, re.S)
    assert select
    options = re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select.group(0))
    assert options[0] == ("", "Choose the root cause")
    assert ("wrong_item", "Wrong item picked") in options
    assert "customer_error" not in dict(options)  # retired: no longer offered


def test_without_a_root_cause_nothing_is_sent_and_the_draft_stays(
    client: FlaskClient, agent: Any
) -> None:
    complaint = new_complaint(now=utcnow())
    login(client, agent)
    draft = "Dear Anna, the page now says which readers the book works on."
    fill = {"Response to the customer": draft, "Root cause note": "Page was vague."}
    page = submit(client, _outcome_page(client, complaint.reference), "Send outcome", fill)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert re.search(
        r'id="outcome-root_cause-error">Choose the root cause of this complaint.', html
    )
    assert draft in html and "Page was vague." in html
    assert db.session.scalars(select(Outcome)).first() is None
    assert complaint.status == "received"


def test_the_root_cause_and_note_are_stored_and_shown_to_staff(
    app: Flask, client: FlaskClient, agent: Any
) -> None:
    complaint = new_complaint(now=utcnow())
    login(client, agent)
    fill = {
        "Response to the customer": "Dear Anna, the page now says which readers it works on.",
        "Root cause": "unclear_product_page",
        "Root cause note": "The product page never named the supported readers.",
    }
    page = submit(client, _outcome_page(client, complaint.reference), "Send outcome", fill)
    assert page.status_code == 303
    outcome = db.session.scalars(select(Outcome)).one()
    cause = find_root_cause("unclear_product_page")
    assert cause is not None and outcome.root_cause_id == cause.id
    assert outcome.root_cause_note == "The product page never named the supported readers."
    assert complaint.outcome_root_cause_id == cause.id and complaint.outcome_kind == "correction"
    sent = db.session.scalars(select(AuditEvent).filter_by(action="outcome_sent")).one()
    assert sent.detail["root_cause"] == "unclear_product_page"
    html = client.get(f"/staff/complaints/{complaint.reference}").get_data(as_text=True)
    panel = html[html.index('id="outcome-panel"') :]
    assert "<dt>Root cause</dt>" in panel and "Unclear product page" in panel
    assert "The product page never named the supported readers." in panel
    # The customer never sees why, nor the note.
    customer = app.test_client()
    open_case(customer, complaint)
    public = customer.get("/track/case").get_data(as_text=True)
    assert "Unclear product page" not in public and "supported readers" not in public


def test_the_final_response_starts_from_the_first_root_cause(
    client: FlaskClient, app: Flask
) -> None:
    complaint = new_complaint(now=utcnow() - timedelta(days=3))
    give_refund(complaint, fast_staff("agent"), now=utcnow() - timedelta(days=2))  # packing
    request_review(complaint, "The refund does not cover the shipping costs.")
    reviewer = fast_staff("manager")
    login(client, reviewer)
    html = client.get(f"/staff/complaints/{complaint.reference}").get_data(as_text=True)
    form = find_form(html, "Send final response")
    assert form.data()["final-root_cause"] == "packing"
    page = submit(client, html, "Send final response",
                  {"Response to the customer": "Dear Anna, we refund {amount} after all.",
                   "Amount (EUR)": "20,00", "Root cause": "carrier_damage"})  # fmt: skip
    assert page.status_code == 303
    final = db.session.scalars(select(Outcome).filter_by(is_final=True)).one()
    assert final.root_cause is not None and final.root_cause.key == "carrier_damage"
    assert complaint.outcome_root_cause_id == final.root_cause_id
    assert complaint.review_changed is True  # €12.50 became €20.00


def test_the_customer_rates_the_resolution_and_the_handling(
    client: FlaskClient, agent: Any
) -> None:
    complaint = new_complaint(now=utcnow() - timedelta(days=1))
    give_refund(complaint, agent, now=utcnow())
    open_case(client, complaint)
    html = client.get("/track/case").get_data(as_text=True)
    assert re.search(r"<legend[^>]*>How satisfied are you with the outcome\?</legend>", html)
    assert re.search(
        r"<legend[^>]*>How satisfied are you with how your complaint was handled\?</legend>", html
    )
    assert html.count('name="rating-score"') == 5
    assert html.count('name="rating-handling_score"') == 5
    assert "Rate this resolution" in html
    data = {"rating-score": "4", "rating-handling_score": "2", "rating-comment": "Slow replies."}
    assert client.post("/track/case/rating", data=data).status_code == 303
    rating = db.session.scalars(select(Rating)).one()
    assert (rating.score, rating.handling_score, rating.comment) == (4, 2, "Slow replies.")
    # Changing it within the day: the form shows both answers as given.
    again = client.get("/track/case").get_data(as_text=True)
    assert re.search(r'checked[^>]*name="rating-handling_score"[^>]*value="2"', again) or re.search(
        r'name="rating-handling_score"[^>]*value="2"[^>]*checked', again
    )


def test_both_questions_need_an_answer_from_1_to_5(client: FlaskClient, agent: Any) -> None:
    complaint = new_complaint(now=utcnow() - timedelta(days=1))
    give_refund(complaint, agent, now=utcnow())
    open_case(client, complaint)
    for handling in ("9", None):
        bad = {"rating-score": "5", "rating-comment": "Fine"}
        if handling is not None:
            bad["rating-handling_score"] = handling
        page = client.post("/track/case/rating", data=bad)
        html = page.get_data(as_text=True)
        assert page.status_code == 422
        assert re.search(r'id="rating-handling_score-error">Choose a rating from 1 to 5.', html)
        assert 'id="rating-score-error"' not in html
        assert re.search(r'checked[^>]*name="rating-score"[^>]*value="5"', html) or re.search(
            r'name="rating-score"[^>]*value="5"[^>]*checked', html
        )  # what was chosen stays chosen
        assert re.search(r'name="rating-comment"[^>]*>\s*Fine</textarea>', html)
        assert db.session.scalars(select(Rating)).first() is None
    both = {"rating-score": "5", "rating-handling_score": "3"}
    assert client.post("/track/case/rating", data=both).status_code == 303
    rating = db.session.scalars(select(Rating)).one()
    assert (rating.score, rating.handling_score) == (5, 3)
