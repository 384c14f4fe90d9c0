"""CSRF on the customer's forms: refused without the token, accepted with the page's token
(in the form field, or in the X-CSRFToken header that htmx sends from <body hx-headers>)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.models import Complaint
from helpdesk.services.submission import submit_complaint
from tests.services.test_submission import new_complaint
from tests.web.test_public_submit import GOOD, PageForm, submit


@pytest.fixture
def app_config() -> dict[str, Any]:
    """This module's app checks CSRF tokens, as production does."""
    return {"WTF_CSRF_ENABLED": True}


def _body_token(page: str) -> str:
    match = re.search(r"<body hx-headers='([^']+)'", page)
    assert match is not None
    return str(json.loads(html.unescape(match.group(1)))["X-CSRFToken"])


@pytest.mark.parametrize("url", ["/complaints/new", "/track", "/track/case/answer", "/track/leave"])
def test_a_post_without_the_token_is_refused_kindly(client: FlaskClient, url: str) -> None:
    response = client.post(url, data={"name": "Anna", "reference": "x", "body": "y"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This form has expired" in page and "Traceback" not in page


def test_a_wrong_token_is_refused(client: FlaskClient) -> None:
    page = client.get("/complaints/new").get_data(as_text=True)
    data = PageForm(page, "complaint-form").data(GOOD)
    data["csrf_token"] = "forged"
    assert client.post("/complaints/new", data=data).status_code == 400
    assert db.session.query(Complaint).count() == 0


def test_the_form_with_its_token_is_accepted(client: FlaskClient) -> None:
    page = client.get("/complaints/new").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    assert submit(client, page=page).status_code == 303
    assert db.session.query(Complaint).count() == 1


def test_htmx_sends_the_token_in_a_header(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint())
    page = client.get("/track").get_data(as_text=True)
    token = _body_token(page)
    data = {"reference": complaint.reference, "email": complaint.email}
    refused = client.post("/track", data=data, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    accepted = client.post(
        "/track", data=data, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert accepted.status_code == 204 and accepted.headers["HX-Redirect"] == "/track/case"
