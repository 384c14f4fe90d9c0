"""/staff/manage/templates: managers list, edit and preview outcome templates; agents get 403."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.domain.outcomes import OutcomeKind
from helpdesk.services.templates import TemplateEdit, get_template, update_template
from tests.services.outcomes_support import fast_staff, login

URL = "/staff/manage/templates/refund/nl"
NEW_TEXT = "Beste {name}, we storten {amount} terug. Groet, {shop}"


@pytest.fixture
def manager(app: Flask) -> Any:
    return fast_staff("manager")


@pytest.fixture
def manager_client(client: FlaskClient, manager: Any) -> FlaskClient:
    login(client, manager)
    return client


def _version(html: str) -> str:
    match = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert match
    return match.group(1)


def test_the_list_shows_every_kind_in_both_languages(manager_client: FlaskClient) -> None:
    html = manager_client.get("/staff/manage/templates").get_data(as_text=True)
    assert html.count("/staff/manage/templates/") == 10
    for label in ("Replacement file", "Refund", "Clarification or correction"):
        assert label in html
    assert "Dutch" in html and "English" in html


def test_edit_and_save(manager_client: FlaskClient) -> None:
    page = manager_client.get(URL).get_data(as_text=True)
    assert "Beste {name}," in page and "Template text" in page and "{download_link_note}" in page
    response = manager_client.post(
        URL, data={"body": NEW_TEXT, "version": _version(page), "action": "save"}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/staff/manage/templates"
    )
    assert "The template is saved." in manager_client.get("/staff/manage/templates").get_data(
        as_text=True
    )
    assert get_template(OutcomeKind.REFUND, "nl").body == NEW_TEXT
    htmx = manager_client.post(
        URL,
        data={"body": NEW_TEXT + "!", "version": "1", "action": "save"},
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"] == "/staff/manage/templates"


def test_a_stale_edit_keeps_the_draft(manager_client: FlaskClient, app: Flask) -> None:
    page = manager_client.get(URL).get_data(as_text=True)
    other = fast_staff("manager")
    update_template(
        OutcomeKind.REFUND, "nl", TemplateEdit("Text from a colleague, {name}.", 0), staff=other
    )
    draft = "My draft for {name} that must not be lost."
    response = manager_client.post(
        URL, data={"body": draft, "version": _version(page), "action": "save"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this template while you were editing." in html
    assert draft in html and "Text from a colleague, {name}." in html
    assert _version(html) == "1"
    assert get_template(OutcomeKind.REFUND, "nl").body == "Text from a colleague, {name}."


def test_errors_are_shown_next_to_the_text(manager_client: FlaskClient) -> None:
    response = manager_client.post(
        URL, data={"body": "Hoi {naam}, tot ziens.", "version": "0", "action": "save"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="body-error">Unknown placeholder: {naam}.' in html
    assert "Hoi {naam}, tot ziens." in html
    fragment = manager_client.post(
        URL,
        data={"body": "short", "version": "0", "action": "save"},
        headers={"HX-Request": "true"},
    )
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text and 'id="editor"' in text
    assert "at least 10 characters" in text


def test_preview_changes_nothing(manager_client: FlaskClient) -> None:
    response = manager_client.post(
        URL, data={"body": "Dag {name}: {amount} <b>!</b>", "version": "0", "action": "preview"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview with sample values" in html
    assert "Dag Jamie de Vries: € 24,95 &lt;b&gt;!&lt;/b&gt;" in html
    assert get_template(OutcomeKind.REFUND, "nl").version == 0


def test_unknown_templates_are_404(manager_client: FlaskClient) -> None:
    assert manager_client.get("/staff/manage/templates/refund/de").status_code == 404
    assert manager_client.get("/staff/manage/templates/bonus/en").status_code == 404


def test_agents_get_403(client: FlaskClient, app: Flask) -> None:
    login(client, fast_staff("agent"))
    for url in ("/staff/manage/templates", URL, "/staff/manage/reviews"):
        response = client.get(url)
        assert response.status_code == 403 and "Not allowed" in response.get_data(as_text=True)
    assert client.post(URL, data={"body": NEW_TEXT, "version": "1"}).status_code == 403
    assert get_template(OutcomeKind.REFUND, "nl").version == 0


def test_anonymous_visitors_go_to_login(client: FlaskClient, app: Flask) -> None:
    for url in ("/staff/manage/templates", URL, "/staff/manage/reviews"):
        assert "/staff/login" in client.get(url).headers["Location"]
