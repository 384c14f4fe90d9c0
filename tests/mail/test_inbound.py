"""Ingesting email on a real database: new complaints, replies that join, refused files,
robots ignored, one record per Message-ID, and the acknowledgement for email complaints."""

from __future__ import annotations

from pathlib import Path

from helpdesk.domain.lifecycle import Status
from helpdesk.extensions import db
from helpdesk.files.storage import attachment_path
from helpdesk.mail.inbound import ingest_message
from helpdesk.mail.sender import send_pending
from helpdesk.models import Attachment, Complaint, Message, OutboxEmail
from helpdesk.models.types import utcnow
from helpdesk.services.lifecycle import advance_to
from tests.mail.conftest import eml, png_bytes


def _only_complaint() -> Complaint:
    return db.session.query(Complaint).one()


def test_a_plain_email_opens_a_complaint_and_gets_the_acknowledgement(app, smtp_server):
    app.config["SMTP_URL"] = smtp_server.url
    result = ingest_message(eml("My download does not work.\nOrder 55123, paid yesterday."))
    assert result.action == "created"
    complaint = _only_complaint()
    assert result.reference == complaint.display_reference
    assert (complaint.name, complaint.email, complaint.category) == (
        "Jan Jansen",
        "jan@example.nl",
        "other",
    )
    assert complaint.channel == "email" and complaint.language == "en"
    assert complaint.order_number == "55123"
    assert complaint.description == (
        "Problem with my order\n\nMy download does not work.\nOrder 55123, paid yesterday."
    )
    [message] = complaint.messages
    assert (message.via, message.email_message_id) == ("email", "<m1@mail.example.nl>")
    assert send_pending().sent == 1
    [ack] = smtp_server.messages
    assert ack["To"] == "jan@example.nl"
    assert complaint.display_reference in ack["Subject"]
    db.session.refresh(complaint)
    assert complaint.status == Status.ACKNOWLEDGED


def test_a_dutch_email_without_a_display_name(app):
    raw = eml(
        "Hallo, mijn bestelling is niet aangekomen en ik heb nog geen bericht gehad.",
        sender="klant@example.nl",
        subject="Geen levering",
    )
    ingest_message(raw)
    complaint = _only_complaint()
    assert (complaint.name, complaint.language) == ("klant", "nl")
    outbox = db.session.query(OutboxEmail).one()
    assert outbox.language == "nl"


def test_multipart_with_a_png_attachment(app):
    raw = eml("Screenshot attached.", attachments=(("screen.png", png_bytes(), "image/png"),))
    result = ingest_message(raw)
    assert result.action == "created" and result.refused == ()
    [attachment] = db.session.query(Attachment).all()
    assert (attachment.original_name, attachment.content_type) == ("screen.png", "image/png")
    assert attachment.uploaded_by == "customer"
    assert attachment_path(attachment).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_refused_attachment_keeps_the_message_and_says_so(app):
    raw = eml(
        "Two files.",
        attachments=(("invoice.exe", b"MZ\x90\x00 not a picture", "application/octet-stream"),
                     ("screen.png", png_bytes(), "image/png")),
    )  # fmt: skip
    result = ingest_message(raw)
    assert result.action == "created" and result.refused == ("invoice.exe",)
    complaint = _only_complaint()
    assert "Two files." in complaint.description
    assert (
        "[Attachment not accepted: invoice.exe is not a JPEG, PNG, WebP or PDF file.]"
        in complaint.description
    )
    assert [a.original_name for a in complaint.attachments] == ["screen.png"]
    assert "refused attachments: invoice.exe" in result.summary()


def test_too_many_attachments_are_noted(app):
    files = tuple((f"p{n}.png", png_bytes(), "image/png") for n in range(7))
    result = ingest_message(eml("Seven pictures.", attachments=files))
    assert result.refused == ("p5.png", "p6.png")
    assert len(_only_complaint().attachments) == 5


def test_html_only_email(app):
    ingest_message(eml("", html="<p>The <b>download</b> fails</p><script>x()</script>"))
    assert _only_complaint().description == "Problem with my order\n\nThe download fails"


def test_iso_8859_1_email(app):
    ingest_message(eml("Café-bestelling: één bestand ontbreekt.", charset="iso-8859-1"))
    assert "één bestand ontbreekt" in _only_complaint().description


def test_a_reply_from_the_right_address_joins_the_complaint(app, new_complaint):
    complaint = new_complaint(email="Anna@Example.com")
    advance_to(complaint, Status.AWAITING_CUSTOMER, now=utcnow(), actor="staff")
    db.session.commit()
    raw = eml(
        "Here is the screenshot you asked for.\n\nOn Mon, IOPRO wrote:\n> Please send a screenshot",
        sender="Anna <anna@example.com>",
        subject=f"Re: [Ref {complaint.display_reference.lower()}] We need more information",
        message_id="<reply-1@example.com>",
        attachments=(("shot.png", png_bytes(), "image/png"),),
    )
    result = ingest_message(raw)
    assert result.action == "joined" and result.reference == complaint.display_reference
    assert db.session.query(Complaint).count() == 1
    db.session.refresh(complaint)
    answer = complaint.messages[-1]
    assert (answer.author, answer.via, answer.body) == (
        "customer",
        "email",
        "Here is the screenshot you asked for.",
    )
    assert [a.original_name for a in answer.attachments] == ["shot.png"]
    assert complaint.status == Status.ASSESSING  # the answer ends the wait


def test_a_reply_from_another_address_opens_a_new_complaint(app, new_complaint):
    complaint = new_complaint(email="anna@example.com")
    raw = eml(
        "I am not Anna but I saw this code.",
        sender="mallory@example.org",
        subject=f"Re: [Ref {complaint.display_reference}]",
    )
    result = ingest_message(raw)
    assert result.action == "created" and result.reference != complaint.display_reference
    db.session.refresh(complaint)
    assert len(complaint.messages) == 1  # nothing added to Anna's case
    other = db.session.query(Complaint).filter(Complaint.id != complaint.id).one()
    assert other.email == "mallory@example.org"


def test_auto_replies_and_bounces_are_ignored(app):
    robots = [
        eml("I am out of office", headers={"Auto-Submitted": "auto-replied"}, message_id="<a@x>"),
        eml("Undeliverable", sender="MAILER-DAEMON@mx.example.nl", message_id="<b@x>"),
        eml("Newsletter", headers={"Precedence": "bulk"}, message_id="<c@x>"),
        eml("loop", sender="IOPRO <complaints@shop.example>", message_id="<d@x>"),
    ]
    results = [ingest_message(raw) for raw in robots]
    assert [r.action for r in results] == ["ignored"] * 4
    assert db.session.query(Complaint).count() == 0
    assert db.session.query(OutboxEmail).count() == 0  # nothing to start a mail loop


def test_the_same_message_twice_makes_one_record(app, new_complaint):
    raw = eml("Please help.", message_id="<same@example.nl>")
    assert ingest_message(raw).action == "created"
    second = ingest_message(raw)
    assert second.action == "duplicate"
    assert db.session.query(Complaint).count() == 1
    assert db.session.query(OutboxEmail).count() == 1  # one acknowledgement
    complaint = new_complaint(email="anna@example.com")
    reply = eml("More info", sender="anna@example.com",
                subject=f"Re: {complaint.display_reference}", message_id="<r@x>")  # fmt: skip
    assert [ingest_message(reply).action for _ in range(2)] == ["joined", "duplicate"]
    assert db.session.query(Message).filter_by(email_message_id="<r@x>").count() == 1


def test_garbage_bytes_are_ignored_without_an_error(app):
    result = ingest_message(b"\x00\xff\xfe\x01 not an email at all \x00")
    assert result.action == "ignored" and "sender" in result.reason
    assert db.session.query(Complaint).count() == 0


def test_an_empty_reply_with_only_a_file_still_joins(app, new_complaint, tmp_path: Path):
    complaint = new_complaint()
    raw = eml("", sender="anna@example.com", subject=f"Re: [Ref {complaint.display_reference}]",
              attachments=(("x.png", png_bytes(), "image/png"),))  # fmt: skip
    assert ingest_message(raw).action == "joined"
    db.session.refresh(complaint)
    assert complaint.messages[-1].body == "(no text)"
