"""The case page over HTTP: what it shows, every action as a real form POST (and as htmx),
errors next to the field, stale edits that keep the draft, downloads, and emails that never
carry internal notes (delivered to a real SMTP server)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.files.storage import attachment_path
from helpdesk.models import Complaint, Message, OutboxEmail, Staff
from helpdesk.models.types import utcnow
from helpdesk.services import casework, replies
from helpdesk.services.customer import add_customer_message
from helpdesk.services.submission import NewComplaint, Upload, submit_complaint
from tests.services.casework_support import HTMX, login, new_complaint, submit

STALE = "Someone else changed this complaint while you were writing."


@pytest.fixture
def mia(client: FlaskClient, make_staff: Any) -> Staff:
    """An agent, logged in on `client`."""
    staff = make_staff("agent", name="Mia Jansen")
    login(client, staff)
    return staff


def page(client: FlaskClient, complaint: Complaint) -> str:
    """The case page's HTML."""
    response = client.get(f"/staff/complaints/{complaint.reference}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def count(model: Any, **where: Any) -> int:
    """Rows of `model` matching `where`."""
    return int(db.session.scalar(select(func.count()).select_from(model).filter_by(**where)))


def png() -> bytes:
    """A small real PNG."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_the_case_page_shows_everything(client: FlaskClient, mia: Staff) -> None:
    complaint = submit_complaint(
        NewComplaint(
            name="Anna de Boer",
            email="anna@example.com",
            order_number="NL-2026-004512",
            category="physical",
            description="The lamp arrived broken.",
        ),
        uploads=[Upload("photo.png", png())],
        now=utcnow(),
    )
    replies.add_note(complaint, mia, "Courier had trouble last week.", casework.seen_now(complaint))
    replies.reply(complaint, mia, "Sorry! A new lamp is on its way.", casework.seen_now(complaint))
    html = page(client, complaint)
    for text in (
        complaint.display_reference,
        "Anna de Boer",
        "anna@example.com",
        "NL-2026-004512",
        "Physical products (damage, wrong item, delivery)",
        "Assessing",
        "The lamp arrived broken.",
        "Sorry! A new lamp is on its way.",
        "photo.png",
        "7 business days left",
        "met",
    ):
        assert text in html, text
    note = html.split("Courier had trouble last week.")[0].rsplit("<li", 1)[1]
    assert 'class="internal' in note and "Internal note" in note
    reply = html.split("Sorry! A new lamp is on its way.")[0].rsplit("<li", 1)[1]
    assert "internal" not in reply and "Mia Jansen" in reply
    audit = html.split('id="audit"')[1]
    assert "Received → Acknowledged" in audit and "Acknowledged → Assessing" in audit
    assert "Mia Jansen" in audit and "Internal note added" in audit
    assert f'href="/staff/attachments/{complaint.attachments[0].id}"' in html
    for button in (
        "Acknowledge",
        "Assign",
        "Change category",
        "Reply",
        "Request information",
        "Add internal note",
    ):
        if button != "Acknowledge":  # only while the complaint is "received"
            assert f">{button}</button>" in html, button


def test_customer_text_is_escaped(client: FlaskClient, mia: Staff) -> None:
    complaint = new_complaint(
        now=utcnow(),
        name="<img src=x onerror=alert(1)>",
        description="<script>alert('x')</script> & <b>bold</b>",
    )
    html = page(client, complaint)
    assert "<script>alert('x')" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html


def test_unknown_and_forgiving_references(client: FlaskClient, mia: Staff) -> None:
    complaint = new_complaint(now=utcnow())
    assert client.get("/staff/complaints/ZZZZ-ZZZZ-ZZZZ").status_code == 404
    assert client.get("/staff/complaints/nonsense").status_code == 404
    typed = complaint.display_reference.lower()
    assert client.get(f"/staff/complaints/{typed}").status_code == 200


def test_every_action_as_a_plain_form_post(
    client: FlaskClient, mia: Staff, make_staff: Any
) -> None:
    ben = make_staff("agent", name="Ben Bakker")
    complaint = new_complaint(now=utcnow())
    url = f"/staff/complaints/{complaint.reference}"

    def act(button: str, fill: dict[str, str] | None = None) -> str:
        response = submit(client, page(client, complaint), button, fill)
        assert response.status_code == 302, (button, response.status_code)
        assert response.headers["Location"] == url
        return client.get(url).get_data(as_text=True)

    html = act("Acknowledge")
    assert "The complaint is acknowledged." in html and complaint.status == "acknowledged"
    html = act("Assign", {"Assign to": str(ben.id)})
    assert "The assignment is saved." in html and complaint.assignee == ben
    html = act("Change category", {"Category": "billing"})
    assert "The category is changed." in html and complaint.category == "billing"
    html = act("Add internal note", {"Internal note": "Checked the payment provider."})
    assert "The internal note was added." in html and "Checked the payment provider." in html
    html = act("Reply", {"Your reply": "We found the double charge."})
    assert "Your reply was sent to the customer." in html and complaint.status == "assessing"
    html = act("Request information", {"What do you need from the customer?": "Your IBAN?"})
    assert "response clock is paused" in html and complaint.status == "awaiting_customer"
    assert count(OutboxEmail, kind="reply") == 1 and count(OutboxEmail, kind="info_request") == 1
    # Once waiting for the customer, "Request information" stays available; after the
    # acknowledgement, "Acknowledge" is gone.
    assert ">Acknowledge</button>" not in html


def test_actions_with_htmx_swap_the_case_body(client: FlaskClient, mia: Staff) -> None:
    complaint = new_complaint(now=utcnow())
    html = page(client, complaint)
    response = submit(client, html, "Reply", {"Your reply": "On it!"}, headers=HTMX)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="case-body"')
    assert "Your reply was sent to the customer." in fragment and "On it!" in fragment
    # The forms in the fragment carry the new version: sending from it works at once.
    again = submit(client, fragment, "Add internal note", {"Internal note": "Fine."}, headers=HTMX)
    assert "The internal note was added." in again.get_data(as_text=True)
    version = f'name="reply-version" type="hidden" value="{complaint.version}"'
    assert version in again.get_data(as_text=True)


def test_errors_appear_next_to_the_field(client: FlaskClient, mia: Staff) -> None:
    complaint = new_complaint(now=utcnow())
    html = page(client, complaint)
    empty = submit(client, html, "Reply", {"Your reply": "   "})
    text = empty.get_data(as_text=True)
    assert empty.status_code == 422
    assert '<p class="error" id="reply-body-error">Please write your reply.</p>' in text
    assert count(Message, author="staff") == 0
    htmx = submit(
        client,
        html,
        "Request information",
        {"What do you need from the customer?": ""},
        headers=HTMX,
    )
    assert htmx.status_code == 200
    assert "Please say what information you need." in htmx.get_data(as_text=True)
    tampered = submit(client, html, "Change category", {"Category": "weather"})
    assert tampered.status_code == 422 and complaint.category == "digital"


def test_refusals_are_shown_on_the_form(client: FlaskClient, mia: Staff, make_staff: Any) -> None:
    ben = make_staff("agent", name="Ben")
    complaint = new_complaint(now=utcnow())
    casework.assign(complaint, ben, ben.id, casework.seen_now(complaint))
    refused = submit(client, page(client, complaint), "Assign", {"Assign to": str(mia.id)})
    assert refused.status_code == 422
    assert "Only a manager can reassign" in refused.get_data(as_text=True)
    assert complaint.assignee == ben


def test_a_stale_reply_keeps_the_draft(client: FlaskClient, mia: Staff) -> None:
    complaint = new_complaint(now=utcnow())
    old = page(client, complaint)
    add_customer_message(complaint, "Update: the file opens on my laptop.")
    draft = "Please try another reader app."
    stale = submit(client, old, "Reply", {"Your reply": draft})
    text = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert STALE in text
    assert f"{draft}</textarea>" in text
    assert "Update: the file opens on my laptop." in text  # the latest change is on the page
    assert count(Message, kind="reply") == 0
    # Sending again from the refreshed page works.
    sent = submit(client, text, "Reply", {})
    assert sent.status_code == 302
    assert db.session.scalar(select(Message.body).where(Message.kind == "reply")) == draft


def test_a_stale_htmx_post_swaps_in_the_message(client: FlaskClient, mia: Staff) -> None:
    complaint = new_complaint(now=utcnow())
    old = page(client, complaint)
    casework.acknowledge(complaint, mia, casework.seen_now(complaint))
    response = submit(
        client,
        old,
        "Request information",
        {"What do you need from the customer?": "Which device?"},
        headers=HTMX,
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and STALE in text and "Which device?" in text
    assert count(Message, kind="info_request") == 0


def test_a_double_click_sends_one_reply(client: FlaskClient, mia: Staff) -> None:
    complaint = new_complaint(now=utcnow())
    html = page(client, complaint)
    first = submit(client, html, "Reply", {"Your reply": "Just once, please."})
    second = submit(client, html, "Reply", {"Your reply": "Just once, please."})
    assert first.status_code == second.status_code == 302
    assert count(Message, kind="reply") == 1 and count(OutboxEmail, kind="reply") == 1


def test_attachment_download(app: Flask, client: FlaskClient, mia: Staff) -> None:
    data = png()
    complaint = submit_complaint(
        NewComplaint(
            name="Anna",
            email="anna@example.com",
            order_number=None,
            category="physical",
            description="See the photo of the damage.",
        ),
        uploads=[Upload("damage <1>.png", data)],
        now=utcnow(),
    )
    item = complaint.attachments[0]
    response = client.get(f"/staff/attachments/{item.id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == item.content_type == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == attachment_path(item).read_bytes()
    response.close()
    assert client.get("/staff/attachments/999999").status_code == 404
    attachment_path(item).unlink()
    assert client.get(f"/staff/attachments/{item.id}").status_code == 404
    client.post("/staff/logout")
    anonymous = app.test_client().get(f"/staff/attachments/{item.id}")
    assert anonymous.status_code == 302


def test_customer_emails_never_carry_internal_notes(
    app: Flask, client: FlaskClient, mia: Staff, smtp_server: Any
) -> None:
    from helpdesk.mail.sender import send_pending

    app.config["SMTP_URL"] = smtp_server.url
    complaint = new_complaint(now=utcnow(), email="anna@example.com")
    secret = "Internal: customer threatened a chargeback."
    submit(client, page(client, complaint), "Add internal note", {"Internal note": secret})
    submit(client, page(client, complaint), "Reply", {"Your reply": "We are on it, Anna."})
    submit(
        client,
        page(client, complaint),
        "Request information",
        {"What do you need from the customer?": "Your order date, please."},
    )
    send_pending()
    messages = smtp_server.wait_for(3)
    assert len(messages) == 3  # acknowledgement, reply, information request
    bodies = [m.get_body(preferencelist=("plain",)).get_content() for m in messages]
    assert any("We are on it, Anna." in b for b in bodies)
    assert any("Your order date, please." in b for b in bodies)
    for message, body in zip(messages, bodies, strict=True):
        assert secret not in body and secret not in message.as_string()
        assert message["To"] == "anna@example.com"
