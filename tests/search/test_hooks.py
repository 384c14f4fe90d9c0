"""Indexing follows the real use cases: what a service commits is searchable at once."""

from __future__ import annotations

from flask import Flask

from helpdesk import search
from helpdesk.services.submission import NewComplaint, submit_complaint
from tests.search.support import find


def test_a_submitted_complaint_is_found_by_its_words_reference_and_order(app: Flask) -> None:
    complaint = submit_complaint(
        NewComplaint(
            name="Fleur de Wit",
            email="fleur@example.nl",
            order_number="NL-2026-123456",
            category="physical",
            description="De vaas is gebroken aangekomen.",
            language="nl",
        )
    )
    assert find("vaas").complaint_ids == [complaint.id]
    assert find("gebroken").complaint_ids == [complaint.id]
    assert find(complaint.display_reference.lower()).complaint_ids == [complaint.id]
    assert find("NL-2026-123456").complaint_ids == [complaint.id]
    assert find("fleur").complaint_ids == [complaint.id]
    assert search.check().ok
