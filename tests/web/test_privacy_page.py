"""The customer's privacy page at /privacy: the periods come from the settings, the way to ask
for a copy or erasure names the shop's address, it is linked from every public page's footer
and from the complaint form, and it renders in English and Dutch."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.services.test_submission import ensure_catalogs

NL = {"Accept-Language": "nl-NL,nl;q=0.9"}


@pytest.fixture(autouse=True)
def _catalogs() -> None:
    ensure_catalogs()


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {
        "LEGAL_HOLD_DAYS": 400,
        "RETENTION_DAYS": 1095,
        "SHOP_COMPLAINTS_EMAIL": "privacy@shop.example",
    }


def text_of(page: str) -> str:
    """The page's words without tags, spaces folded (what a reader sees)."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_the_page_says_what_is_kept_why_how_long_and_how_to_ask(client: FlaskClient) -> None:
    response = client.get("/privacy")
    assert response.status_code == 200
    words = text_of(response.get_data(as_text=True))
    for heading in ("What we keep", "Why", "For how long", "Who can see it"):
        assert heading in words
    assert "At least 400 days after our last answer" in words
    assert "1095 days after your complaint was closed we erase your personal data" in words
    assert "Email us at privacy@shop.example" in words


def test_without_a_retention_period_it_says_until_erasure_is_asked(app: Flask) -> None:
    app.config["RETENTION_DAYS"] = None
    words = text_of(app.test_client().get("/privacy").get_data(as_text=True))
    assert "until you ask us to erase it" in words
    assert "after your complaint was closed we erase" not in words


def test_linked_from_the_footer_and_the_complaint_form(client: FlaskClient) -> None:
    for path in ("/", "/track"):
        assert 'href="/privacy"' in client.get(path).get_data(as_text=True), path
    form = client.get("/complaints/new").get_data(as_text=True)
    assert form.count('href="/privacy"') == 2  # the footer, and beside the form's promise


def test_it_renders_in_dutch(client: FlaskClient) -> None:
    response = client.get("/privacy", headers=NL)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="nl">' in page
    assert "privacy@shop.example" in page and "400" in page
    english = client.get("/privacy?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
