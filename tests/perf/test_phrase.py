"""Exact-phrase matching on a real Whoosh segment agrees with a plain reading of the text,
read with the speed-ups (fast) and with Whoosh's public API only (stock)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from whoosh import formats
from whoosh.index import create_in

from helpdesk.search.whoosh.fast.phrase import decode_deltas
from helpdesk.search.whoosh.fast.reads import FAST
from helpdesk.search.whoosh.phrase import pair_phrase_docs, phrase_docs
from helpdesk.search.whoosh.reads import STOCK, Reads
from helpdesk.search.whoosh.schema import make_schema

WORDS = ["the", "parcel", "was", "broken", "very", "download", "link", "not", "working"]


def _texts(seed: int, count: int) -> list[tuple[str, str]]:
    """Random public texts and internal notes from a small vocabulary (many near misses)."""
    rng = random.Random(seed)
    return [
        (" ".join(rng.choices(WORDS, k=rng.randint(1, 30))), " ".join(rng.choices(WORDS, k=5)))
        for _ in range(count)
    ]


@pytest.fixture(scope="module")
def segment(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One segment of 600 documents (enough for several posting blocks per word)."""
    folder = Path(tmp_path_factory.mktemp("phrase"))
    index = create_in(str(folder), make_schema())
    writer = index.writer()
    for number, (text, note) in enumerate(_texts(7, 600)):
        writer.add_document(
            id=str(number), text=text, pair=text, pos=text, ntext=note, npair=note, npos=note
        )
    writer.commit()
    reader = index.reader()
    yield reader
    reader.close()


def _naive(texts: list[str], words: list[str]) -> set[int]:
    """Documents whose words contain the phrase, read straight from the text."""
    n = len(words)
    return {
        docnum
        for docnum, text in enumerate(texts)
        if any(text.split()[i : i + n] == words for i in range(len(text.split())))
    }


@pytest.fixture(params=[FAST, STOCK], ids=["fast", "stock"])
def reads(request: pytest.FixtureRequest) -> Reads:
    """How the segment is read: the speed-ups, or Whoosh's public API only."""
    found: Reads = request.param
    return found


@pytest.mark.parametrize(
    "phrase",
    ["download link", "very very", "the parcel was", "not working the", "broken", "link link link"],
)
def test_phrase_docs_match_the_text(segment: Any, phrase: str, reads: Reads) -> None:
    """Two-, three-word and repeated-word phrases, in public text and in notes."""
    texts = _texts(7, 600)
    words = phrase.split()
    terms = [w.encode() for w in words]
    public = phrase_docs(reads, segment, "pos", terms, set())
    assert public == _naive([t for t, _ in texts], words)
    notes = _naive([n for _, n in texts], words)
    assert phrase_docs(reads, segment, "npos", terms, set()) == notes
    assert phrase_docs(reads, segment, "npos", terms, public) == notes - public
    if len(words) > 1:  # what searches use: pair terms, positions only for 3+ words
        assert pair_phrase_docs(reads, segment, "pair", "pos", tuple(words), set()) == public
        assert (
            pair_phrase_docs(reads, segment, "npair", "npos", tuple(words), public)
            == notes - public
        )


def test_phrase_of_an_unknown_word_matches_nothing(segment: Any, reads: Reads) -> None:
    """A word that is not indexed leaves no candidates."""
    assert phrase_docs(reads, segment, "pos", [b"download", b"zebra"], set()) == set()
    assert pair_phrase_docs(reads, segment, "pair", "pos", ("download", "zebra"), set()) == set()


def test_decode_deltas_matches_whoosh() -> None:
    """The joined decoding gives what Whoosh's own decoder gives, and falls back cleanly."""
    fmt = formats.Positions()
    lists = [[0], [3, 9], [1, 2, 300, 70000], list(range(0, 3000, 7))]
    values = [fmt.encode(positions) for positions in lists]
    deltas = decode_deltas(fmt, values)
    assert [list(_running(d)) for d in deltas] == [fmt.decode_positions(v) for v in values]
    broken = [*values, b"\x00\x00\x00\x01not a pickle."]
    with pytest.raises(Exception):  # noqa: B017 - Whoosh's own decoder fails too
        decode_deltas(fmt, broken)


def _running(deltas: list[int]) -> list[int]:
    """Positions back from deltas."""
    out, total = [], 0
    for step in deltas:
        total += step
        out.append(total)
    return out
