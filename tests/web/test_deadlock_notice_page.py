"""The customer's page after the final response: the same deadlock notice as the email (which
bodies, whether the shop takes part, the time limit with its date), in English and Dutch."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.models.types import utcnow
from helpdesk.services.dispute_bodies import ECC_URL, filing_deadline
from helpdesk.services.review import request_review, send_final_response
from tests.services.outcomes_support import (
    fast_staff,
    give_refund,
    new_complaint,
    open_case,
    refund_input,
)
from tests.services.test_submission import ensure_catalogs

NEVER = re.compile(r"\bODR\b|ec\.europa\.eu/consumers/odr", re.IGNORECASE)


@pytest.fixture
def final(app: Flask) -> Any:
    """A complaint taken through outcome, review and final response."""
    complaint = new_complaint(now=utcnow() - timedelta(days=3))
    give_refund(complaint, fast_staff("agent"), now=utcnow() - timedelta(days=2))
    request_review(complaint, "The refund does not cover the shipping costs.")
    send_final_response(
        complaint, fast_staff("manager"), refund_input(amount="20"), seen=complaint.version
    )
    return complaint


def _text(html: str) -> str:
    """The page's words without tags, spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_page_names_the_bodies_and_the_time_limit(client: FlaskClient, final: Any) -> None:
    open_case(client, final)
    html = client.get("/track/case").get_data(as_text=True)
    text = _text(html)
    by = format_date(filing_deadline(final.received_at, 12), "EEEE d MMMM y", locale="en")
    assert 'href="https://www.degeschillencommissie.nl/"' in html
    assert "De Geschillencommissie" in text and "We take part in its procedure." in text
    assert f"File within 12 months after you complained to us, i.e. by {by}." in text
    assert "competent court (de rechter)" in text
    assert f'href="{ECC_URL}"' in html and "it does not decide disputes" in text
    assert "Thuiswinkel" not in html and not NEVER.search(html)


def test_the_page_in_dutch(client: FlaskClient, final: Any) -> None:
    ensure_catalogs()
    open_case(client, final)
    html = client.get("/track/case?lang=nl").get_data(as_text=True)
    text = _text(html)
    by = format_date(filing_deadline(final.received_at, 12), "EEEE d MMMM y", locale="nl")
    assert "Wij nemen deel aan de procedure." in text
    assert (
        f"Dien uw klacht in binnen 12 maanden nadat u bij ons klaagde, dus uiterlijk op {by}."
        in text
    )
    assert "De uitspraak is een bindend advies voor beide partijen." in text
    assert "bevoegde rechter" in text and "ECC Nederland" in text
    assert not NEVER.search(html)


def test_before_the_final_response_there_is_no_notice(app: Flask, client: FlaskClient) -> None:
    complaint = new_complaint(now=utcnow() - timedelta(days=2))
    give_refund(complaint, fast_staff("agent"), now=utcnow())
    open_case(client, complaint)
    html = client.get("/track/case").get_data(as_text=True)
    assert "degeschillencommissie" not in html and ECC_URL not in html
