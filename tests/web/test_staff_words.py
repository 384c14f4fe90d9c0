"""Staff read staff words for statuses beside the customer's (PRODUCT.md, "Words people
read"; issue 14 item 3), and the final response starts from the review instead of
repeating the first outcome's letter as if it were new."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.models.types import utcnow
from helpdesk.services.replies import request_information
from tests.services.outcomes_support import (
    login,
    new_complaint,
    open_case,
    review_team,
    reviewed,
)


@pytest.fixture
def people(app: Flask) -> dict[str, Any]:
    return review_team()


def test_staff_read_staff_words_for_a_complaint_waiting_for_the_customer(
    client: FlaskClient, people: dict[str, Any]
) -> None:
    complaint = new_complaint(now=utcnow())
    request_information(complaint, people["agent"], "Which reader?", complaint.version)
    login(client, people["agent"])
    for language, staff_words, customer_words in [
        ("en", "Awaiting customer", "Waiting for your information"),
        ("nl", "Wacht op klant", "Wacht op uw informatie"),
    ]:
        url = f"/staff/complaints/{complaint.reference}?lang={language}"
        html = client.get(url).get_data(as_text=True)
        header = html[html.index("<main") : html.index('id="audit"')]
        audit = html[html.index('id="audit"') :]
        assert staff_words in header and customer_words not in header
        assert staff_words in audit and customer_words not in audit
        inbox = client.get(f"/staff/?status=all&lang={language}").get_data(as_text=True)
        assert re.search(rf'value="awaiting_customer"\s*>{staff_words}', inbox)
        assert customer_words not in inbox


def test_the_customer_keeps_the_customer_words(client: FlaskClient, people: dict[str, Any]) -> None:

    complaint = new_complaint(now=utcnow())
    request_information(complaint, people["agent"], "Which reader?", complaint.version)
    open_case(client, complaint)
    html = client.get("/track/case?lang=nl").get_data(as_text=True)
    assert "Wacht op uw informatie" in html and "Wacht op klant" not in html


# --- the final response refers to the review ------------------------------------------------


@pytest.mark.parametrize(
    ("language", "opening", "first_text"),
    [
        ("en", "After reviewing your complaint", "Thank you for your patience"),
        ("nl", "Na beoordeling van uw verzoek om heroverweging", "Dank u voor uw geduld"),
    ],
)
def test_the_final_response_form_starts_from_the_review(
    client: FlaskClient, people: dict[str, Any], language: str, opening: str, first_text: str
) -> None:
    complaint = reviewed(people, language=language)
    login(client, people["second"])
    html = client.get(f"/staff/complaints/{complaint.reference}").get_data(as_text=True)
    body = re.search(r'<textarea[^>]*name="final-body"[^>]*>(.*?)</textarea>', html, re.S)
    assert body is not None
    text = body.group(1)
    assert opening in text and complaint.display_reference in text
    assert first_text not in text  # not the first outcome's letter again, as if new
    assert "{amount}" in text  # the kind's own facts are filled in from the form


def test_the_final_response_defaults_are_complete_and_known() -> None:
    from helpdesk.domain.final_texts import final_default_text
    from helpdesk.domain.outcomes import OutcomeKind, unknown_placeholders

    for kind in OutcomeKind:
        for language in ("en", "nl"):
            text = final_default_text(kind, language)
            assert unknown_placeholders(text) == [] and "{name}" in text and "{shop}" in text
    assert final_default_text(OutcomeKind.REFUND, "de") == final_default_text(
        OutcomeKind.REFUND, "en"
    )
