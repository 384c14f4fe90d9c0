"""/ and /complaints/new: the form filled in by its labels, every error, files, double submit.

`PageForm`, `field_error` and `submit` are shared with the other public web tests.
"""

from __future__ import annotations

import html
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from helpdesk.extensions import db
from helpdesk.models import Attachment, Complaint, OutboxEmail
from tests.services.test_submission import (
    ensure_catalogs,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    stored_files,
)

# --- reading real forms ----------------------------------------------------------------------


class PageForm(HTMLParser):
    """The fields of one <form> on a page, found by their <label> text."""

    def __init__(self, page: str, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.action = ""
        self.inputs: list[dict[str, str]] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None
        self._label_text: list[str] = []
        self._select: dict[str, str] | None = None
        self.feed(page)
        assert self.action, f"no form #{form_id} on the page"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside, self.action = True, a.get("action", "")
        if not self.inside:
            return
        if tag == "label":
            self._label_for, self._label_text = a.get("for"), []
        elif tag in ("input", "textarea"):
            self.inputs.append({"tag": tag, **a})
        elif tag == "select":
            self._select = {"tag": "select", **a, "value": ""}
            self.inputs.append(self._select)
        elif tag == "option" and self._select is not None and "selected" in a:
            self._select["value"] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "label" and self._label_for:
            self.labels[" ".join("".join(self._label_text).split())] = self._label_for
            self._label_for = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self._label_text.append(data)

    def name_for(self, label: str) -> str:
        """The field name behind a label; fails when the page has no such label."""
        field_id = self.labels[label]
        return next(i["name"] for i in self.inputs if i.get("id") == field_id)

    def file_input(self) -> str:
        """The name of the form's file field."""
        return next(i["name"] for i in self.inputs if i.get("type") == "file")

    def data(self, by_label: dict[str, Any]) -> dict[str, Any]:
        """Hidden fields as the page has them, plus the values given per label."""
        values: dict[str, Any] = {
            i["name"]: i.get("value", "") for i in self.inputs if i.get("type") == "hidden"
        }
        for label, value in by_label.items():
            values[self.name_for(label)] = value
        return values


def field_error(page: str, label: str, form_id: str) -> str:
    """The error text shown next to the field with this label ('' when none)."""
    field_id = PageForm(page, form_id).labels[label]
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)).strip() if match else ""


def field_value(page: str, label: str, form_id: str) -> str:
    """What the field with this label holds on the page."""
    form = PageForm(page, form_id)
    field_id = form.labels[label]
    field = next(i for i in form.inputs if i.get("id") == field_id)
    if field["tag"] == "textarea":
        match = re.search(rf'<textarea[^>]*id="{field_id}"[^>]*>(.*?)</textarea>', page, re.S)
        # Browsers drop one newline right after <textarea>, as WTForms expects.
        return re.sub(r"^\r?\n", "", html.unescape(match.group(1))) if match else ""
    return html.unescape(field.get("value", ""))


GOOD = {
    "Name": "Anna de Vries",
    "Email": "anna@example.com",
    "Order number": "NL-2026-004512",
    "Category": "physical",
    "Description": "The parcel arrived with a broken lamp inside.",
}

DUTCH = {
    "Naam": "Anna de Vries",
    "E-mail": "anna@example.com",
    "Categorie": "physical",
    "Omschrijving": "Het pakket kwam aan met een kapotte lamp erin.",
}


def submit(
    client: FlaskClient,
    values: dict[str, Any] | None = None,
    files: list[tuple[bytes, str]] = (),  # type: ignore[assignment]
    *,
    headers: dict[str, str] | None = None,
    page: str | None = None,
) -> Any:
    """Open /complaints/new, fill it in by label and POST it as the browser would."""
    if page is None:
        page = client.get("/complaints/new", headers=headers).get_data(as_text=True)
    form = PageForm(page, "complaint-form")
    data = form.data(GOOD if values is None else values)
    if files:
        data[form.file_input()] = [file_part(b, name) for b, name in files]
    return post_multipart(client, form.action, data, headers=headers)


def file_part(data: bytes, name: str) -> FileStorage:
    """One chosen file, as a browser sends it (the name and type prove nothing)."""
    return FileStorage(io.BytesIO(data), filename=name, content_type="application/octet-stream")


def post_multipart(
    client: FlaskClient, url: str, data: dict[str, Any], headers: dict[str, str] | None = None
) -> Any:
    """POST multipart/form-data encoded in memory (the test client's temp file leaks)."""
    boundary, body = encode_multipart(data)
    return client.post(
        url,
        data=body,
        headers=headers,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def complaints() -> int:
    return int(db.session.query(Complaint).count())


# --- home and the empty form -----------------------------------------------------------------


def test_home_summarises_the_policy(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    for words in (
        "Digital downloads",
        "Physical products",
        "Billing or payment",
        "Account or login",
        "Website functionality or accessibility",
        "Something else",
        "2 business days",
        "7 business days",
        "refund",
        "review",
        "mediat",
    ):
        assert words in page, words
    assert 'href="/complaints/new"' in page and 'href="/track"' in page


def test_the_form_has_the_labels_of_the_specification(client: FlaskClient) -> None:
    page = client.get("/complaints/new").get_data(as_text=True)
    form = PageForm(page, "complaint-form")
    for label in ("Name", "Email", "Order number", "Category", "Description", "Attachments"):
        assert label in form.labels, label
    assert form.name_for("Attachments") == "attachments"
    assert 'enctype="multipart/form-data"' in page and "multiple" in page
    select = re.search(r'<select[^>]*name="category".*?</select>', page, re.S)
    assert select is not None
    categories = re.findall(r'<option value="(\w*)"', select.group(0))
    assert categories == ["", "digital", "physical", "billing", "account", "website", "other"]
    token = form.data({})["submission_token"]
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    again = PageForm(client.get("/complaints/new").get_data(as_text=True), "complaint-form")
    assert again.data({})["submission_token"] != token


# --- a good submission ---------------------------------------------------------------------------


def test_submit_redirects_to_a_confirmation_without_the_code_in_the_url(
    client: FlaskClient,
) -> None:
    response = submit(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/complaints/submitted"
    page = client.get("/complaints/submitted").get_data(as_text=True)
    complaint = db.session.query(Complaint).one()
    assert f'id="reference-code">{complaint.display_reference}<' in page
    assert "reference-big" in page
    assert "We will confirm receipt by" in page
    assert "You will have our full response by" in page
    assert 'href="/track/case"' in page
    assert complaint.name == "Anna de Vries"
    assert complaint.category == "physical" and complaint.language == "en"
    assert complaint.order_number == "NL-2026-004512"
    assert db.session.query(OutboxEmail).count() == 1


def test_the_confirmation_is_shown_once(client: FlaskClient) -> None:
    submit(client)
    assert client.get("/complaints/submitted").status_code == 200
    again = client.get("/complaints/submitted")
    assert again.status_code == 302 and again.headers["Location"] == "/track/case"
    code = db.session.query(Complaint).one().display_reference
    assert code in client.get("/track/case").get_data(as_text=True)


def test_the_confirmation_needs_the_session(app: Flask, client: FlaskClient) -> None:
    submit(client)
    stranger = app.test_client()
    response = stranger.get("/complaints/submitted")
    assert response.status_code == 302 and response.headers["Location"] == "/track"


def test_htmx_submit_redirects_the_whole_page(client: FlaskClient) -> None:
    response = submit(client, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/complaints/submitted"
    assert complaints() == 1


def test_double_submit_is_one_complaint_and_the_same_confirmation(client: FlaskClient) -> None:
    page = client.get("/complaints/new").get_data(as_text=True)
    first = submit(client, page=page)
    first_page = client.get(first.headers["Location"]).get_data(as_text=True)
    second = submit(client, page=page)  # the same form, sent again
    assert second.status_code == 303
    second_page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert complaints() == 1 and db.session.query(OutboxEmail).count() == 1
    code = db.session.query(Complaint).one().display_reference
    assert code in first_page and code in second_page


def test_a_new_form_makes_a_new_complaint(client: FlaskClient) -> None:
    submit(client)
    submit(client)
    assert complaints() == 2


def test_files_are_stored_with_the_complaint(app: Flask, client: FlaskClient) -> None:
    response = submit(client, files=[(jpeg_bytes(), "photo.jpg"), (pdf_bytes(), "receipt.pdf")])
    assert response.status_code == 303
    names = [a.original_name for a in db.session.query(Attachment).order_by(Attachment.id)]
    assert names == ["photo.jpg", "receipt.pdf"]
    assert len(stored_files(app)) == 2


def test_the_complaint_takes_the_language_of_the_page(client: FlaskClient) -> None:
    ensure_catalogs()
    submit(client, DUTCH, headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"})
    assert db.session.query(Complaint).one().language == "nl"


def test_the_language_switch_is_remembered_for_the_complaint(client: FlaskClient) -> None:
    ensure_catalogs()
    page = client.get("/complaints/new?lang=nl").get_data(as_text=True)
    assert 'lang="nl"' in page
    submit(client, page=page, values=DUTCH)
    assert db.session.query(Complaint).one().language == "nl"


# --- every field error -------------------------------------------------------------------------

FIELD_ERRORS = [
    ("Name", "", "Please enter your name."),
    ("Name", "   ", "Please enter your name."),
    ("Name", "\x00", "Please enter your name."),
    ("Name", "N" * 201, "Please use at most 200 characters."),
    ("Email", "", "Please enter your email address."),
    ("Email", "anna", "Please enter a valid email address"),
    ("Email", "anna@example", "Please enter a valid email address"),
    ("Email", "anna @example.com", "Please enter a valid email address"),
    ("Email", "anna@example.com\r\nBcc: x@evil.example", "Please enter a valid email address"),
    ("Email", "a" * 250 + "@example.com", "This email address is too long."),
    ("Order number", "9" * 101, "Please use at most 100 characters."),
    ("Category", "", "Please choose a category."),
    ("Category", "weather", "Please choose a category."),
    ("Description", "", "Please describe what went wrong."),
    ("Description", "Too short", "at least 10 characters"),
    ("Description", "x" * 20001, "under 20,000 characters"),
]


@pytest.mark.parametrize(("label", "value", "message"), FIELD_ERRORS)
def test_every_field_error_shows_next_to_the_field(
    client: FlaskClient, label: str, value: str, message: str
) -> None:
    values = {**GOOD, label: value}
    response = submit(client, values)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in field_error(page, label, "complaint-form")
    assert "Please correct the marked fields." in page
    assert complaints() == 0
    # Everything else the customer typed is still there.
    for other, typed in GOOD.items():
        if other not in (label, "Category"):
            assert field_value(page, other, "complaint-form") == typed, other
    if label != "Category":
        assert '<option selected value="physical">' in page


def test_all_errors_at_once_and_the_same_token_kept(client: FlaskClient) -> None:
    page = client.get("/complaints/new").get_data(as_text=True)
    token = PageForm(page, "complaint-form").data({})["submission_token"]
    empty = dict.fromkeys(GOOD, "")
    again = submit(client, empty, page=page).get_data(as_text=True)
    for label in GOOD:
        if label != "Order number":
            assert field_error(again, label, "complaint-form"), label
    assert PageForm(again, "complaint-form").data({})["submission_token"] == token
    assert submit(client, page=again).status_code == 303
    assert complaints() == 1


def test_htmx_gets_only_the_form_back(client: FlaskClient) -> None:
    response = submit(client, {**GOOD, "Email": "nope"}, headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.strip().startswith('<form id="complaint-form"')
    assert "<html" not in page and "<h1>" not in page
    assert "Please enter a valid email address" in field_error(page, "Email", "complaint-form")
    assert "HX-Request" in response.headers["Vary"]


# --- every file error -----------------------------------------------------------------------------

BROKEN_JPEG = jpeg_bytes()[:300]
FILE_ERRORS = [
    ([(png_bytes(), f"{i}.png") for i in range(6)], "at most 5 files"),
    ([(b"MZ\x90\x00\x03 program", "holiday.jpg")], "holiday.jpg is not a JPEG, PNG, WebP or PDF"),
    ([(b"<svg onload=alert(1)>", "logo.png")], "logo.png is not a JPEG, PNG, WebP or PDF"),
    ([(BROKEN_JPEG, "broken.jpg")], "broken.jpg is damaged"),
    ([(b"%PDF-1.4\n%garbage only", "invoice.pdf")], "invoice.pdf is damaged"),
    ([(b"", "empty.pdf")], "empty.pdf is empty"),
]


@pytest.mark.parametrize(("files", "message"), FILE_ERRORS)
def test_every_file_error_shows_next_to_attachments(
    app: Flask, client: FlaskClient, files: list[tuple[bytes, str]], message: str
) -> None:
    response = submit(client, files=files)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in field_error(page, "Attachments", "complaint-form")
    assert "please choose them again" in page
    assert field_value(page, "Description", "complaint-form") == GOOD["Description"]
    assert complaints() == 0 and stored_files(app) == []
    assert db.session.query(OutboxEmail).count() == 0


def test_a_file_over_ten_megabytes(app: Flask, client: FlaskClient) -> None:
    big = pdf_bytes() + b"%" + b"x" * (10 * 1024 * 1024)
    page = submit(client, files=[(big, "scan.pdf")]).get_data(as_text=True)
    assert "scan.pdf is larger than 10 MB" in field_error(page, "Attachments", "complaint-form")
    assert complaints() == 0 and stored_files(app) == []


def test_a_request_over_the_total_limit_gets_a_friendly_page(
    app: Flask, client: FlaskClient
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = submit(client, files=[(b"%PDF-" + b"x" * (2 * 1024 * 1024), "huge.pdf")])
    assert response.status_code == 413
    assert "Upload too large" in response.get_data(as_text=True)
    assert complaints() == 0


# --- user text stays text ----------------------------------------------------------------


def test_script_in_the_description_is_shown_as_text(client: FlaskClient) -> None:
    evil = "<script>alert('x')</script> <img src=x onerror=alert(1)> broken lamp"
    submit(client, {**GOOD, "Description": evil, "Name": "<b>Anna</b>"})
    page = client.get("/track/case").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in page
    assert "<script>alert(" not in page and "<img src=x" not in page


def test_a_form_error_page_escapes_what_was_typed(client: FlaskClient) -> None:
    page = submit(client, {**GOOD, "Name": '"><script>alert(1)</script>', "Email": "x"}).get_data(
        as_text=True
    )
    assert "<script>alert(1)</script>" not in page
    assert field_value(page, "Name", "complaint-form") == '"><script>alert(1)</script>'


def test_uploaded_files_live_outside_static_under_random_names(
    app: Flask, client: FlaskClient
) -> None:
    submit(client, files=[(png_bytes(), "x.png")])
    [path] = stored_files(app)
    assert Path(app.config["UPLOAD_DIR"]) in path.parents
    assert Path(app.static_folder or "") not in path.parents
    assert re.fullmatch(r"[0-9a-f]{32}\.png", path.name)
