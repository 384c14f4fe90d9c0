"""A customer in a real Chromium: submit a complaint in Dutch with a photo, get the email,
follow its tracking link and see the case."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from helpdesk.extensions import db
from helpdesk.files.storage import attachment_path
from helpdesk.models import Attachment, Complaint
from tests.browser.conftest import ConsoleLog, LiveServer
from tests.services.test_submission import ensure_catalogs, jpeg_bytes


@pytest.fixture
def live_server_config(smtp_server: Any) -> dict[str, Any]:
    """Mail goes to the test's real SMTP server."""
    return {"SMTP_URL": smtp_server.url}


@pytest.mark.browser
def test_dutch_complaint_with_photo_email_and_tracking_link(
    live_server: LiveServer,
    new_context: Any,
    smtp_server: Any,
    watch_console: ConsoleLog,
    tmp_path: Path,
) -> None:
    ensure_catalogs()
    photo = tmp_path / "kapotte-lamp.jpg"
    photo.write_bytes(jpeg_bytes((60, 30), orientation=6))

    page = watch_console.watch(new_context(locale="nl-NL").new_page())
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/complaints/new?lang=nl")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.get_by_label("Naam", exact=True).fill("Anna de Vries")
    page.get_by_label("E-mail", exact=True).fill("anna@example.com")
    page.get_by_label("Ordernummer", exact=True).fill("NL-2026-004512")
    page.get_by_label("Categorie", exact=True).select_option("physical")
    page.get_by_label("Omschrijving", exact=True).fill("De lamp kwam kapot aan; foto bijgevoegd.")
    page.get_by_label("Bijlagen", exact=True).set_input_files(str(photo))
    page.get_by_role("button", name="Klacht versturen").click()

    page.wait_for_url(re.compile(r"/complaints/submitted$"))
    assert "Dank u wel, wij hebben uw klacht ontvangen" in page.content()
    code = page.locator("#reference-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)

    with live_server.app.app_context():
        from helpdesk.mail.sender import send_pending

        send_pending(now=None)
        complaint = db.session.query(Complaint).one()
        assert complaint.display_reference == code and complaint.language == "nl"
        [attachment] = db.session.query(Attachment).all()
        stored = attachment_path(attachment).read_bytes()

    # The stored photo lost its EXIF (camera and GPS) and was turned upright.
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif() and image.size == (30, 60)
    assert b"SpyCam" not in stored

    [email] = smtp_server.wait_for(1)
    assert code in email["Subject"] and "klacht" in email["Subject"]
    body = email.get_body(preferencelist=("plain",)).get_content()
    assert "Anna" not in body and "lamp" not in body
    link = re.search(r"http://127\.0\.0\.1:\d+/track/link/\S+", body)
    assert link is not None

    # A fresh browser (no session from the submission) follows the link from the email.
    reader = watch_console.watch(new_context(locale="nl-NL").new_page())
    reader.goto(link.group(0))
    reader.wait_for_url(re.compile(r"/track/case$"))
    assert reader.locator("h1 .reference").inner_text() == code
    assert reader.locator("#case-status").inner_text() == "Ontvangst bevestigd"
    history = reader.locator("#timeline").inner_text()
    assert "De lamp kwam kapot aan; foto bijgevoegd." in history
    assert "kapotte-lamp.jpg" in history
    assert watch_console.errors == []


@pytest.mark.browser
@pytest.mark.parametrize("live_server_config", [{"RATELIMIT_ENABLED": True}])
def test_htmx_shows_the_friendly_page_when_a_limit_is_hit(
    live_server: LiveServer, page: Any, watch_console: ConsoleLog
) -> None:
    """htmx does not swap a 429 on its own; app.js shows the error page instead of nothing."""
    watch_console.watch(page)
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/complaints/new?lang=en")
    for _ in range(5):
        page.get_by_role("button", name="Send complaint").click()
        page.get_by_text("Please enter your name.").wait_for()
    page.get_by_role("button", name="Send complaint").click()
    page.get_by_role("heading", name="Too many attempts").wait_for()
    assert "Please wait a minute and try again." in page.locator("main").inner_text()
    assert [e for e in watch_console.errors if "429" not in e] == []
