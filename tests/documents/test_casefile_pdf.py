"""The case file PDF, read back with pypdf: every word of every message, the hashes, the page
numbering, both languages, the internal notes only in the internal version."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from flask import Flask
from pypdf import PdfReader

from helpdesk.documents.casefile import case_file_pdf
from helpdesk.services.audit_trail import chain_head
from helpdesk.services.casefile import load_case_file
from tests.documents.casefile_support import SECRET_NOTE, Case, full_case
from tests.services.outcomes_support import fast_staff

NOW = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)


def _case(language: str = "en", **kw: object) -> Case:
    agent = fast_staff("agent", name="Sanne Agent")
    reviewer = fast_staff("manager", name="Pieter Reviewer")
    return full_case(agent, reviewer, language=language, **kw)  # type: ignore[arg-type]


def _pdf(app: Flask, case: Case, *, internal: bool) -> tuple[bytes, PdfReader, str]:
    with app.test_request_context():
        loaded = load_case_file(case.complaint.reference, internal=internal, now=NOW)
        assert loaded is not None
        data = case_file_pdf(loaded)
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return data, reader, text


def _flat(text: str) -> str:
    return " ".join(text.split())


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w€.,:;'-]+", text))


def test_every_word_of_every_message_is_in_the_pdf(app: Flask) -> None:
    case = _case(extra_messages=6)
    _, _, text = _pdf(app, case, internal=False)
    found = _words(text)
    missing = {word for message in case.texts for word in _words(message)} - found
    assert not missing


def test_parties_remedy_outcomes_referral_and_hashes(app: Flask) -> None:
    case = _case()
    complaint = case.complaint
    _, _, text = _pdf(app, case, internal=False)
    flat = _flat(text)
    for expected in (
        complaint.display_reference,
        "Anna de Boer",
        "anna@example.com",
        "NL-2026-004512",
        "Preferred solution Refund",
        "€89.95 (partial refund)",
        "€179.90 (full refund)",
        "Same kind of outcome as the first: Refund.",
        "De Geschillencommissie",
        "GC-2026-7781",
        "Sanne Agent",
        "Pieter Reviewer",
    ):
        assert expected in flat, expected
    for item in complaint.attachments:
        assert item.sha256 in flat.replace(" ", "") or item.sha256 in text.replace("\n", "")
    head = chain_head(complaint)
    assert head in text.replace("\n", "").replace(" ", "")
    assert "intact" in flat


def test_every_page_has_the_header_and_page_n_of_m(app: Flask) -> None:
    case = _case(extra_messages=30)
    _, reader, _ = _pdf(app, case, internal=False)
    pages = len(reader.pages)
    assert pages >= 3
    for number, page in enumerate(reader.pages, start=1):
        flat = _flat(page.extract_text())
        assert f"Page {number} of {pages}" in flat
        assert f"Case file {case.complaint.display_reference}" in flat
        assert "IOPRO" in flat


def test_sla_table_shows_the_pause_and_the_clocks(app: Flask) -> None:
    case = _case()
    _, _, text = _pdf(app, case, internal=False)
    flat = _flat(text)
    assert "Acknowledgement (within 2 business days)" in flat
    assert "Full response (within 7 business days)" in flat
    assert "Final response after review" in flat
    # Received Monday 2 March; information requested Tuesday, answered Thursday: 2 days paused.
    assert "(2 business days)" in flat
    assert "Wednesday 11 March 2026" in flat  # a due date: words.dates' "day", as on the page
    assert flat.count("met") >= 3


def test_internal_notes_only_in_the_internal_version(app: Flask) -> None:
    case = _case()
    _, _, customer_text = _pdf(app, case, internal=False)
    _, _, internal_text = _pdf(app, case, internal=True)
    assert "Zebrawortel" not in customer_text
    assert "Kwartelkoning" not in customer_text
    assert "Internal notes (not shown to the customer)" not in _flat(customer_text)
    flat = _flat(internal_text)
    assert "Internal notes (not shown to the customer)" in flat
    assert _flat(SECRET_NOTE) in flat
    assert "Internal version: contains internal notes" in flat


def test_dutch_case_file(app: Flask) -> None:
    case = _case(language="nl")
    _, reader, text = _pdf(app, case, internal=False)
    flat = _flat(text)
    pages = len(reader.pages)
    assert f"Pagina 1 van {pages}" in flat
    assert "Dossier" in flat
    assert "Gewenste oplossing Terugbetaling" in flat or "Gewenste oplossing" in flat
    assert "Definitief antwoord" in flat
    assert "mrt 2026" in flat  # Dutch month names, day before month
    assert "Opgemaakt op 1 apr 2026 12:00" in flat  # the moment it was made too
    assert "€ 89,95" in flat


def test_the_photos_are_in_the_pdf_as_small_images(app: Flask) -> None:
    case = _case(photos=3)
    data, reader, _ = _pdf(app, case, internal=False)
    # WeasyPrint shares one resource dictionary between pages: count distinct pictures.
    images = {image.data: image for page in reader.pages for image in page.images}.values()
    assert len(images) == 3
    for image in images:
        width, height = image.image.size
        assert max(width, height) <= 480
    assert len(data) < 600_000  # thumbnails, not the 1600 px originals


def test_the_timeline_reads_a_line_an_event(app: Flask) -> None:
    """The timeline is laid out without table boxes: the moment, then who and what."""
    case = _case()
    _, _, text = _pdf(app, case, internal=False)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "When Who · What" in lines
    assert "2 Mar 2026, 10:00 Anna de Boer (customer) · Complaint submitted" in lines
    assert any(line.endswith("Sanne Agent · Outcome sent") for line in lines)


def test_each_fact_is_a_line_of_its_label_and_value(app: Flask) -> None:
    """The facts are laid out without table boxes: the label, then its value, on one line."""
    case = _case()
    _, _, text = _pdf(app, case, internal=False)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for expected in (
        "Customer Anna de Boer · anna@example.com",
        "Order number NL-2026-004512",
        "Preferred solution Refund",
        "Events in the chain " + str(len(case.complaint.events)),
    ):
        assert expected in lines, expected


def test_the_running_words_are_printed_only_in_the_margins(app: Flask) -> None:
    """The header and footer take their words from an empty block's attributes: the first
    page no longer carries them a second time as hidden text."""
    case = _case()
    _, reader, _ = _pdf(app, case, internal=False)
    first = _flat(reader.pages[0].extract_text())
    assert first.count("Version for the customer and mediator") == 1
    assert first.count("Page 1 of") == 1
