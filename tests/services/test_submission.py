"""submit_complaint on real databases: codes, due dates, audit, outbox, files, idempotency.

The file builders at the top (real JPEG/PNG/WebP/PDF bytes) and `ensure_catalogs` are
shared with the public web and browser tests.
"""

from __future__ import annotations

import io
import os
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image

from helpdesk.domain.reference import normalise_reference
from helpdesk.extensions import db
from helpdesk.models import Attachment, AuditEvent, Complaint, OutboxEmail
from helpdesk.services import submission
from helpdesk.services.submission import NewComplaint, Upload, UploadError, submit_complaint

ROOT = Path(__file__).resolve().parents[2]
# Friday 24 April 2026, 10:00 in Amsterdam; Monday 27 April is King's Day.
FRIDAY = datetime(2026, 4, 24, 8, 0, tzinfo=UTC)


# --- shared helpers ----------------------------------------------------------------------


def ensure_catalogs() -> None:
    """Compile translations/*/messages.po when the .mo is missing or older (as `make` does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in ROOT.glob("translations/*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle)
        partial = mo.with_name(f"messages.{os.getpid()}.{threading.get_ident()}.tmp")
        with partial.open("wb") as handle:
            write_mo(handle, catalog)
        partial.replace(mo)


def jpeg_bytes(size: tuple[int, int] = (40, 20), *, orientation: int | None = 6) -> bytes:
    """A real JPEG with EXIF (camera, GPS position and, by default, 'rotate 90°')."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif[0x0110] = "Model X"
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (52.0, 22.0, 1.0), "E", (4.0, 53.0, 2.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (16, 16), mode: str = "RGBA") -> bytes:
    """A real PNG."""
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def webp_bytes() -> bytes:
    """A real WebP."""
    out = io.BytesIO()
    Image.new("RGB", (12, 12), (0, 90, 200)).save(out, "WEBP")
    return out.getvalue()


def pdf_bytes() -> bytes:
    """A real one-page PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def new_complaint(**changes: object) -> NewComplaint:
    """A valid web complaint; override any field."""
    fields: dict[str, object] = {
        "name": "Anna de Vries",
        "email": "Anna@Example.com",
        "order_number": "NL-2026-004512",
        "category": "digital",
        "description": "The download link for my e-book gives error 403.",
        "language": "en",
    }
    fields.update(changes)
    return NewComplaint(**fields)  # type: ignore[arg-type]


def stored_files(app: Flask) -> list[Path]:
    """Every file under UPLOAD_DIR."""
    return sorted(p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file())


def count(model: type) -> int:
    """Rows of a model."""
    return int(db.session.query(model).count())


# --- submitting ----------------------------------------------------------------------------


def test_submit_stores_everything_in_one_go(any_app: Flask) -> None:
    complaint = submit_complaint(new_complaint(), now=FRIDAY)
    db.session.expire_all()
    stored = db.session.get(Complaint, complaint.id)
    assert stored is not None
    assert normalise_reference(stored.reference) == stored.reference
    assert stored.status == "received"
    assert stored.email_normalized == "anna@example.com"
    assert stored.received_at == FRIDAY
    assert stored.ack_due_on == date(2026, 4, 29)  # King's Day skipped
    assert stored.response_due_on == date(2026, 5, 6)
    assert stored.sla_due_on == stored.ack_due_on
    assert stored.channel == "web"
    events = db.session.query(AuditEvent).filter_by(complaint_id=stored.id).all()
    assert [(e.action, e.actor) for e in events] == [("submitted", "customer")]
    [message] = stored.messages
    assert (message.author, message.kind, message.via, message.internal) == (
        "customer",
        "message",
        "web",
        False,
    )
    assert message.body == stored.description


def test_acknowledgement_email_is_queued_without_the_complaint_text(any_app: Flask) -> None:
    complaint = submit_complaint(new_complaint(), now=FRIDAY)
    [email] = db.session.query(OutboxEmail).all()
    assert email.kind == "acknowledgement"
    assert email.complaint_id == complaint.id
    assert email.to_addr == "Anna@Example.com"
    assert email.sent_at is None
    assert complaint.display_reference in email.subject
    body = email.body_text
    assert complaint.display_reference in body
    assert "Wednesday 29 April 2026" in body and "Wednesday 6 May 2026" in body
    assert "http://localhost/track/link/" in body
    assert "IOPRO" in body
    for secret in ("Anna", "de Vries", "NL-2026-004512", "403", "e-book"):
        assert secret not in body and secret not in email.subject


def test_the_tracking_link_in_the_email_opens_the_case(app: Flask) -> None:
    complaint = submit_complaint(new_complaint())
    [email] = db.session.query(OutboxEmail).all()
    link = next(w for w in email.body_text.split() if "/track/link/" in w)
    client = app.test_client()
    response = client.get(link.replace("http://localhost", ""))
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert complaint.display_reference.encode() in page.data


def test_dutch_complaint_gets_a_dutch_email(app: Flask) -> None:
    ensure_catalogs()
    complaint = submit_complaint(new_complaint(language="nl"), now=FRIDAY)
    [email] = db.session.query(OutboxEmail).all()
    assert email.language == "nl" == complaint.language
    assert "woensdag 29 april 2026" in email.body_text
    assert "klacht" in email.subject.lower()
    assert complaint.display_reference in email.subject


def test_unknown_language_falls_back_to_english(app: Flask) -> None:
    assert submit_complaint(new_complaint(language="xx")).language == "en"


def test_email_channel_and_message_id(app: Flask) -> None:
    complaint = submit_complaint(
        new_complaint(channel="email", category="other", order_number=None),
        email_message_id="<abc@mail.example>",
    )
    assert complaint.channel == "email"
    assert complaint.order_number is None
    assert complaint.messages[0].via == "email"
    assert complaint.messages[0].email_message_id == "<abc@mail.example>"


def test_unknown_category_is_refused(app: Flask) -> None:
    with pytest.raises(ValueError, match="category"):
        submit_complaint(new_complaint(category="weather"))
    assert count(Complaint) == 0


def test_nul_characters_are_dropped_on_both_databases(any_app: Flask) -> None:
    complaint = submit_complaint(
        new_complaint(name="An\x00na", description="Broken\x00 download link, error 403.")
    )
    db.session.expire_all()
    assert complaint.name == "Anna"
    assert complaint.description == "Broken download link, error 403."


def test_over_long_fields_are_cut_not_refused(app: Flask) -> None:
    complaint = submit_complaint(new_complaint(name="N" * 500, order_number="9" * 300))
    assert len(complaint.name) == 200 and len(complaint.order_number or "") == 100


# --- the same submission twice --------------------------------------------------------------


def test_same_submission_token_gives_one_complaint(any_app: Flask) -> None:
    first = submit_complaint(new_complaint(submission_token="a" * 32))
    second = submit_complaint(new_complaint(submission_token="a" * 32))
    assert first.id == second.id
    assert count(Complaint) == 1 and count(OutboxEmail) == 1


def test_same_email_message_id_gives_one_complaint(any_app: Flask) -> None:
    first = submit_complaint(new_complaint(channel="email"), email_message_id="<m1@x>")
    second = submit_complaint(new_complaint(channel="email"), email_message_id="<m1@x>")
    assert first.id == second.id
    assert count(Complaint) == 1 and count(OutboxEmail) == 1


def test_two_simultaneous_posts_make_one_complaint(any_app: Flask) -> None:
    """Two threads, each with its own app context and session, race past the first check."""
    barrier = threading.Barrier(2)
    found = submission.find_existing
    results: list[int] = []
    errors: list[BaseException] = []

    def slow_find(token: str | None, message_id: str | None) -> Complaint | None:
        existing = found(token, message_id)
        if existing is None and threading.current_thread().name.startswith("post"):
            barrier.wait(timeout=5)  # both saw "nothing yet": now both insert
        return existing

    def post() -> None:
        with any_app.app_context():
            try:
                results.append(submit_complaint(new_complaint(submission_token="b" * 32)).id)
            except BaseException as exc:  # noqa: BLE001 — reported below
                errors.append(exc)
            finally:
                db.session.remove()

    submission.find_existing = slow_find  # type: ignore[assignment]
    try:
        threads = [threading.Thread(target=post, name=f"post-{i}") for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
    finally:
        submission.find_existing = found  # type: ignore[assignment]
    assert not errors, errors
    assert len(results) == 2 and results[0] == results[1]
    assert count(Complaint) == 1 and count(OutboxEmail) == 1


def test_a_taken_reference_code_is_replaced(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    taken = submit_complaint(new_complaint()).reference
    codes = iter([taken, "ZZZZZZZZZZZZ"])
    monkeypatch.setattr(submission, "generate_reference", lambda: next(codes))
    second = submit_complaint(new_complaint(), [Upload("p.png", png_bytes())])
    assert second.reference == "ZZZZZZZZZZZZ"
    # The file written for the failed first try was removed again.
    assert len(stored_files(app)) == 1 == count(Attachment)


# --- files ---------------------------------------------------------------------------------


def test_a_photo_loses_its_exif_and_is_turned_upright(app: Flask) -> None:
    original = jpeg_bytes((40, 20), orientation=6) + b"TRAILING-SECRET"
    complaint = submit_complaint(new_complaint(), [Upload("../../etc/holiday.JPEG", original)])
    [attachment] = complaint.attachments
    path = Path(app.config["UPLOAD_DIR"]) / attachment.stored_name
    data = path.read_bytes()
    assert b"TRAILING-SECRET" not in data and b"SpyCam" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info
        assert image.size == (20, 40)  # orientation 6 applied
    import hashlib

    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.size == len(data)
    assert attachment.content_type == "image/jpeg"
    assert attachment.original_name == "holiday.jpg"
    assert attachment.uploaded_by == "customer" and attachment.purpose == "evidence"
    assert attachment.message_id == complaint.messages[0].id
    assert ".." not in attachment.stored_name and len(attachment.stored_name) >= 32


def test_png_webp_and_pdf_are_accepted(app: Flask) -> None:
    files = [
        Upload("shot.png", png_bytes()),
        Upload("shot.webp", webp_bytes()),
        Upload("invoice.pdf", pdf_bytes()),
    ]
    complaint = submit_complaint(new_complaint(), files)
    kinds = [(a.original_name, a.content_type) for a in complaint.attachments]
    assert kinds == [
        ("shot.png", "image/png"),
        ("shot.webp", "image/webp"),
        ("invoice.pdf", "application/pdf"),
    ]
    names = {a.stored_name for a in complaint.attachments}
    assert {p.name for p in stored_files(app)} == names


def test_the_name_does_not_decide_the_type(app: Flask) -> None:
    complaint = submit_complaint(new_complaint(), [Upload("scan.pdf", png_bytes())])
    assert complaint.attachments[0].content_type == "image/png"
    assert complaint.attachments[0].original_name == "scan.png"


def _refused(app: Flask, uploads: list[Upload], match: str) -> UploadError:
    with pytest.raises(UploadError, match=match) as info:
        submit_complaint(new_complaint(submission_token="c" * 32), uploads)
    assert count(Complaint) == 0 and count(Attachment) == 0 and count(OutboxEmail) == 0
    assert stored_files(app) == []
    return info.value


def test_too_many_files(app: Flask) -> None:
    _refused(app, [Upload(f"{i}.png", png_bytes()) for i in range(6)], "at most 5 files")


def test_a_program_disguised_as_a_photo(app: Flask) -> None:
    error = _refused(app, [Upload("cat.jpg", b"MZ\x90\x00 this is an exe")], "not a JPEG")
    assert error.filename == "cat.jpg"


def test_html_disguised_as_a_photo(app: Flask) -> None:
    _refused(app, [Upload("cat.jpg", b"<html><script>alert(1)</script></html>")], "not a JPEG")


def test_a_broken_image(app: Flask) -> None:
    broken = jpeg_bytes()[:200]
    _refused(app, [Upload("ok.png", png_bytes()), Upload("broken.jpg", broken)], "damaged")


def test_a_pdf_that_is_not_a_pdf(app: Flask) -> None:
    _refused(app, [Upload("invoice.pdf", b"%PDF-1.7\nnothing useful here\n")], "damaged")


def test_an_empty_file(app: Flask) -> None:
    _refused(app, [Upload("empty.png", b"")], "empty")


def test_a_file_over_the_limit(app: Flask) -> None:
    app.config["MAX_ATTACHMENT_BYTES"] = 2 * 1024 * 1024
    big = pdf_bytes() + b"%" + b"x" * (2 * 1024 * 1024)
    _refused(app, [Upload("big.pdf", big)], "larger than 2 MB")


def test_a_decompression_bomb(app: Flask) -> None:
    bomb = png_bytes((10_000, 6_000), mode="1")
    assert len(bomb) < 200_000
    _refused(app, [Upload("bomb.png", bomb)], "too many pixels")


def test_one_address_gets_at_most_three_acknowledgements_a_day(app: Flask) -> None:
    """Ten submissions naming a stranger's address sent ten emails to it (issue 10)."""
    from datetime import timedelta

    app.config["ACKS_PER_ADDRESS_DAY"] = 3  # the default (tests otherwise lift it)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    made = [
        submit_complaint(
            new_complaint(email="Victim@Example.com"), now=start + timedelta(minutes=n)
        )
        for n in range(5)
    ]
    other = submit_complaint(new_complaint(email="someone@example.com"), now=start)
    acks = db.session.query(OutboxEmail).filter_by(kind="acknowledgement").all()
    to_victim = [row for row in acks if row.to_addr.lower() == "victim@example.com"]
    assert len(to_victim) == 3 and len(made) == 5  # every complaint is kept
    assert any(row.to_addr == other.email for row in acks)
    withheld = db.session.query(AuditEvent).filter_by(action="acknowledgement_withheld").all()
    assert sorted(e.complaint_id for e in withheld) == [made[3].id, made[4].id]
    # A day later the address is trusted again.
    submit_complaint(
        new_complaint(email="victim@example.com"), now=start + timedelta(days=1, hours=1)
    )
    assert db.session.query(OutboxEmail).filter_by(kind="acknowledgement").count() == len(acks) + 1
