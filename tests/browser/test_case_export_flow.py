"""The case file in a real Chromium: a manager clicks "Export case file" and "Evidence bundle"
on the case page, gets the downloads, and checks a file of the bundle against its manifest;
ticking "Include internal notes" gives the internal version."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.browser.conftest import ConsoleLog, LiveServer, log_in
from tests.documents.casefile_support import full_case
from tests.services.outcomes_support import STAFF_PASSWORD, fast_staff


def _text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.mark.browser
def test_a_manager_exports_the_case_file_and_checks_the_bundle(
    live_server: LiveServer, new_context: Any, watch_console: ConsoleLog, tmp_path: Path
) -> None:
    with live_server.app.app_context():
        case = full_case(fast_staff("agent"), fast_staff("manager"), photos=2)
        reference, display = case.complaint.reference, case.complaint.display_reference
        email = case.reviewer.email

    page = watch_console.watch(new_context(accept_downloads=True).new_page())
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, email, STAFF_PASSWORD)
    page.goto(f"{live_server.url}/staff/complaints/{reference}")

    box = page.locator("#case-file")
    with page.expect_download() as pdf_download:
        box.get_by_role("button", name="Export case file").click()
    pdf = tmp_path / pdf_download.value.suggested_filename
    pdf_download.value.save_as(pdf)
    assert pdf.name == f"case-file-{display}.pdf"
    text = _text(pdf)
    assert display in text and "Zebrawortel" not in text

    box.get_by_label("Include internal notes").check()
    with page.expect_download() as internal_download:
        box.get_by_role("button", name="Export case file").click()
    internal = tmp_path / internal_download.value.suggested_filename
    internal_download.value.save_as(internal)
    assert internal.name == f"case-file-{display}-internal.pdf"
    assert "Zebrawortel" in _text(internal)

    box.get_by_label("Include internal notes").uncheck()
    with page.expect_download() as zip_download:
        box.get_by_role("button", name="Evidence bundle").click()
    bundle = tmp_path / zip_download.value.suggested_filename
    zip_download.value.save_as(bundle)
    assert bundle.name == f"evidence-{display}.zip"
    with zipfile.ZipFile(bundle) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        photo = next(f for f in manifest["files"] if f["kind"] == "attachment")
        data = archive.read(photo["name"])
    assert hashlib.sha256(data).hexdigest() == photo["sha256"]
    assert page.url.endswith(f"/staff/complaints/{reference}")  # downloads, no navigation
    assert watch_console.errors == []
