"""The customer's pages in Dutch and English: language choice, status words, error pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient

from helpdesk.domain.lifecycle import Status
from helpdesk.extensions import db
from helpdesk.services.lifecycle import advance_to
from helpdesk.services.submission import submit_complaint
from tests.services.test_submission import FRIDAY, ensure_catalogs, new_complaint
from tests.web.test_public_submit import PageForm, field_error, submit
from tests.web.test_public_track import opened, track

NL = {"Accept-Language": "nl-NL,nl;q=0.9"}
DUTCH_TRACK = ("Referentiecode", "E-mail")

#: PRODUCT.md, "Words people read".
STATUS_WORDS = {
    "received": ("Received", "Ontvangen"),
    "acknowledged": ("Acknowledged", "Ontvangst bevestigd"),
    "assessing": ("Being assessed", "In behandeling"),
    "awaiting_customer": ("Waiting for your information", "Wacht op uw informatie"),
    "resolved": ("Resolved", "Afgehandeld"),
    "review_requested": ("Review requested", "Heroverweging aangevraagd"),
    "final": ("Final response", "Definitief antwoord"),
    "closed": ("Closed", "Gesloten"),
}


@pytest.fixture(autouse=True)
def _catalogs() -> None:
    ensure_catalogs()


def test_home_in_dutch_from_the_browser(client: FlaskClient) -> None:
    page = client.get("/", headers=NL).get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Klacht indienen" in page and "Uw klacht volgen" in page
    assert "2 werkdagen" in page and "7 werkdagen" in page
    assert "Digitale downloads" in page


def test_english_is_the_default(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Submit a complaint" in page


def test_the_language_switch_is_remembered(client: FlaskClient) -> None:
    assert "Klacht indienen" in client.get("/?lang=nl").get_data(as_text=True)
    page = client.get("/track", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Referentiecode" in page
    assert "Submit a complaint" in client.get("/?lang=en").get_data(as_text=True)


def test_the_switch_keeps_the_other_query_values(client: FlaskClient) -> None:
    page = client.get("/track?x=1", headers=NL).get_data(as_text=True)
    assert '<select id="lang-select" name="lang"' in page
    assert '<input type="hidden" name="x" value="1">' in page


def test_the_complaint_form_in_dutch(client: FlaskClient) -> None:
    page = client.get("/complaints/new", headers=NL).get_data(as_text=True)
    labels = set(PageForm(page, "complaint-form").labels)
    assert {"Naam", "E-mail", "Ordernummer", "Categorie", "Omschrijving", "Bijlagen"} <= labels
    assert "Kies waar uw klacht over gaat" in page and "Klacht versturen" in page


def test_form_errors_in_dutch(client: FlaskClient) -> None:
    page = client.get("/complaints/new", headers=NL).get_data(as_text=True)
    values = {"Naam": "", "E-mail": "fout", "Categorie": "", "Omschrijving": "kort"}
    result = submit(client, values, headers=NL, page=page).get_data(as_text=True)
    assert field_error(result, "Naam", "complaint-form") == "Vul uw naam in."
    assert "geldig e-mailadres" in field_error(result, "E-mail", "complaint-form")
    assert field_error(result, "Categorie", "complaint-form") == "Kies een categorie."
    assert "minstens 10 tekens" in field_error(result, "Omschrijving", "complaint-form")
    assert "Verbeter de gemarkeerde velden." in result


def test_file_errors_in_dutch(client: FlaskClient) -> None:
    page = client.get("/complaints/new", headers=NL).get_data(as_text=True)
    values = {
        "Naam": "Anna",
        "E-mail": "anna@example.com",
        "Categorie": "digital",
        "Omschrijving": "De download werkt niet meer.",
    }
    result = submit(client, values, [(b"MZ...", "foto.jpg")], headers=NL, page=page)
    text = result.get_data(as_text=True)
    assert "foto.jpg is geen JPEG-, PNG-, WebP- of PDF-bestand." in field_error(
        text, "Bijlagen", "complaint-form"
    )
    assert "kies ze opnieuw" in text


def test_the_dutch_confirmation_page(client: FlaskClient) -> None:
    client.get("/?lang=nl")
    submit(
        client,
        {
            "Naam": "Anna",
            "E-mail": "anna@example.com",
            "Categorie": "billing",
            "Omschrijving": "Ik ben twee keer afgeschreven.",
        },
    )
    page = client.get("/complaints/submitted").get_data(as_text=True)
    assert "Dank u wel, wij hebben uw klacht ontvangen" in page
    assert "Wij bevestigen de ontvangst uiterlijk" in page
    assert "U ontvangt onze volledige reactie uiterlijk" in page
    assert "dag " in page or "dag</" in page  # weekday names in Dutch (maandag … zondag)


def test_the_track_page_in_dutch(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint())
    client.get("/?lang=nl")
    page = track(client, "ZZZZ-ZZZZ-ZZZZ", complaint.email, labels=DUTCH_TRACK).get_data(
        as_text=True
    )
    assert "Wij konden geen klacht vinden met deze referentiecode en dit e-mailadres." in page
    bad = track(client, "", complaint.email, labels=DUTCH_TRACK).get_data(as_text=True)
    assert field_error(bad, "Referentiecode", "track-form") == "Vul uw referentiecode in."


@pytest.mark.parametrize("status", list(STATUS_WORDS))
def test_status_words_on_the_case_page(app: Flask, client: FlaskClient, status: str) -> None:
    complaint = submit_complaint(new_complaint(), now=FRIDAY)
    advance_to(complaint, Status(status), now=FRIDAY, actor="system")
    db.session.commit()
    english, dutch = STATUS_WORDS[status]
    page = opened(client, complaint)
    assert f'id="case-status">{english}</span>' in page
    client.get("/?lang=nl")
    page = client.get("/track/case").get_data(as_text=True)
    assert f'id="case-status">{dutch}</span>' in page
    assert "Onze beloftes" in page and "Geschiedenis" in page


def test_the_paused_clock_in_dutch(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint(), now=FRIDAY)
    advance_to(complaint, Status.AWAITING_CUSTOMER, now=FRIDAY, actor="staff")
    db.session.commit()
    client.get("/?lang=nl")
    page = opened(client, complaint, labels=DUTCH_TRACK)
    assert "Onze reactietermijn staat stil zolang wij op uw informatie wachten." in page
    assert "nog 7 werkdagen" in page
    assert "Antwoord versturen" in page and "Uw antwoord" in page
    assert "Wij hebben de ontvangst op 24 apr 2026 10:00 bevestigd, op tijd." in page


def test_not_found_in_dutch(client: FlaskClient) -> None:
    response = client.get("/bestaat-niet", headers=NL)
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)


@pytest.fixture
def live_errors_app(new_app: Callable[..., Flask]) -> Flask:
    """An app that handles unexpected errors as in production (TESTING off)."""
    application = new_app(TESTING=False)

    def broken() -> Any:
        raise RuntimeError("boom")

    application.add_url_rule("/__broken", view_func=broken)
    application.add_url_rule("/__abort", view_func=lambda: abort(500))
    return application


def test_a_crash_shows_a_friendly_page_in_both_languages(live_errors_app: Flask) -> None:
    client = live_errors_app.test_client()
    for url in ("/__broken", "/__abort"):
        english = client.get(url, headers={"Accept-Language": "en"})
        assert english.status_code == 500
        assert "Something went wrong on our side" in english.get_data(as_text=True)
        dutch = client.get(url, headers=NL).get_data(as_text=True)
        assert "Er ging bij ons iets mis" in dutch and "boom" not in dutch
        assert "Traceback" not in dutch
