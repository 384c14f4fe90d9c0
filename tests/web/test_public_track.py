"""/track, the signed link, the case view (what the customer may and may not see), answers
and downloads."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from helpdesk.domain.lifecycle import Status
from helpdesk.extensions import db
from helpdesk.files.storage import store_upload
from helpdesk.models import Attachment, Complaint, Message
from helpdesk.runtime import links
from helpdesk.services.lifecycle import advance_to
from helpdesk.services.submission import Upload, submit_complaint
from tests.services.test_submission import (
    FRIDAY,
    jpeg_bytes,
    new_complaint,
    pdf_bytes,
    png_bytes,
    stored_files,
)
from tests.web.test_public_submit import PageForm, field_error, file_part, post_multipart

NOT_FOUND = "We could not find a complaint with this reference code and email address."


def track(
    client: FlaskClient,
    code: str,
    email: str,
    headers: dict[str, str] | None = None,
    labels: tuple[str, str] = ("Reference code", "Email"),
) -> Any:
    """Fill in /track by its labels and send it."""
    page = client.get("/track").get_data(as_text=True)
    form = PageForm(page, "track-form")
    data = form.data({labels[0]: code, labels[1]: email})
    return client.post(form.action, data=data, headers=headers)


def opened(
    client: FlaskClient, complaint: Complaint, labels: tuple[str, str] = ("Reference code", "Email")
) -> str:
    """Open the case with code + email and return the case page."""
    response = track(client, complaint.display_reference, complaint.email, labels=labels)
    assert response.status_code == 303, response.get_data(as_text=True)
    return str(client.get(response.headers["Location"]).get_data(as_text=True))


def waiting(complaint: Complaint) -> None:
    """Staff asked a question: the complaint waits for the customer."""
    db.session.add(
        Message(
            complaint=complaint,
            author="staff",
            kind="info_request",
            body="Could you send a photo of the damaged box?",
            created_at=FRIDAY,
        )
    )
    advance_to(complaint, Status.AWAITING_CUSTOMER, now=FRIDAY, actor="staff")
    db.session.commit()


# --- /track -------------------------------------------------------------------------------


def test_the_track_form_has_the_specified_labels(client: FlaskClient) -> None:
    form = PageForm(client.get("/track").get_data(as_text=True), "track-form")
    assert {"Reference code", "Email"} <= set(form.labels)


@pytest.mark.parametrize("shape", ["display", "lower", "bare", "spaced"])
def test_code_and_email_open_the_case(app: Flask, client: FlaskClient, shape: str) -> None:
    complaint = submit_complaint(new_complaint())
    ref = complaint.display_reference
    typed = {
        "display": ref,
        "lower": ref.lower(),
        "bare": ref.replace("-", ""),
        "spaced": ref.replace("-", " "),
    }[shape]
    response = track(client, typed, "  ANNA@example.com ")
    assert response.status_code == 303 and response.headers["Location"] == "/track/case"
    page = client.get("/track/case").get_data(as_text=True)
    assert ref in page and "Received" in page


#: A CSRF token in a page (the body's htmx header, a form's hidden field).
CSRF_TOKEN = r'(?<="X-CSRFToken": ")[^"]*|(?<=name="csrf_token" type="hidden" value=")[^"]*'


def test_unknown_code_and_wrong_email_get_the_same_answer(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint())
    unknown = track(client, "ZZZZ-ZZZZ-ZZZZ", complaint.email).get_data(as_text=True)
    wrong = track(client, complaint.display_reference, "bert@example.com").get_data(as_text=True)

    def answer(page: str) -> str:
        match = re.search(
            r'<div class="error-summary" role="alert" id="track-not-found">.*?</div>', page, re.S
        )
        assert match is not None
        return match.group(0)

    assert NOT_FOUND in unknown
    assert answer(unknown) == answer(wrong)
    # Nothing else on the page tells them apart either (apart from what was typed, and the
    # CSRF token, which carries the second it was made in: a busy machine crosses one).
    unknown, wrong = (re.sub(CSRF_TOKEN, "", page) for page in (unknown, wrong))
    assert unknown.replace("ZZZZ-ZZZZ-ZZZZ", "X").replace(complaint.email, "Y") == wrong.replace(
        complaint.display_reference, "X"
    ).replace("bert@example.com", "Y")
    assert client.get("/track/case").status_code == 302


@pytest.mark.parametrize(
    ("label", "code", "email", "message"),
    [
        ("Reference code", "", "anna@example.com", "Please enter your reference code."),
        ("Reference code", "ABCD", "anna@example.com", "12 letters and digits"),
        ("Reference code", "ABCD-EFGH-JKU2", "anna@example.com", "12 letters and digits"),
        ("Reference code", "A" * 5000, "anna@example.com", "12 letters and digits"),
        ("Email", "ABCD-EFGH-JK12", "", "Please enter your email address."),
        ("Email", "ABCD-EFGH-JK12", "anna(at)example.com", "valid email address"),
    ],
)
def test_track_form_errors_next_to_the_field(
    client: FlaskClient, label: str, code: str, email: str, message: str
) -> None:
    page = track(client, code, email).get_data(as_text=True)
    assert message in field_error(page, label, "track-form")
    assert NOT_FOUND not in page
    if email:
        assert f'value="{email}"' in page


def test_htmx_track_returns_the_form_or_redirects(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint())
    htmx = {"HX-Request": "true"}
    miss = track(client, "ZZZZ-ZZZZ-ZZZZ", complaint.email, headers=htmx)
    fragment = miss.get_data(as_text=True)
    assert miss.status_code == 200 and "<html" not in fragment
    assert fragment.strip().startswith('<form id="track-form"') and NOT_FOUND in fragment
    hit = track(client, complaint.display_reference, complaint.email, headers=htmx)
    assert hit.status_code == 204 and hit.headers["HX-Redirect"] == "/track/case"


def test_the_case_page_needs_an_opened_case(client: FlaskClient) -> None:
    response = client.get("/track/case")
    assert response.status_code == 302 and response.headers["Location"] == "/track"
    assert "Please enter your reference code" in client.get("/track").get_data(as_text=True)


def test_an_opened_case_expires(app: Flask, client: FlaskClient) -> None:
    opened(client, submit_complaint(new_complaint()))
    with client.session_transaction() as session:
        session["tracked"] = {**session["tracked"], "at": int(time.time()) - 13 * 3600}
    assert client.get("/track/case").status_code == 302


def test_leaving_closes_the_case_in_this_browser(app: Flask, client: FlaskClient) -> None:
    page = opened(client, submit_complaint(new_complaint()))
    assert "Close this page on this device" in page
    response = client.post("/track/leave")
    assert response.status_code == 303
    assert client.get("/track/case").status_code == 302


# --- the signed link --------------------------------------------------------------------------


def test_the_signed_link_opens_the_case_and_drops_the_token(
    app: Flask, client: FlaskClient
) -> None:
    complaint = submit_complaint(new_complaint())
    with app.test_request_context():
        url = links.tracking_url(complaint)
    response = client.get(url.replace("http://localhost", ""))
    assert response.status_code == 303 and response.headers["Location"] == "/track/case"
    assert complaint.display_reference in client.get("/track/case").get_data(as_text=True)


def test_a_tampered_link_is_refused(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint())
    token = links.tracking_token(complaint)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = client.get(f"/track/link/{tampered}")
    assert response.status_code == 404
    assert "This link no longer works" in response.get_data(as_text=True)
    assert client.get("/track/case").status_code == 302
    other = URLSafeTimedSerializer("another-secret", salt="helpdesk.track.v1")
    forged = other.dumps([complaint.reference, "0" * 16])
    assert client.get(f"/track/link/{forged}").status_code == 404


def test_an_expired_link_is_refused(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint())

    class LastYear(URLSafeTimedSerializer):
        def make_signer(self, salt: Any = None) -> Any:
            signer = super().make_signer(salt)
            signer.get_timestamp = lambda: int(time.time()) - 366 * 86400  # type: ignore[method-assign]
            return signer

    old = LastYear(app.config["SECRET_KEY"], salt="helpdesk.track.v1")
    digest = links.read_tracking_token(links.tracking_token(complaint))
    assert digest is not None
    token = old.dumps([complaint.reference, digest[1]])
    response = client.get(f"/track/link/{token}")
    assert response.status_code == 404
    assert "This link no longer works" in response.get_data(as_text=True)
    app.config["TRACKING_LINK_DAYS"] = 400  # the same token within a longer validity works
    assert client.get(f"/track/link/{token}").status_code == 303


def test_a_link_dies_when_the_address_changes(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint())
    token = links.tracking_token(complaint)
    complaint.email = complaint.email_normalized = "erased@invalid"
    db.session.commit()
    assert client.get(f"/track/link/{token}").status_code == 404


def test_the_session_dies_when_the_address_changes(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint())
    opened(client, complaint)
    complaint.email_normalized = "erased@invalid"
    db.session.commit()
    assert client.get("/track/case").status_code == 302


def test_garbage_link_tokens(client: FlaskClient) -> None:
    for token in ("x", "a.b.c", "%00", "W10" * 400):
        assert client.get(f"/track/link/{token}").status_code == 404


# --- what the case view shows -------------------------------------------------------------------


def test_the_customer_never_sees_internal_notes_or_staff_details(
    app: Flask, client: FlaskClient, make_staff: Any
) -> None:
    staff = make_staff("agent", email="smith@shop.example", name="Agent Smithers")
    complaint = submit_complaint(new_complaint(), now=FRIDAY)
    complaint.assignee = staff
    db.session.add_all(
        [
            Message(
                complaint=complaint,
                author="staff",
                staff=staff,
                kind="note",
                internal=True,
                body="INTERNAL: customer sounds like a reseller",
            ),
            Message(
                complaint=complaint,
                author="staff",
                staff=staff,
                kind="reply",
                internal=True,
                body="INTERNAL REPLY DRAFT",
            ),
            Message(
                complaint=complaint,
                author="staff",
                staff=staff,
                kind="reply",
                body="We are looking into your parcel.",
            ),
        ]
    )
    advance_to(
        complaint, Status.ASSESSING, now=FRIDAY, actor="staff", staff=staff, detail={"why": "AUDIT"}
    )
    db.session.commit()
    page = opened(client, complaint)
    assert "We are looking into your parcel." in page
    assert "Our reply" in page
    for hidden in ("INTERNAL", "reseller", "Smithers", "smith@shop.example", "AUDIT"):
        assert hidden not in page, hidden
    # Status changes in plain words.
    assert "Status: Acknowledged" in page and "Status: Being assessed" in page


def test_the_promised_dates_and_whether_they_were_met(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint(), now=FRIDAY)
    advance_to(complaint, Status.ACKNOWLEDGED, now=FRIDAY, actor="system")
    db.session.commit()
    page = opened(client, complaint)
    assert "We confirmed receipt on" in page and "on time" in page
    assert 'id="clock-response"' in page and "clock-overdue" in page
    assert "We promised our full response by Wednesday 6 May 2026" in page


def test_a_running_clock_shows_the_dates(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint())
    page = opened(client, complaint)
    assert "We will confirm receipt by" in page
    assert "You will have our full response by" in page


def test_waiting_for_the_customer_says_the_clock_is_paused(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint(), now=FRIDAY)
    waiting(complaint)
    page = opened(client, complaint)
    assert "Waiting for your information" in page
    assert "paused while we wait for your information" in page
    assert "7 business days left" in page
    assert "We asked for more information" in page
    # The question stands right above the answer box, as well as in the history.
    question = re.search(r'<blockquote class="question">.*?</blockquote>', page, re.S)
    assert question is not None
    assert "Could you send a photo of the damaged box?" in question.group(0)
    assert page.count("Could you send a photo of the damaged box?") == 2
    assert "Send answer" in page


def test_no_answer_form_when_not_waiting(app: Flask, client: FlaskClient) -> None:
    page = opened(client, submit_complaint(new_complaint()))
    assert "Send answer" not in page and 'id="answer-form"' not in page


# --- sending an answer ---------------------------------------------------------------------------


def answer(
    client: FlaskClient,
    page: str,
    text: str,
    files: list[tuple[bytes, str]] = (),  # type: ignore[assignment]
    headers: dict[str, str] | None = None,
) -> Any:
    """Fill in the answer form by its labels and send it."""
    form = PageForm(page, "answer-form")
    data = form.data({"Your answer": text})
    if files:
        data[form.name_for("Attachments")] = [file_part(b, n) for b, n in files]
    return post_multipart(client, form.action, data, headers=headers)


def test_send_answer_resumes_the_case(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint(), now=FRIDAY)
    waiting(complaint)
    page = opened(client, complaint)
    response = answer(client, page, "Here is the photo.", [(jpeg_bytes(), "box.jpg")])
    assert response.status_code == 303
    after = client.get("/track/case").get_data(as_text=True)
    assert "Thank you, we have received your answer." in after
    assert "Being assessed" in after and "Here is the photo." in after
    assert 'id="answer-form"' not in after
    db.session.expire_all()
    assert complaint.status == "assessing"
    assert [a.original_name for a in complaint.attachments] == ["box.jpg"]


def test_htmx_answer_swaps_the_activity_part(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint(), now=FRIDAY)
    waiting(complaint)
    page = opened(client, complaint)
    response = answer(client, page, "Photo follows by post.", headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert fragment.strip().startswith('<div id="case-activity">')
    assert "<html" not in fragment and "Thank you, we have received your answer." in fragment
    assert "Being assessed" in fragment and "Photo follows by post." in fragment


@pytest.mark.parametrize(
    ("text", "files", "message"),
    [
        ("", [], "Please write your answer."),
        ("x" * 20001, [], "under 20,000 characters"),
        ("See file", [(b"GIF89a....", "photo.jpg")], "photo.jpg is not a JPEG, PNG, WebP or PDF"),
        ("See file", [(b"%PDF-1.4 junk", "a.pdf")], "a.pdf is damaged"),
        ("See files", [(png_bytes(), f"{i}.png") for i in range(6)], "at most 5 files"),
    ],
)
def test_answer_errors_keep_the_text_and_store_nothing(
    app: Flask, client: FlaskClient, text: str, files: list[tuple[bytes, str]], message: str
) -> None:
    complaint = submit_complaint(new_complaint(), now=FRIDAY)
    waiting(complaint)
    page = opened(client, complaint)
    for headers in (None, {"HX-Request": "true"}):
        response = answer(client, page, text, files, headers=headers)
        result = response.get_data(as_text=True)
        assert response.status_code == 200
        label = "Attachments" if files else "Your answer"
        assert message in field_error(result, label, "answer-form")
        if files:
            assert "please choose them again" in result
            assert text in result
    db.session.expire_all()
    assert complaint.status == "awaiting_customer"
    assert db.session.query(Message).filter_by(author="customer").count() == 1
    assert stored_files(app) == []


def test_an_answer_when_none_is_asked_for_is_refused_politely(
    app: Flask, client: FlaskClient
) -> None:
    complaint = submit_complaint(new_complaint())
    opened(client, complaint)
    response = client.post("/track/case/answer", data={"body": "hello there"})
    assert response.status_code == 303
    assert "not waiting for information" in client.get("/track/case").get_data(as_text=True)
    assert len(complaint.messages) == 1


def test_an_answer_without_an_opened_case(client: FlaskClient) -> None:
    response = client.post("/track/case/answer", data={"body": "hello there"})
    assert response.status_code == 303 and response.headers["Location"] == "/track"


# --- downloads ----------------------------------------------------------------------------


def test_the_customer_downloads_their_own_files(app: Flask, client: FlaskClient) -> None:
    pdf = pdf_bytes()
    complaint = submit_complaint(
        new_complaint(), [Upload("box.jpg", jpeg_bytes()), Upload("bill.pdf", pdf)]
    )
    page = opened(client, complaint)
    hrefs = re.findall(r'href="(/track/case/files/\d+)"', page)
    assert len(hrefs) == 2
    response = client.get(hrefs[1])
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "bill.pdf" in response.headers["Content-Disposition"]
    assert response.mimetype == "application/pdf"
    assert response.data == pdf  # a PDF is kept byte for byte
    assert "no-store" in response.headers["Cache-Control"]
    # The same safe headers as every other download (files.downloads).
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_no_files_of_other_cases_or_of_staff(app: Flask, client: FlaskClient) -> None:
    mine = submit_complaint(new_complaint(), [Upload("mine.png", png_bytes())])
    theirs = submit_complaint(
        new_complaint(email="bert@example.com"), [Upload("theirs.png", png_bytes())]
    )
    staff_file = store_upload(
        Upload("replacement.pdf", pdf_bytes()),
        complaint=mine,
        message=None,
        uploaded_by="staff",
        purpose="replacement",
    )
    db.session.commit()
    opened(client, mine)
    their_file = theirs.attachments[0].id
    assert client.get(f"/track/case/files/{their_file}").status_code == 404
    assert client.get(f"/track/case/files/{staff_file.id}").status_code == 404
    assert client.get("/track/case/files/999999").status_code == 404
    own = mine.attachments[0].id
    response = client.get(f"/track/case/files/{own}")
    assert response.status_code == 200
    response.close()
    stranger = app.test_client()
    assert stranger.get(f"/track/case/files/{own}").status_code == 404


def test_a_missing_file_on_disk_is_a_404_not_a_500(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint(), [Upload("gone.png", png_bytes())])
    for path in stored_files(app):
        path.unlink()
    opened(client, complaint)
    attachment = db.session.query(Attachment).one()
    assert client.get(f"/track/case/files/{attachment.id}").status_code == 404


def test_case_pages_are_not_cached(app: Flask, client: FlaskClient) -> None:
    opened(client, submit_complaint(new_complaint()))
    assert "no-store" in client.get("/track/case").headers["Cache-Control"]


def test_dates_on_the_case_page_are_in_shop_time(app: Flask, client: FlaskClient) -> None:
    # 23:30 UTC on 24 April is already 25 April, 01:30, in Amsterdam.
    complaint = submit_complaint(new_complaint(), now=datetime(2026, 4, 24, 23, 30, tzinfo=UTC))
    page = opened(client, complaint)
    assert "25 Apr 2026, 01:30" in page
