"""The review panel on the staff case page: four-eyes final response, reviews list (the
mediation part: test_mediation_panel)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import OutboxEmail, Outcome
from helpdesk.models.types import utcnow
from helpdesk.services.review import request_review
from tests.services.outcomes_support import (
    give_refund,
    login,
    new_complaint,
    review_team,
)

REASON = "The refund does not cover the <b>shipping</b> costs."


@pytest.fixture
def people(app: Flask) -> dict[str, Any]:
    return review_team()


@pytest.fixture
def reviewed(people: dict[str, Any]) -> Any:
    """A complaint whose refund (given by Manager Mark) the customer asked to review."""
    complaint = new_complaint(now=utcnow() - timedelta(days=3))
    give_refund(complaint, people["first"], now=utcnow() - timedelta(days=2))
    request_review(complaint, REASON)
    return complaint


def _final_fields(html: str) -> dict[str, str]:
    """The hidden fields and the root cause chosen already, as the browser would send them."""
    fields = {}
    for name in ("final-version", "final-seen"):
        match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
        assert match, name
        fields[name] = match.group(1)
    select = re.search(r'<select[^>]*name="final-root_cause"[^>]*>(.*?)</select>', html, re.S)
    assert select, "final-root_cause"
    chosen = re.search(r'<option selected value="([^"]*)"', select.group(1))
    fields["final-root_cause"] = chosen.group(1) if chosen else ""
    return fields


def test_another_manager_sees_the_form_filled_in(
    client: FlaskClient, people: dict[str, Any], reviewed: Any
) -> None:
    login(client, people["second"])
    html = client.get(f"/staff/complaints/{reviewed.reference}").get_data(as_text=True)
    panel = html[html.index('id="review-panel"') :]
    assert "The refund does not cover the &lt;b&gt;shipping&lt;/b&gt; costs." in panel
    assert "Manager Mark" in panel and "€12.50 (partial refund)" in panel
    assert "Keep: Refund" in panel and "Send final response" in panel
    assert 'name="final-amount"' in panel and 'value="12.50"' in panel


def test_four_eyes_the_first_manager_gets_an_explanation(
    client: FlaskClient, people: dict[str, Any], reviewed: Any
) -> None:
    login(client, people["first"])
    html = client.get(f"/staff/complaints/{reviewed.reference}").get_data(as_text=True)
    panel = html[html.index('id="review-panel"') :]
    assert "another manager must handle this review (four-eyes rule)" in panel
    assert "Send final response" not in panel
    url = f"/staff/manage/complaints/{reviewed.reference}/final/refund"
    response = client.post(
        url,
        data={
            "final-version": str(reviewed.version),
            "final-body": "I decide my own review myself.",
            "final-amount": "1",
            "final-refund_type": "full",
        },
    )
    assert response.status_code == 409
    assert "four-eyes" in response.get_data(as_text=True)
    assert reviewed.status == "review_requested"


def test_agents_see_who_decides_and_get_403(
    client: FlaskClient, people: dict[str, Any], reviewed: Any
) -> None:
    login(client, people["agent"])
    html = client.get(f"/staff/complaints/{reviewed.reference}").get_data(as_text=True)
    assert "A manager who did not give the first outcome sends the final response." in html
    url = f"/staff/manage/complaints/{reviewed.reference}/final/refund"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"final-body": "x" * 20}).status_code == 403
    assert (
        client.post(f"/staff/manage/complaints/{reviewed.reference}/mediation").status_code == 403
    )


def test_send_the_final_response(
    client: FlaskClient, people: dict[str, Any], reviewed: Any
) -> None:
    login(client, people["second"])
    case_url = f"/staff/complaints/{reviewed.reference}"
    fields = _final_fields(client.get(case_url).get_data(as_text=True))
    url = f"/staff/manage/complaints/{reviewed.reference}/final/refund"
    data = fields | {
        "final-body": "Dear {name}, we now refund {amount}, shipping included.",
        "final-amount": "17,45",
        "final-refund_type": "full",
    }
    response = client.post(url, data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith(case_url)
    html = client.get(case_url).get_data(as_text=True)
    assert "The final response was sent to the customer." in html
    assert html.count("Final response") >= 3  # thread badge, outcome panel, review panel
    assert "€17.45 (full refund)" in html and "No further review is possible." in html
    assert reviewed.status == "final"
    email = db.session.scalars(select(OutboxEmail).filter_by(kind="final_response")).one()
    assert "De Geschillencommissie" in email.body_text


def test_change_the_kind_with_htmx(
    client: FlaskClient, people: dict[str, Any], reviewed: Any
) -> None:
    login(client, people["second"])
    url = f"/staff/manage/complaints/{reviewed.reference}/final/replacement_product"
    fragment = client.get(url, headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert 'name="final-carrier"' in html and 'hx-target="#final-form"' in html
    page = client.get(url).get_data(as_text=True)
    assert "<html" in page and "Send final response" in page and "Reason for the review" in page


def test_final_response_errors_keep_the_draft(
    client: FlaskClient, people: dict[str, Any], reviewed: Any
) -> None:
    login(client, people["second"])
    fields = _final_fields(
        client.get(f"/staff/complaints/{reviewed.reference}").get_data(as_text=True)
    )
    url = f"/staff/manage/complaints/{reviewed.reference}/final/replacement_product"
    data = fields | {"final-body": "We will send a new one, {name}.", "final-items": "Mug"}
    page = client.post(url, data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Name the carrier." in html
    assert "We will send a new one, {name}." in html
    assert re.search(r'name="final-items"[^>]*>\s*Mug</textarea>', html)
    htmx = client.post(url, data=data, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and "Enter the tracking number." in htmx.get_data(as_text=True)
    assert db.session.scalars(select(Outcome).filter_by(is_final=True)).first() is None


def test_the_reviews_list(client: FlaskClient, people: dict[str, Any], reviewed: Any) -> None:
    login(client, people["first"])
    html = client.get("/staff/manage/reviews").get_data(as_text=True)
    assert reviewed.display_reference in html and f"/staff/complaints/{reviewed.reference}" in html
    assert "yours: another manager reviews it" in html
    login(client, people["second"])
    html = client.get("/staff/manage/reviews").get_data(as_text=True)
    assert "yours: another manager reviews it" not in html and "Refund" in html
