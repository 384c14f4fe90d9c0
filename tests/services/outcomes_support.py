"""Helpers for the outcome, review, rating and closing tests: real complaints and real files."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from typing import Any

from helpdesk.domain.outcomes import OutcomeKind
from helpdesk.models import Complaint, Outcome, Staff
from helpdesk.models.types import utcnow
from helpdesk.services.outcomes import OutcomeInput, give_outcome
from helpdesk.services.review import request_review
from helpdesk.services.submission import NewComplaint, submit_complaint

# Monday 2 March 2026, 10:00 in Amsterdam (09:00 UTC): an ordinary week, no holidays.
RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# Wednesday 4 March 2026, 14:00 in Amsterdam.
ANSWERED = datetime(2026, 3, 4, 13, 0, tzinfo=UTC)


def new_complaint(
    *,
    language: str = "en",
    now: datetime = RECEIVED,
    order_number: str | None = "NL-2026-004512",
    name: str = "Anna de Boer",
    email: str = "anna@example.com",
) -> Complaint:
    """A complaint submitted through the real submission service."""
    return submit_complaint(
        NewComplaint(
            name=name,
            email=email,
            order_number=order_number,
            category="digital",
            description="The e-book I bought will not open on my reader.",
            language=language,
        ),
        now=now,
    )


def refund_input(
    body: str = "Dear {name}, we refund {amount}. Regards, {shop}", **kw: Any
) -> OutcomeInput:
    """A valid refund outcome as staff would fill it in."""
    values: dict[str, Any] = {"amount": "12,50", "refund_type": "partial", "root_cause": "packing"}
    values.update(kw)
    return OutcomeInput(kind=OutcomeKind.REFUND, body=body, **values)


def give_refund(
    complaint: Complaint, staff: Staff, *, now: datetime = ANSWERED, **kw: Any
) -> Outcome:
    """The first outcome: a refund, sent at `now`."""
    return give_outcome(complaint, staff, refund_input(**kw), seen=complaint.version, now=now)


def resolved_on(day: date, root_cause: str, staff: Staff, *, hour: int = 8) -> Complaint:
    """A complaint received on `day` at `hour`:00 UTC, answered a day later by `staff` with a
    refund that names `root_cause` (the corrective action tests' complaints)."""
    received = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    complaint = new_complaint(now=received, email=f"c{day.isoformat()}-{root_cause}@example.com")
    give_outcome(complaint, staff, refund_input(root_cause=root_cause), seen=complaint.version,
                 now=received + timedelta(days=1))  # fmt: skip
    return complaint


def pdf_bytes() -> bytes:
    """A small, real one-page PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    """A small, real PNG."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def zip_bytes(entries: dict[str, bytes], *, first: tuple[str, bytes] | None = None) -> bytes:
    """A ZIP archive; `first` is stored first and uncompressed (as EPUB wants its mimetype)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if first is not None:
            archive.writestr(_entry(first[0]), first[1], compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(_entry(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _entry(name: str) -> zipfile.ZipInfo:
    """A member with a fixed date, so the same entries always give the same bytes
    (`writestr(name, ...)` stamps the current time, which can tick between two calls)."""
    return zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))


def epub_bytes() -> bytes:
    """A minimal EPUB container."""
    return zip_bytes(
        {"META-INF/container.xml": b"<container/>", "OEBPS/book.xhtml": b"<html/>"},
        first=("mimetype", b"application/epub+zip"),
    )


def docx_bytes() -> bytes:
    """A minimal Word document container."""
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


STAFF_PASSWORD = "correct horse battery staple"


def login(client: Any, staff: Staff) -> None:
    """Log `staff` in through the real login form."""
    response = client.post("/staff/login", data={"email": staff.email, "password": STAFF_PASSWORD})
    assert response.status_code in (302, 303), response.status_code


def open_case(client: Any, complaint: Complaint) -> None:
    """Open the complaint on the tracking page with its code and email, as the customer."""
    response = client.post(
        "/track", data={"reference": complaint.display_reference, "email": complaint.email}
    )
    assert response.status_code in (302, 303), response.status_code


def fast_staff(role: str = "agent", name: str | None = None) -> Staff:
    """A staff member whose password hash is quick to make and check (tests only).

    The real accounts use scrypt, which costs ~0.15 s a time; with a few staff per test that
    would dominate the run time of these tests without testing anything of ours.
    """
    import uuid

    from werkzeug.security import generate_password_hash

    from helpdesk.extensions import db

    staff = Staff(
        email=f"{role}-{uuid.uuid4().hex[:8]}@shop.example",
        name=name or role.title(),
        role=role,
        password_hash=generate_password_hash(STAFF_PASSWORD, method="pbkdf2:sha256:1000"),
    )
    db.session.add(staff)
    db.session.commit()
    return staff


def review_team() -> dict[str, Staff]:
    """An agent and two managers: Manager Mark gives the first outcomes (`reviewed`), so
    Manager Mila is the other manager the four-eyes rule leaves to send the final response."""
    return {
        "agent": fast_staff("agent", name="Agent Anouk"),
        "first": fast_staff("manager", name="Manager Mark"),
        "second": fast_staff("manager", name="Manager Mila"),
    }


def reviewed(team: dict[str, Staff], *, days_ago: int = 2, language: str = "en") -> Complaint:
    """A complaint whose refund (by the team's first manager) the customer asked to review
    `days_ago` days ago."""
    complaint = new_complaint(now=utcnow() - timedelta(days=days_ago + 2), language=language)
    give_refund(complaint, team["first"], now=utcnow() - timedelta(days=days_ago + 1))
    request_review(
        complaint, "The refund does not cover the shipping costs.",
        now=utcnow() - timedelta(days=days_ago),
    )  # fmt: skip
    return complaint
