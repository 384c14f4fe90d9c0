"""The outcome panel on the staff case page: one click fills the form, one more sends it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import OutboxEmail, Outcome
from helpdesk.models.types import utcnow
from helpdesk.services.customer import add_customer_message
from tests.services.outcomes_support import fast_staff, login, new_complaint, pdf_bytes

BUTTONS = [
    "Replacement file",
    "Replacement product",
    "Refund",
    "Technical assistance",
    "Clarification or correction",
]


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]*)"', html)
    assert match, name
    return match.group(1)


def _form(client: FlaskClient, url: str) -> dict[str, str]:
    """The hidden fields and the pre-filled text of the outcome form at `url`."""
    html = client.get(url).get_data(as_text=True)
    body = re.search(r'<textarea[^>]*name="outcome-body"[^>]*>\s*(.*?)</textarea>', html, re.S)
    assert body
    assert '<option value="packing">Packing</option>' in html  # the root cause to choose
    return {
        "outcome-version": _hidden(html, "outcome-version"),
        "outcome-seen": _hidden(html, "outcome-seen"),
        "outcome-body": body.group(1).replace("&#39;", "'"),
        "outcome-root_cause": "packing",
    }


@pytest.fixture
def agent_client(app: Flask, client: FlaskClient) -> FlaskClient:
    login(client, fast_staff("agent"))
    return client


def test_case_page_has_one_button_per_outcome(agent_client: FlaskClient) -> None:
    complaint = new_complaint(now=utcnow())
    html = agent_client.get(f"/staff/complaints/{complaint.reference}").get_data(as_text=True)
    panel = html[html.index('id="outcome-panel"') :]
    for label in BUTTONS:
        url = f"/staff/complaints/{complaint.reference}/outcome/"
        assert re.search(
            rf'href="{url}\w+" hx-get="{url}\w+" hx-target="#outcome-form"[^>]*>{label}</a>', panel
        )


def test_a_click_fills_the_form_in_the_customers_language(agent_client: FlaskClient) -> None:
    complaint = new_complaint(now=utcnow(), language="nl")
    url = f"/staff/complaints/{complaint.reference}/outcome/refund"
    page = agent_client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<html" in html and "Beste Anna de Boer," in html and complaint.display_reference in html
    assert 'name="outcome-amount"' in html and 'value="partial"' in html
    fragment = agent_client.get(url, headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text
    assert "Beste Anna de Boer," in text and "Send outcome" in text
    assert "HX-Request" in fragment.headers["Vary"]


def test_each_kind_shows_its_own_fields(agent_client: FlaskClient) -> None:
    complaint = new_complaint(now=utcnow())
    base = f"/staff/complaints/{complaint.reference}/outcome/"
    product = agent_client.get(base + "replacement_product").get_data(as_text=True)
    assert ">Items sent<" in product and ">Carrier<" in product and ">Tracking number<" in product
    upload = agent_client.get(base + "replacement_file").get_data(as_text=True)
    assert 'type="file"' in upload and 'enctype="multipart/form-data"' in upload
    plain = agent_client.get(base + "technical_assistance").get_data(as_text=True)
    assert 'name="outcome-amount"' not in plain and 'type="file"' not in plain
    assert agent_client.get(base + "free_money").status_code == 404
    assert agent_client.get("/staff/complaints/NOPE/outcome/refund").status_code == 404


def test_send_a_refund_without_javascript(agent_client: FlaskClient) -> None:
    complaint = new_complaint(now=utcnow())
    url = f"/staff/complaints/{complaint.reference}/outcome/refund"
    data = _form(agent_client, url) | {"outcome-amount": "12,50", "outcome-refund_type": "full"}
    response = agent_client.post(url, data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/complaints/{complaint.reference}")
    page = agent_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The outcome was sent to the customer." in page
    panel = page[page.index('id="outcome-panel"') :]
    assert "Outcome sent" in panel and "€12.50 (full refund)" in panel
    assert "Send outcome" not in panel and "/outcome/refund" not in panel
    assert "We are refunding €12.50 to you." in page  # the message in the thread
    assert complaint.status == "resolved"
    assert (
        db.session.scalar(select(func.count()).select_from(OutboxEmail).filter_by(kind="outcome"))
        == 1
    )


def test_send_with_htmx_reloads_the_case_page(agent_client: FlaskClient) -> None:
    complaint = new_complaint(now=utcnow())
    url = f"/staff/complaints/{complaint.reference}/outcome/technical_assistance"
    data = _form(agent_client, url)
    response = agent_client.post(url, data=data, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/staff/complaints/{complaint.reference}"


def test_errors_are_shown_next_to_the_fields_and_the_text_is_kept(
    agent_client: FlaskClient,
) -> None:
    complaint = new_complaint(now=utcnow())
    url = f"/staff/complaints/{complaint.reference}/outcome/refund"
    data = _form(agent_client, url) | {"outcome-amount": "twelve"}
    data["outcome-body"] = "My own words for <Anna> & co."
    page = agent_client.post(url, data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "<html" in html
    assert re.search(r'id="outcome-amount-error">Enter an amount in euros', html)
    assert "Choose a full or a partial refund." in html
    assert "My own words for &lt;Anna&gt; &amp; co." in html
    assert 'value="twelve"' in html
    fragment = agent_client.post(url, data=data, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert "Enter an amount in euros" in fragment.get_data(as_text=True)
    assert complaint.status == "received"


def test_replacement_product_fields_are_required(agent_client: FlaskClient) -> None:
    complaint = new_complaint(now=utcnow())
    url = f"/staff/complaints/{complaint.reference}/outcome/replacement_product"
    data = _form(agent_client, url) | {"outcome-items": "1 × mug", "outcome-carrier": ""}
    html = agent_client.post(url, data=data).get_data(as_text=True)
    assert "Name the carrier." in html and "Enter the tracking number." in html
    assert "1 × mug" in html


def test_send_a_replacement_file(agent_client: FlaskClient) -> None:
    import io

    complaint = new_complaint(now=utcnow())
    url = f"/staff/complaints/{complaint.reference}/outcome/replacement_file"
    data: dict[str, Any] = _form(agent_client, url)
    data["outcome-file"] = (io.BytesIO(pdf_bytes()), "manual-v2.pdf")
    response = agent_client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    outcome = db.session.scalars(select(Outcome)).one()
    assert outcome.attachment is not None and outcome.attachment.original_name == "manual-v2.pdf"
    page = agent_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Download the file that was sent" in page and "manual-v2.pdf" in page


def test_a_wrong_file_is_refused_and_must_be_chosen_again(agent_client: FlaskClient) -> None:
    import io

    complaint = new_complaint(now=utcnow())
    url = f"/staff/complaints/{complaint.reference}/outcome/replacement_file"
    data: dict[str, Any] = _form(agent_client, url)
    data["outcome-file"] = (io.BytesIO(b"MZ\x90\x00program"), "manual.pdf")
    page = agent_client.post(url, data=data, content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "This kind of file cannot be sent." in html
    assert "Please choose the file again" in html


def test_a_stale_form_keeps_the_draft(agent_client: FlaskClient) -> None:
    complaint = new_complaint(now=utcnow())
    url = f"/staff/complaints/{complaint.reference}/outcome/correction"
    data = _form(agent_client, url)
    data["outcome-body"] = "My carefully written draft about the invoice."
    add_customer_message(complaint, "Oh, and the invoice shows the wrong address too.")
    page = agent_client.post(url, data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 409
    assert "Someone else changed this complaint" in html
    assert "My carefully written draft about the invoice." in html
    assert _hidden(html, "outcome-version") == str(complaint.version)  # sending again works
    again = data | {
        "outcome-version": _hidden(html, "outcome-version"),
        "outcome-seen": _hidden(html, "outcome-seen"),
    }
    assert agent_client.post(url, data=again).status_code == 303


def test_a_double_submit_gives_one_outcome(agent_client: FlaskClient) -> None:
    complaint = new_complaint(now=utcnow())
    url = f"/staff/complaints/{complaint.reference}/outcome/technical_assistance"
    data = _form(agent_client, url)
    assert agent_client.post(url, data=data).status_code == 303
    second = agent_client.post(url, data=data)
    assert second.status_code == 409
    assert "An outcome was already sent" in second.get_data(as_text=True)
    htmx = agent_client.post(url, data=data, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and "An outcome was already sent" in htmx.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Outcome)) == 1
    assert (
        db.session.scalar(select(func.count()).select_from(OutboxEmail).filter_by(kind="outcome"))
        == 1
    )


def test_customer_text_is_escaped_in_the_form(agent_client: FlaskClient) -> None:
    complaint = new_complaint(now=utcnow(), name="<script>alert(1)</script>")
    html = agent_client.get(f"/staff/complaints/{complaint.reference}/outcome/refund").get_data(
        as_text=True
    )
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_anonymous_visitors_are_sent_to_login(client: FlaskClient) -> None:
    complaint = new_complaint(now=utcnow())
    url = f"/staff/complaints/{complaint.reference}/outcome/refund"
    assert "/staff/login" in client.get(url).headers["Location"]
    assert "/staff/login" in client.post(url, data={}).headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Outcome)) == 0
