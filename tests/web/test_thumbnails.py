"""Previews of image attachments: made by the server with Pillow, cached beside the uploads,
served under the same rights as the download (staff; the customer for their own files),
as image/jpeg or image/png with nosniff, never the original bytes, never for a PDF, an SVG
or HTML, and never over the pixel budget."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from helpdesk.extensions import db
from helpdesk.files.storage import attachment_path
from helpdesk.files.thumbnails import THUMBNAIL_SIZE, thumbnail_dir, thumbnail_files
from helpdesk.models import Attachment, Complaint
from helpdesk.models.types import utcnow
from helpdesk.services.privacy import erase_person
from helpdesk.services.submission import NewComplaint, Upload, submit_complaint
from tests.services.casework_support import login
from tests.services.outcomes_support import open_case
from tests.services.privacy_support import EMAIL, LATER, whole_case


def picture(kind: str, size: tuple[int, int] = (1200, 900), mode: str = "RGB") -> bytes:
    """A real picture with some detail (a gradient), as `kind` ("PNG", "JPEG", "WEBP")."""
    image = Image.linear_gradient("L").resize(size).convert(mode)
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def pdf() -> bytes:
    from tests.services.outcomes_support import pdf_bytes

    return pdf_bytes()


def complaint_with(*uploads: Upload, email: str = "anna@example.com") -> Complaint:
    return submit_complaint(
        NewComplaint(
            name="Anna de Boer",
            email=email,
            order_number=None,
            category="physical",
            description="The lamp arrived broken, see the photos.",
        ),
        uploads=list(uploads),
        now=utcnow(),
    )


def staff_url(item: Attachment) -> str:
    return f"/staff/attachments/{item.id}/thumbnail"


def public_url(item: Attachment) -> str:
    return f"/track/case/files/{item.id}/thumbnail"


@pytest.fixture
def agent(client: FlaskClient, make_staff: Any) -> Any:
    staff = make_staff("agent")
    login(client, staff)
    return staff


@pytest.mark.parametrize(
    ("kind", "name", "served_as"),
    [
        ("PNG", "screen.png", "image/png"),
        ("JPEG", "photo.jpg", "image/jpeg"),
        ("WEBP", "photo.webp", "image/jpeg"),
    ],
)
def test_staff_see_a_small_picture_made_afresh(
    client: FlaskClient, agent: Any, kind: str, name: str, served_as: str
) -> None:
    complaint = complaint_with(Upload(name, picture(kind)))
    [item] = complaint.attachments
    response = client.get(staff_url(item))
    assert response.status_code == 200
    assert response.mimetype == served_as
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    assert "no-store" in response.headers["Cache-Control"]
    with Image.open(io.BytesIO(response.data)) as small:
        assert max(small.size) == THUMBNAIL_SIZE and small.size == (320, 240)
        assert small.format == ("PNG" if served_as == "image/png" else "JPEG")
    assert response.data != attachment_path(item).read_bytes()


def test_the_preview_is_cached_beside_the_upload_and_served_from_there(
    client: FlaskClient, agent: Any
) -> None:
    complaint = complaint_with(Upload("photo.jpg", picture("JPEG")))
    [item] = complaint.attachments
    first = client.get(staff_url(item)).data
    cached = [path for path in thumbnail_files(item) if path.is_file()]
    assert [path.parent for path in cached] == [attachment_path(item).parent / "thumbnails"]
    assert cached[0].read_bytes() == first
    attachment_path(item).unlink()  # the cache answers without the original
    assert client.get(staff_url(item)).data == first
    assert not list(thumbnail_dir().glob("*.part"))


def test_the_case_pages_show_previews_for_pictures_only(client: FlaskClient, agent: Any) -> None:
    complaint = complaint_with(Upload("photo.png", picture("PNG")), Upload("invoice.pdf", pdf()))
    photo, invoice = sorted(complaint.attachments, key=lambda a: a.original_name != "photo.png")
    html = client.get(f"/staff/complaints/{complaint.reference}").get_data(as_text=True)
    assert f'src="{staff_url(photo)}"' in html
    assert staff_url(invoice) not in html
    customer = client.application.test_client()
    open_case(customer, complaint)
    html = customer.get("/track/case").get_data(as_text=True)
    assert f'src="{public_url(photo)}"' in html
    assert public_url(invoice) not in html


def test_no_preview_of_a_pdf_an_svg_or_html(client: FlaskClient, agent: Any) -> None:
    complaint = complaint_with(Upload("invoice.pdf", pdf()))
    [invoice] = complaint.attachments
    assert client.get(staff_url(invoice)).status_code == 404
    # Files that never pass the upload checks, put in place by hand: an SVG with a script,
    # and HTML claiming to be a PNG. Neither is ever sent back, in any form.
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    html = b"<html><script>alert(1)</script></html>"
    for name, content_type, data in [
        ("drawing.svg", "image/svg+xml", svg),
        ("fake.png", "image/png", html),
    ]:
        stored = f"test-{hashlib.sha256(data).hexdigest()[:16]}"
        row = Attachment(
            complaint=complaint, original_name=name, stored_name=stored,
            content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by="customer",
        )  # fmt: skip
        db.session.add(row)
        db.session.commit()
        attachment_path(row).write_bytes(data)
        response = client.get(staff_url(row))
        assert response.status_code == 404
        assert b"alert(1)" not in response.data


def test_over_the_pixel_budget_there_is_no_preview(
    app: Flask, client: FlaskClient, agent: Any
) -> None:
    complaint = complaint_with(Upload("photo.png", picture("PNG", (1000, 1000))))
    [item] = complaint.attachments
    app.config["MAX_IMAGE_PIXELS"] = 999_999  # lowered after the upload was accepted
    assert client.get(staff_url(item)).status_code == 404
    assert not any(path.is_file() for path in thumbnail_files(item))


def test_the_same_rights_as_the_download(app: Flask, client: FlaskClient) -> None:
    mine = complaint_with(Upload("photo.png", picture("PNG")))
    other = complaint_with(Upload("theirs.png", picture("PNG")), email="bob@example.com")
    [photo], [theirs] = mine.attachments, other.attachments
    # Nobody logged in: staff previews send to the login page, customer previews are not there.
    response = client.get(staff_url(photo))
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert client.get(public_url(photo)).status_code == 404
    # The customer with their case open: their own file, nobody else's.
    open_case(client, mine)
    assert client.get(public_url(photo)).status_code == 200
    assert client.get(public_url(theirs)).status_code == 404
    download = client.get(f"/track/case/files/{theirs.id}")
    assert download.status_code == 404


def test_an_erasure_removes_the_previews(client: FlaskClient) -> None:
    case = whole_case()
    login(client, case.agent)
    photos = [a for a in case.complaint.attachments if a.content_type == "image/png"]
    for item in photos:
        assert client.get(staff_url(item)).status_code == 200
    cached = [path for item in photos for path in thumbnail_files(item) if path.is_file()]
    assert len(cached) == len(photos) >= 2
    erase_person(EMAIL, now=LATER)
    assert not any(path.exists() for path in cached)
