"""Reference codes: 12 Crockford base32 characters, forgiving when typed, strict otherwise."""

from __future__ import annotations

import re

import pytest

from helpdesk.domain.reference import (
    ALPHABET,
    LENGTH,
    format_reference,
    generate_reference,
    is_reference,
    normalise_reference,
)


def test_alphabet_is_crockford_base32() -> None:
    assert len(ALPHABET) == 32
    assert set(ALPHABET).isdisjoint("ILOU")
    assert ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def test_generated_codes_have_the_right_shape() -> None:
    for _ in range(200):
        code = generate_reference()
        assert len(code) == LENGTH == 12
        assert set(code) <= set(ALPHABET)
        assert normalise_reference(code) == code


def test_display_form() -> None:
    assert format_reference("ABCDEFGHJK12") == "ABCD-EFGH-JK12"
    assert re.fullmatch(
        r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", format_reference(generate_reference())
    )


def test_no_repeats_in_ten_thousand_and_every_character_used() -> None:
    codes = [generate_reference() for _ in range(10_000)]
    assert len(set(codes)) == len(codes)
    used = {ch for code in codes for ch in code}
    assert used == set(ALPHABET)
    # Roughly uniform: each of 32 characters is expected 3,750 times in 120,000 positions.
    counts = [sum(code.count(ch) for code in codes) for ch in ALPHABET]
    assert min(counts) > 3000 and max(counts) < 4500


@pytest.mark.parametrize(
    "typed",
    [
        "ABCD-EFGH-JK12",
        "abcd-efgh-jk12",
        "ABCDEFGHJK12",
        "abcdefghjk12",
        " ABCD EFGH JK12 ",
        "ABCD_EFGH_JK12",
        "ABCD.EFGH.JK12",
        "abcd-efgh-jkI2",  # I read as 1
        "abcd-efgh-jkl2",  # l read as 1
        "ABCD-EFGH-JKL2",
        "\tABCD-EFGH-JK12",
    ],
)
def test_forgiving_input(typed: str) -> None:
    assert normalise_reference(typed) == "ABCDEFGHJK12"
    assert is_reference(typed)


def test_letter_o_reads_as_zero() -> None:
    assert normalise_reference("OOOO-oooo-0000") == "000000000000"


@pytest.mark.parametrize(
    "typed",
    [
        "ABCD-EFGH-JKU2",  # U is never used
        "ABCD-EFGH-JK1",  # 11 characters
        "ABCD-EFGH-JK123",  # 13 characters
        "",
        "------------",
        "ABCD-EFGH-JK1!",
        "ÄBCD-EFGH-JK12",
        "A" * 10_000,
        "ABCD-EFGH-JK12" + " " * 60,  # longer than anyone types
    ],
)
def test_rejects(typed: str) -> None:
    assert normalise_reference(typed) is None
    assert not is_reference(typed)


@pytest.mark.parametrize("typed", [None, 123456789012, b"ABCDEFGHJK12", ["ABCDEFGHJK12"]])
def test_rejects_non_strings(typed: object) -> None:
    assert normalise_reference(typed) is None  # type: ignore[arg-type]
