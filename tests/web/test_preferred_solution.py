"""The remedy the customer asks for ("Preferred solution"): on the form, stored, refused when
it is no choice of ours, on the staff case page, in the inbox row and on the tracking page."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.mail.inbound import ingest_message
from helpdesk.models import Complaint
from helpdesk.services.submission import NewComplaint, submit_complaint
from tests.mail.conftest import eml
from tests.services.casework_support import login
from tests.services.test_submission import ensure_catalogs
from tests.web.test_public_submit import (
    DUTCH,
    GOOD,
    PageForm,
    field_error,
    field_value,
    submit,
)

NL = {"Accept-Language": "nl-NL,nl;q=0.9"}


def _only() -> Complaint:
    return db.session.query(Complaint).one()


def _complaint(preferred: str | None, name: str = "Anna de Boer") -> Complaint:
    return submit_complaint(
        NewComplaint(
            name=name,
            email="anna@example.com",
            order_number=None,
            category="physical",
            description="The parcel arrived with a broken lamp inside.",
            preferred_solution=preferred,
        )
    )


def test_the_form_offers_the_five_outcomes_and_not_sure(client: FlaskClient) -> None:
    page = client.get("/complaints/new").get_data(as_text=True)
    form = PageForm(page, "complaint-form")
    assert form.name_for("Preferred solution") == "preferred_solution"
    options = page[page.index('name="preferred_solution"') :].split("</select>")[0]
    for value, words in (
        ('value=""', "No preference given"),
        ('value="replacement_file"', "Replacement file"),
        ('value="replacement_product"', "Replacement product"),
        ('value="refund"', "Refund"),
        ('value="technical_assistance"', "Technical assistance"),
        ('value="correction"', "Clarification or correction"),
        ('value="not_sure"', "Not sure"),
    ):
        assert value in options and words in options, words
    assert options.index('value=""') < options.index('value="replacement_file"')


def test_submitted_with_a_preferred_solution(client: FlaskClient) -> None:
    response = submit(client, {**GOOD, "Preferred solution": "refund"})
    assert response.status_code in (302, 303)
    assert _only().preferred_solution == "refund"


def test_submitted_without_one(client: FlaskClient) -> None:
    response = submit(client, {**GOOD, "Preferred solution": ""})
    assert response.status_code in (302, 303)
    assert _only().preferred_solution is None


def test_not_sure_is_a_choice(client: FlaskClient) -> None:
    submit(client, {**GOOD, "Preferred solution": "not_sure"})
    assert _only().preferred_solution == "not_sure"


def test_a_bad_value_is_refused_next_to_the_field_and_the_text_is_kept(
    client: FlaskClient,
) -> None:
    response = submit(client, {**GOOD, "Preferred solution": "free_money"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_error(page, "Preferred solution", "complaint-form") == (
        "Please choose one of the listed solutions."
    )
    assert field_value(page, "Description", "complaint-form") == GOOD["Description"]
    assert field_value(page, "Name", "complaint-form") == GOOD["Name"]
    assert db.session.query(Complaint).count() == 0


def test_the_form_in_dutch(client: FlaskClient) -> None:
    ensure_catalogs()
    page = client.get("/complaints/new", headers=NL).get_data(as_text=True)
    form = PageForm(page, "complaint-form")
    assert form.name_for("Gewenste oplossing") == "preferred_solution"
    for words in ("Terugbetaling", "Weet ik niet", "Geen voorkeur opgegeven"):
        assert words in page
    bad = submit(client, {**DUTCH, "Gewenste oplossing": "x"}, headers=NL, page=page)
    assert field_error(bad.get_data(as_text=True), "Gewenste oplossing", "complaint-form") == (
        "Kies een van de genoemde oplossingen."
    )
    submit(client, {**DUTCH, "Gewenste oplossing": "correction"}, headers=NL, page=page)
    assert _only().preferred_solution == "correction"


def test_the_service_refuses_an_unknown_key(app: Any) -> None:
    with pytest.raises(ValueError, match="unknown preferred solution"):
        _complaint("free_money")


def test_an_email_complaint_leaves_it_empty(app: Any) -> None:
    assert ingest_message(eml("I want a refund for the broken lamp.")).action == "created"
    assert _only().preferred_solution is None


# --- staff ---------------------------------------------------------------------------------


def test_the_case_page_shows_it(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    wanted, silent = _complaint("refund"), _complaint(None, name="Bram")
    page = client.get(f"/staff/complaints/{wanted.reference}").get_data(as_text=True)
    assert '<dt>Preferred solution</dt><dd id="preferred-solution">Refund</dd>' in page
    page = client.get(f"/staff/complaints/{silent.reference}").get_data(as_text=True)
    assert '<dt>Preferred solution</dt><dd id="preferred-solution" class=muted>not stated' in page


def test_the_case_page_in_dutch(client: FlaskClient, make_staff: Any) -> None:
    ensure_catalogs()
    login(client, make_staff("agent"))
    wanted, silent = _complaint("not_sure"), _complaint(None, name="Bram")
    page = client.get(f"/staff/complaints/{wanted.reference}?lang=nl").get_data(as_text=True)
    assert '<dt>Gewenste oplossing</dt><dd id="preferred-solution">Weet ik niet</dd>' in page
    page = client.get(f"/staff/complaints/{silent.reference}?lang=nl").get_data(as_text=True)
    assert "niet opgegeven" in page


def test_the_inbox_row_marks_it(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    wanted, silent = _complaint("replacement_product"), _complaint(None, name="Bram")
    for headers in ({}, {"HX-Request": "true"}):
        page = client.get("/staff/", headers=headers).get_data(as_text=True)
        row = page[page.index(f'id="complaint-{wanted.id}"') :].split("</tr>")[0]
        assert '<span class="small muted wants">Wants: replacement product</span>' in row
        row = page[page.index(f'id="complaint-{silent.id}"') :].split("</tr>")[0]
        assert "Wants:" not in row
    ensure_catalogs()
    page = client.get("/staff/?lang=nl").get_data(as_text=True)
    assert "Wil: vervangend product" in page


def test_the_inbox_row_from_a_search(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    _complaint("technical_assistance")
    page = client.get("/staff/?q=lamp&status=all").get_data(as_text=True)
    assert "Wants: technical assistance" in page


# --- the customer ----------------------------------------------------------------------------


def test_the_tracking_page_shows_what_they_asked_for(client: FlaskClient) -> None:
    submit(client, {**GOOD, "Preferred solution": "replacement_product"})
    complaint = _only()
    client.post("/track", data={"reference": complaint.reference, "email": complaint.email})
    page = client.get("/track/case").get_data(as_text=True)
    assert "<dt>Preferred solution</dt><dd>Replacement product</dd>" in page
    ensure_catalogs()
    page = client.get("/track/case?lang=nl").get_data(as_text=True)
    assert "<dt>Gewenste oplossing</dt><dd>Vervangend product</dd>" in page
