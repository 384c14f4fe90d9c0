"""The customer's side after an outcome: a review, the final response, "Rate this resolution"."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, OutboxEmail, Rating
from helpdesk.models.types import utcnow
from helpdesk.services.dispute_bodies import dispute_bodies
from helpdesk.services.ratings import rate_resolution
from helpdesk.services.review import request_review, send_final_response
from tests.services.outcomes_support import (
    fast_staff,
    give_refund,
    new_complaint,
    open_case,
    refund_input,
)

REASON = "The refund does not cover the shipping costs I paid."


@pytest.fixture
def resolved(app: Flask) -> Any:
    """A complaint with a refund given just now."""
    complaint = new_complaint(now=utcnow() - timedelta(days=2))
    give_refund(complaint, fast_staff("agent"), now=utcnow())
    return complaint


def test_after_an_outcome_the_page_shows_it_in_plain_words(
    client: FlaskClient, resolved: Any
) -> None:
    open_case(client, resolved)
    html = client.get("/track/case").get_data(as_text=True)
    assert "Our decision" in html and "€12.50 (partial refund)" in html
    assert "Request a review" in html and 'name="review-reason"' in html
    assert "Rate this resolution" in html and 'name="rating-score"' in html
    for words in ("1 – Very dissatisfied", "5 – Very satisfied"):
        assert words in html


def test_request_a_review(client: FlaskClient, resolved: Any) -> None:
    open_case(client, resolved)
    response = client.post("/track/case/review", data={"review-reason": REASON})
    assert response.status_code == 303 and response.headers["Location"].endswith("/track/case")
    html = client.get("/track/case").get_data(as_text=True)
    assert "Thank you. We have received your request for a review." in html
    assert "You asked for a review on" in html and 'name="review-reason"' not in html
    assert resolved.status == "review_requested" and resolved.review_reason == REASON
    receipt = db.session.scalars(select(OutboxEmail).filter_by(kind="review_received")).one()
    assert "request for a review" in receipt.subject


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Tell us why in 10 to 5000 characters."),
        ("too short", "Tell us why"),
        ("x" * 5001, "Tell us why"),
    ],
)
def test_a_bad_reason_is_shown_next_to_the_field(
    client: FlaskClient, resolved: Any, reason: str, message: str
) -> None:
    open_case(client, resolved)
    page = client.post("/track/case/review", data={"review-reason": reason})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "<html" in html
    assert 'id="review-reason-error"' in html and message in html
    assert resolved.status == "resolved"
    fragment = client.post(
        "/track/case/review", data={"review-reason": "short <b>"}, headers={"HX-Request": "true"}
    )
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text and 'id="resolution"' in text
    assert "short &lt;b&gt;" in text  # what they typed, kept and escaped


def test_a_second_review_is_refused_politely(client: FlaskClient, resolved: Any) -> None:
    open_case(client, resolved)
    client.post("/track/case/review", data={"review-reason": REASON})
    again = client.post("/track/case/review", data={"review-reason": REASON + " Again."})
    assert again.status_code == 303
    html = client.get("/track/case").get_data(as_text=True)
    assert "You have already requested a review of this complaint." in html
    assert db.session.scalar(select(OutboxEmail).filter_by(kind="review_received").limit(1))
    assert len(db.session.scalars(select(OutboxEmail).filter_by(kind="review_received")).all()) == 1


def test_after_the_review_period_the_button_is_gone(app: Flask, client: FlaskClient) -> None:
    complaint = new_complaint(now=utcnow() - timedelta(days=40))
    give_refund(complaint, fast_staff("agent"), now=utcnow() - timedelta(days=31))
    open_case(client, complaint)
    html = client.get("/track/case").get_data(as_text=True)
    assert 'name="review-reason"' not in html
    assert "could be requested until" in html and "that period has ended" in html
    refused = client.post("/track/case/review", data={"review-reason": REASON})
    assert refused.status_code == 303
    assert "The period in which a review could be requested has ended." in client.get(
        "/track/case"
    ).get_data(as_text=True)


def test_the_final_response_and_the_mediation_bodies(
    app: Flask, client: FlaskClient, resolved: Any
) -> None:
    request_review(resolved, REASON)
    send_final_response(
        resolved, fast_staff("manager"), refund_input(amount="20"), seen=resolved.version
    )
    open_case(client, resolved)
    html = client.get("/track/case").get_data(as_text=True)
    assert "Final response" in html and "€20.00" in html
    assert "a further review is not possible" in html
    for body in dispute_bodies():
        assert body.name in html and f'href="{body.url}"' in html
    assert 'name="review-reason"' not in html


def test_rate_this_resolution(client: FlaskClient, resolved: Any) -> None:
    open_case(client, resolved)
    response = client.post(
        "/track/case/rating",
        data={
            "rating-score": "4",
            "rating-handling_score": "5",
            "rating-comment": "Quick & kind <3",
        },
    )
    assert response.status_code == 303
    html = client.get("/track/case").get_data(as_text=True)
    assert "Thank you for rating our resolution." in html
    assert "Thank you for your rating." in html
    assert "<dt>The outcome</dt><dd>4 – Satisfied</dd>" in html
    assert "<dt>How your complaint was handled</dt><dd>5 – Very satisfied</dd>" in html
    assert "Change your rating" in html
    rating = db.session.scalars(select(Rating)).one()
    assert (rating.score, rating.handling_score, rating.comment) == (4, 5, "Quick & kind <3")
    event = db.session.scalars(select(AuditEvent).filter_by(action="rated")).one()
    assert event.detail["score"] == 4


@pytest.mark.parametrize("score", ["", "0", "6", "five"])
def test_a_rating_needs_a_score_from_1_to_5(client: FlaskClient, resolved: Any, score: str) -> None:
    open_case(client, resolved)
    data = {"rating-score": score, "rating-handling_score": "3", "rating-comment": "Hm"}
    page = client.post("/track/case/rating", data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Choose a rating from 1 to 5." in html
    assert re.search(r'name="rating-comment"[^>]*>\s*Hm</textarea>', html)
    assert db.session.scalars(select(Rating)).first() is None


def test_a_rating_after_a_day_cannot_be_changed(client: FlaskClient, resolved: Any) -> None:
    rate_resolution(resolved, 2, "", now=utcnow() - timedelta(hours=25))
    open_case(client, resolved)
    html = client.get("/track/case").get_data(as_text=True)
    assert "<dt>The outcome</dt><dd>2 – Dissatisfied</dd>" in html
    assert "How your complaint was handled" not in html  # rated before the second question
    assert "Change your rating" not in html
    client.post("/track/case/rating", data={"rating-score": "5", "rating-handling_score": "5"})
    assert "A rating can be changed only within 24 hours." in client.get("/track/case").get_data(
        as_text=True
    )
    assert db.session.scalars(select(Rating)).one().score == 2


def test_without_an_open_case_the_forms_go_to_tracking(client: FlaskClient, resolved: Any) -> None:
    for url, data in (
        ("/track/case/review", {"review-reason": REASON}),
        ("/track/case/rating", {"rating-score": "5"}),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 303 and response.headers["Location"].endswith("/track")
    assert resolved.status == "resolved"


def test_nothing_is_offered_before_an_outcome(app: Flask, client: FlaskClient) -> None:
    complaint = new_complaint(now=utcnow())
    open_case(client, complaint)
    html = client.get("/track/case").get_data(as_text=True)
    assert "Our decision" not in html and "Rate this resolution" not in html
    client.post("/track/case/rating", data={"rating-score": "5"})
    assert db.session.scalars(select(Rating)).first() is None


def test_the_forms_in_dutch(client: FlaskClient, resolved: Any) -> None:
    open_case(client, resolved)
    html = client.get("/track/case?lang=nl").get_data(as_text=True)
    assert 'lang="nl"' in html and 'name="review-reason"' in html
    assert "Hoe tevreden bent u met de uitkomst?" in html
    assert "Hoe tevreden bent u met de manier waarop uw klacht is behandeld?" in html
    assert "€\xa012,50" in html  # the amount as Dutch readers write it


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_forms_need_a_csrf_token(client: FlaskClient, resolved: Any) -> None:
    form = client.get("/track").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    assert token
    opened = client.post(
        "/track",
        data={
            "csrf_token": token.group(1),
            "reference": resolved.reference,
            "email": resolved.email,
        },
    )
    assert opened.status_code in (302, 303)
    html = client.get("/track/case").get_data(as_text=True)
    assert 'name="review-csrf_token"' in html and 'name="rating-csrf_token"' in html
    for url, data in (
        ("/track/case/review", {"review-reason": REASON}),
        ("/track/case/rating", {"rating-score": "5"}),
    ):
        assert client.post(url, data=data).status_code == 400
    assert resolved.status == "resolved"
