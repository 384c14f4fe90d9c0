"""Word forms on every backend: real Dutch plurals (compounds, doubled consonants, v/f and z/s)
and English plurals and past tenses find their singular, and the other way round.

Each pair is two complaints, one with each form; searching either form must find exactly
both. Runs on Whoosh (with and without the speed-ups) and on PostgreSQL, like the contract
suite (tests/search/conftest.py, `backend_app`).
"""

from __future__ import annotations

from typing import Any

import pytest

from helpdesk.search.language.text import ANALYSIS_VERSION, dutch_forms, variants
from tests.search.support import Spec, add_complaints, find

DUTCH = [
    ("lampenkappen", "lampenkap"),
    ("pakketten", "pakket"),
    ("facturen", "factuur"),
    ("bestellingen", "bestelling"),
    ("wachtwoorden", "wachtwoord"),
    ("tassen", "tas"),
    ("brieven", "brief"),
    ("huizen", "huis"),
]
ENGLISH = [
    ("boxes", "box"),
    ("arrived", "arrive"),
    ("damaged", "damage"),
    ("parcels", "parcel"),
]
PAIRS = DUTCH + ENGLISH


@pytest.fixture(scope="module")
def forms(backend_app: Any) -> dict[str, int]:
    """One complaint per word form: word -> complaint id."""
    with backend_app.app_context():
        specs = [
            Spec(
                f"Melding {n}: {word}.",
                day=n,
                name="Klant",
                email=f"klant{n}@voorbeeld.nl",
                language="nl" if (plural, single) in DUTCH else "en",
            )
            for n, (plural, single) in enumerate(PAIRS)
            for word in (plural, single)
        ]
        made = add_complaints(specs)
        words = [word for pair in PAIRS for word in pair]
        return {word: c.id for word, c in zip(words, made, strict=True)}


@pytest.mark.parametrize(("plural", "single"), PAIRS)
def test_a_plural_finds_its_singular_and_back(
    in_backend: Any, forms: dict[str, int], plural: str, single: str
) -> None:
    both = {forms[plural], forms[single]}
    for typed in (plural, single, plural.upper()):
        page = find(typed, per_page=50)
        assert set(page.complaint_ids) == both, (typed, page.complaint_ids)
        assert page.total == 2 and not page.fallback


def test_the_marked_words_are_both_forms(in_backend: Any, forms: dict[str, int]) -> None:
    page = find("lampenkap")
    marked = " ".join(page.snippets[forms["lampenkappen"]] + page.snippets[forms["lampenkap"]])
    assert "<mark>lampenkappen</mark>" in marked and "<mark>lampenkap</mark>" in marked


def test_dutch_forms_undo_what_snowball_leaves() -> None:
    assert dutch_forms("lampenkappen", "lampenkapp") == ("lampenkap",)
    assert dutch_forms("brieven", "briev") == ("brief",)
    assert dutch_forms("huizen", "huiz") == ("huis",)
    # A word as typed that ends in a double consonant is no Dutch plural: left alone.
    assert dutch_forms("staff", "staff") == ()
    assert variants("staff") == ("staff",)
    # Snowball's own stem stays, so an index built before these forms still matches.
    assert "lampenkapp" in variants("lampenkappen")
    assert ANALYSIS_VERSION >= 2
