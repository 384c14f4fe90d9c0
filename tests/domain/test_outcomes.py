"""domain.outcomes: placeholders, amounts, the review window and replacement file types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.domain.outcome_texts import DEFAULT_TEXTS, default_text
from helpdesk.domain.outcomes import (
    FIELDS,
    LABELS,
    PLACEHOLDERS,
    OutcomeKind,
    fill_placeholders,
    format_eur,
    is_review_open,
    parse_amount_cents,
    parse_kind,
    placeholders_in,
    review_deadline,
    sniff_replacement,
    unknown_placeholders,
)
from tests.services.outcomes_support import docx_bytes, epub_bytes, pdf_bytes, png_bytes, zip_bytes


def test_five_kinds_with_the_product_words() -> None:
    assert [LABELS[k] for k in OutcomeKind] == [
        "Replacement file",
        "Replacement product",
        "Refund",
        "Technical assistance",
        "Clarification or correction",
    ]
    assert FIELDS[OutcomeKind.REPLACEMENT_PRODUCT] == ("items", "carrier", "tracking_number")
    assert parse_kind("refund") is OutcomeKind.REFUND
    assert parse_kind("free-money") is None


def test_fill_leaves_unknown_placeholders_visible() -> None:
    text = "Dear {name}, ref {reference}; {unknown} stays; {{literal}}"
    assert fill_placeholders(text, {"name": "Anna", "reference": "ABCD-EFGH-JKMN"}) == (
        "Dear Anna, ref ABCD-EFGH-JKMN; {unknown} stays; {literal}"
    )


def test_fill_never_accesses_attributes_or_indexes() -> None:
    # format_map would read attributes here; we leave such text alone.
    text = "{name.__class__} {name[0]} {name!r} {name:>10} {"
    assert fill_placeholders(text, {"name": "Anna"}) == text


def test_values_are_plain_text_not_templates() -> None:
    # A customer called "{shop}" stays "{shop}": values are never filled a second time.
    assert fill_placeholders("Hi {name} from {shop}", {"name": "{shop}", "shop": "IOPRO"}) == (
        "Hi {shop} from IOPRO"
    )


def test_placeholders_found_and_unknown_ones_named() -> None:
    text = "{name} {amount} {name} {colour} {{escaped}}"
    assert placeholders_in(text) == ["name", "amount", "colour"]
    assert unknown_placeholders(text) == ["colour"]


def test_default_texts_exist_in_both_languages_and_use_only_known_placeholders() -> None:
    for kind in OutcomeKind:
        for language in ("en", "nl"):
            text = DEFAULT_TEXTS[(kind, language)]
            assert len(text) > 200
            assert unknown_placeholders(text) == []
            assert "{name}" in text and "{shop}" in text and "{reference}" in text
    assert "{amount}" in DEFAULT_TEXTS[(OutcomeKind.REFUND, "nl")]
    assert "{tracking_number}" in DEFAULT_TEXTS[(OutcomeKind.REPLACEMENT_PRODUCT, "en")]
    assert "{download_link_note}" in DEFAULT_TEXTS[(OutcomeKind.REPLACEMENT_FILE, "nl")]
    assert "Beste" in default_text(OutcomeKind.CORRECTION, "nl")
    assert (
        default_text(OutcomeKind.CORRECTION, "de") == DEFAULT_TEXTS[(OutcomeKind.CORRECTION, "en")]
    )
    assert set(PLACEHOLDERS) >= {"items", "carrier", "order_number"}


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("12,50", 1250),
        ("12.50", 1250),
        ("€ 12", 1200),
        ("EUR 7,5", 750),
        ("1.234,56", 123456),
        ("1,234.56", 123456),
        ("0,01", 1),
    ],
)
def test_amounts_as_people_type_them(typed: str, cents: int) -> None:
    assert parse_amount_cents(typed) == cents


@pytest.mark.parametrize(
    "typed", ["", "abc", "-5", "0", "12,345", "1e3x", "NaN", "Infinity", "2000000"]
)
def test_amounts_that_are_refused(typed: str) -> None:
    assert parse_amount_cents(typed) is None


def test_format_eur() -> None:
    assert format_eur(123456) == "€1,234.56"


def test_review_window_is_counted_from_the_outcome() -> None:
    responded = datetime(2026, 3, 4, 13, 0, tzinfo=UTC)
    deadline = review_deadline(responded, 30)
    assert deadline == datetime(2026, 4, 3, 13, 0, tzinfo=UTC)
    common = {"responded_at": responded, "review_requested_at": None, "period_days": 30}
    assert is_review_open(status="resolved", now=deadline, **common)
    assert not is_review_open(status="resolved", now=deadline + timedelta(seconds=1), **common)
    assert not is_review_open(status="final", now=responded, **common)
    assert not is_review_open(
        status="resolved",
        now=responded,
        responded_at=responded,
        review_requested_at=responded,
        period_days=30,
    )


@pytest.mark.parametrize(
    ("data", "name", "family", "extension"),
    [
        (pdf_bytes(), "manual.pdf", "pdf", "pdf"),
        (png_bytes(), "cover.PNG", "png", "png"),
        (epub_bytes(), "book.epub", "epub", "epub"),
        (epub_bytes(), "book.zip", "epub", "epub"),  # the name does not decide
        (docx_bytes(), "letter.docx", "docx", "docx"),
        (zip_bytes({"a.txt": b"a"}), "bundle.zip", "zip", "zip"),
        (b"ID3\x03\x00" + b"\x00" * 100, "song.mp3", "mp3", "mp3"),
        (b"\x00\x00\x00\x18ftypM4A " + b"\x00" * 100, "talk.m4a", "mp4", "m4a"),
        (b"\x00\x00\x00\x18ftypisom" + b"\x00" * 100, "clip.exe", "mp4", "mp4"),
        (b"Your licence key: ABC-123\n", "key.txt", "txt", "txt"),
    ],
)
def test_replacement_files_recognised_by_content(
    data: bytes, name: str, family: str, extension: str
) -> None:
    found = sniff_replacement(data, name)
    assert found is not None
    assert (found.family, found.extension) == (family, extension)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"MZ\x90\x00" + b"\x00" * 200,  # a Windows program
        b"\x7fELF" + b"\x00" * 200,
        b"<!DOCTYPE html><script>alert(1)</script>",
        b"PK\x03\x04 not really a zip",
        bytes(range(256)),
    ],
)
def test_other_files_are_refused(data: bytes) -> None:
    assert sniff_replacement(data, "innocent.pdf") is None
