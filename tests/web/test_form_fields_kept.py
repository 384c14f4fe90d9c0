"""The complaint form's visible fields, kept per process for a fresh form (web.fragments):
the same HTML in each language, a new token each time, and never what a customer typed."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.web.test_inbox_filters_kept import renders
from tests.web.test_public_submit import GOOD, PageForm, field_error, field_value, submit

FIELDS = "public/_complaint_fields.html"


def _form(app: Flask, client: FlaskClient, url: str = "/complaints/new") -> tuple[str, int]:
    """The form page, and how many times its fields' template was rendered for it."""
    with renders(app) as seen:
        page = client.get(url).get_data(as_text=True)
    return page, seen.count(FIELDS)


def _fields(page: str) -> str:
    """The visible fields: from the first label to the submit button."""
    return page.split('<label class="label"', 1)[1].split('<div class="actions">')[0]


def test_a_fresh_form_is_rendered_once_a_language_with_a_new_token_each_time(
    app: Flask, client: FlaskClient
) -> None:
    first, rendered = _form(app, client)
    assert rendered == 1 and 'for="name">Name</label>' in " ".join(first.split())
    second, rendered = _form(app, client)
    assert rendered == 0 and _fields(second) == _fields(first)
    tokens = [
        PageForm(page, "complaint-form").data({})["submission_token"] for page in (first, second)
    ]
    assert all(tokens) and tokens[0] != tokens[1]  # each form its own submission token

    dutch, rendered = _form(app, client, "/complaints/new?lang=nl")
    assert rendered == 1 and ">Naam</label>" in dutch and ">Name</label>" not in dutch
    again, rendered = _form(app, client, "/complaints/new?lang=nl")
    assert rendered == 0 and _fields(again) == _fields(dutch)


def test_what_a_customer_typed_stays_on_their_form_only(client: FlaskClient) -> None:
    """A form sent back with a mistake shows the typed values and the error beside its field;
    the next fresh form (anyone's) is empty."""
    typed = {**GOOD, "Name": "Zoë <script>x</script>", "Email": "not an address"}
    page = submit(client, typed).get_data(as_text=True)
    assert field_value(page, "Name", "complaint-form") == typed["Name"]
    assert "<script>x</script>" not in page
    assert field_error(page, "Email", "complaint-form")

    fresh = client.get("/complaints/new").get_data(as_text=True)
    assert field_value(fresh, "Name", "complaint-form") == ""
    assert field_value(fresh, "Email", "complaint-form") == ""
    assert not field_error(fresh, "Email", "complaint-form") and "Zo" not in _fields(fresh)
    assert submit(client).status_code == 303  # the kept fields still make a working form


def test_each_application_keeps_its_own(new_app: Callable[..., Flask]) -> None:
    """The attachment hint names the application's own limits."""
    for limit in (3, 7):
        app = new_app(MAX_ATTACHMENTS=limit)
        page = app.test_client().get("/complaints/new").get_data(as_text=True)
        assert f"Up to {limit} screenshots" in page
