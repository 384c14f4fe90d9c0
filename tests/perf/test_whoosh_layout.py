"""The index layout built for speed reads exactly what Whoosh itself reads: packed posting
blocks, pair terms for phrases, typo candidates from the cached vocabulary, and indexes
built before pair terms existed."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh.index import create_in
from whoosh.query import Phrase as WhooshPhrase
from whoosh.query import Term

from helpdesk.domain.inbox import InboxQuery
from helpdesk.search.language.nodes import And, Phrase, Word
from helpdesk.search.language.text import is_fuzzy_match
from helpdesk.search.whoosh.fast.bulk import BulkWriter, write_toc
from helpdesk.search.whoosh.fast.postings import _blocks, read_postings, unwrap
from helpdesk.search.whoosh.fast.reads import FAST
from helpdesk.search.whoosh.plan import vocabulary_near
from helpdesk.search.whoosh.reads import STOCK, Reads
from helpdesk.search.whoosh.schema import TextField, make_schema
from helpdesk.search.whoosh.search import rank
from helpdesk.search.whoosh.segments import SegmentCache
from helpdesk.search.whoosh.store import open_index

WORDS = ["parcel", "broken", "download", "link", "refund", "late", "very", "the", "label"]
TYPOS = ["parcle", "brokn", "downlaod", "refnud", "lable", "ordr15", "order1x5"]


def _texts(count: int) -> list[str]:
    rng = random.Random(11)
    return [
        " ".join(rng.choices(WORDS, weights=range(1, len(WORDS) + 1), k=rng.randint(1, 12)))
        + (f" order{n}" if n % 3 else "")
        for n in range(count)
    ]


def _fields(number: int, text: str) -> dict[str, Any]:
    return {
        "id": str(number),
        "text": text,
        "stem": text,
        "pair": text,
        "pos": text,
        "cid": number + 1,
        "received": 1_700_000_000 + number,
        "assignee": 7 if number < 100 and number % 5 == 0 else 0,  # later ones: the default
    }


@pytest.fixture(scope="module")
def bulk(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A 6,000-document index written by the rebuild writer (several blocks per word)."""
    folder = Path(tmp_path_factory.mktemp("bulk"))
    index = create_in(str(folder), make_schema())
    writer = BulkWriter(index)
    for number, text in enumerate(_texts(6000)):
        writer.add_document(**_fields(number, text))
    write_toc(index, [writer.finish()])
    index = open_index(folder)
    with index.searcher() as searcher:
        yield searcher


def _whoosh_postings(reader: Any, name: str, term: bytes) -> tuple[list[int], list[float]]:
    matcher = reader.postings(name, term)
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if matcher.supports("frequency"):  # the packed counts decode to the weights
            assert matcher.value_as("frequency") == matcher.weight()
        matcher.next()
    return ids, weights


@pytest.mark.parametrize(
    ("name", "term"),
    [("text", b"download"), ("text", b"label"), ("stem", b"brok"), ("pair", b"the label")],
)
def test_packed_blocks_read_as_whoosh_reads_them(bulk: Any, name: str, term: bytes) -> None:
    reader = bulk.reader()
    expected_ids, expected_weights = _whoosh_postings(reader, name, term)
    assert len(expected_ids) > 1024  # more than one block
    ids, weights = read_postings(reader, name, term, weights=True)
    assert ids.tolist() == expected_ids
    assert np.allclose(weights, expected_weights)
    ids, weights = STOCK.postings(reader, name, term, weights=True)  # the speed-ups off
    assert ids.tolist() == expected_ids
    assert np.allclose(weights, expected_weights)
    assert len(bulk.search(Term(name, term), limit=None)) == len(expected_ids)


def test_a_block_holds_its_ids_and_weights_as_raw_bytes(bulk: Any) -> None:
    """The rebuild writer's blocks unpickle as one copy: the narrowest array of id deltas
    and the weights are in the file as their bytes (protocol 2 would write a list of
    numbers, 14 times as slow to read)."""
    matcher = unwrap(bulk.reader().postings("text", b"label"))
    postfile, position = matcher._postfile, matcher._baseoffset
    raw = postfile.get(position, 4 + matcher._nextoffset - position)
    deltas, weights, _values = next(_blocks(postfile, matcher._startoffset))
    assert deltas.typecode in ("B", "H")  # 6,000 documents: no gap needs 32 bits
    assert deltas.tobytes() in raw
    assert weights.typecode == "f" and weights.tobytes() in raw


def test_a_posting_list_is_read_in_one_go_when_its_length_is_known(bulk: Any) -> None:
    """With the extent of the term's dictionary entry, a list of several blocks is one read
    of the postings file (two a block without it), and the blocks are the same."""
    (leaf, _), *_ = bulk.reader().leaf_readers()
    offset, length = leaf._terms.term_info("text", b"download").extent()
    length = length[0] if isinstance(length, tuple) else length  # as Whoosh decodes it
    sizes: list[int] = []

    class Counting:
        def get(self, position: int, size: int) -> bytes:
            sizes.append(size)
            return bytes(leaf._terms._postfile.get(position, size))

    whole = list(_blocks(Counting(), offset, length))
    assert sizes == [length]
    sizes.clear()
    apart = list(_blocks(Counting(), offset))
    assert len(apart) > 1 and len(sizes) == 1 + 2 * len(apart)
    assert [(d.tobytes(), w.tobytes()) for d, w, _ in whole] == [
        (d.tobytes(), w.tobytes()) for d, w, _ in apart
    ]


def test_a_term_is_looked_up_once_for_its_idf_and_its_postings(bulk: Any) -> None:
    """The speed-ups read a term's dictionary entry once a query: the document frequency
    (Whoosh's count) and then the postings (long lists from their blocks, short ones from
    the entry itself) come from it, and agree with Whoosh's own reads."""
    reader = bulk.reader()
    (leaf, _), *_ = reader.leaf_readers()
    memo: dict[Any, Any] = {}
    for term in (b"download", b"order16", b"nosuchword"):
        assert FAST.doc_frequency(reader, "text", term, memo) == reader.doc_frequency("text", term)
    assert len(memo) == 3
    for term in (b"download", b"order16", b"nosuchword"):
        ids, weights = FAST.postings(leaf, "text", term, weights=True, memo=memo)
        expected_ids, expected_weights = (
            _whoosh_postings(leaf, "text", term) if term != b"nosuchword" else ([], [])
        )
        assert ids.tolist() == expected_ids
        assert np.allclose(weights, expected_weights)
    assert len(memo) == 3  # no second look-up
    assert leaf._terms.term_info("text", b"order16").is_inlined()  # the short-list case


@pytest.mark.parametrize("name", ["cid", "received", "assignee", "due"])
def test_columns_read_as_whoosh_reads_them(bulk: Any, name: str) -> None:
    (leaf, _), *_ = bulk.reader().leaf_readers()
    expected = list(leaf.column_reader(name, translate=False))
    assert FAST.column(leaf, name, leaf.doc_count_all()).tolist() == expected
    assert STOCK.column(leaf, name, leaf.doc_count_all()).tolist() == expected


def test_whoosh_merges_packed_segments_with_its_own(bulk: Any, tmp_path: Path) -> None:
    """An incremental commit that merges a bulk-built segment keeps every posting."""
    folder = tmp_path / "merge"
    folder.mkdir()
    index = create_in(str(folder), make_schema())
    writer = BulkWriter(index)
    texts = _texts(1500)
    for number, text in enumerate(texts):
        writer.add_document(**_fields(number, text))
    write_toc(index, [writer.finish()])
    index = open_index(folder)
    more = index.writer()
    more.add_document(**_fields(1500, "parcel parcel late"))
    more.commit(optimize=True)  # one segment: everything went through Whoosh's merge
    expected = {n + 1 for n, t in enumerate(texts) if "parcel" in t.split()} | {1501}
    with open_index(folder).reader() as reader:
        assert len(list(reader.leaf_readers())) == 1
        cid = list(reader.column_reader("cid", translate=False))
        assert {cid[d] for d in read_postings(reader, "text", b"parcel")[0]} == expected
        assert {cid[d] for d in read_postings(reader, "pair", b"parcel late")[0]} >= {1501}


def _naive_phrase(texts: list[str], words: list[str]) -> set[int]:
    n = len(words)
    found = set()
    for number, text in enumerate(texts):
        tokens = text.split()
        if any(tokens[i : i + n] == words for i in range(len(tokens))):
            found.add(number + 1)
    return found


def _rank(searcher: Any, node: Any) -> set[int]:
    """The complaints matching `node`, with the speed-ups and without (they must agree)."""
    from zoneinfo import ZoneInfo

    found = []
    for reads in (FAST, STOCK):
        ranked = rank(
            searcher,
            SegmentCache(reads),
            node,
            InboxQuery(sort="relevance"),
            True,
            ZoneInfo("UTC"),
            5000,
        )
        assert ranked.total == len(ranked.ids)
        found.append(ranked.ids)
    assert found[0] == found[1]
    return set(found[0])


@pytest.mark.parametrize("phrase", ["download link", "the parcel", "very late the", "link link"])
def test_phrases_from_pair_terms_match_the_text(bulk: Any, phrase: str) -> None:
    words = phrase.split()
    expected = _naive_phrase(_texts(6000), words)
    assert expected  # the phrase occurs
    assert _rank(bulk, Phrase(tuple(words))) == expected


def test_an_index_built_before_pair_terms_still_answers(tmp_path: Path) -> None:
    """The previous layout (`text` with positions, no pair or pos fields) is searched the
    slower way until it is rebuilt: words, phrases and Whoosh's own phrase query agree."""
    old = make_schema()
    for name in ("pair", "pos", "npair", "npos", "text", "ntext"):
        old.remove(name)
    old.add("text", TextField())
    old.add("ntext", TextField())
    index = create_in(str(tmp_path), old)
    writer = index.writer()
    texts = _texts(400)
    for number, text in enumerate(texts):
        writer.add_document(id=str(number), text=text, stem=text, cid=number + 1, received=number)
    writer.commit()
    with open_index(tmp_path).searcher() as searcher:
        words = ["download", "link"]
        expected = _naive_phrase(texts, words)
        assert _rank(searcher, Phrase(tuple(words))) == expected
        whoosh = {
            int(hit["id"]) + 1 for hit in searcher.search(WhooshPhrase("text", words), limit=None)
        }
        assert whoosh == expected
        both = {n + 1 for n, t in enumerate(texts) if {"refund", "late"} <= set(t.split())}
        assert _rank(searcher, And((Word("refund"), Word("late")))) == both


@pytest.mark.parametrize("typo", TYPOS)
@pytest.mark.parametrize("edits", [1, 2])
@pytest.mark.parametrize("reads", [FAST, STOCK], ids=["fast", "stock"])
def test_typo_candidates_are_the_vocabulary_within_reach(
    bulk: Any, typo: str, edits: int, reads: Reads
) -> None:
    reader = bulk.reader()
    vocabulary = {t.decode() for t in reader.lexicon("text")}
    expected = {w for w in vocabulary if is_fuzzy_match(w, typo, edits)}
    assert vocabulary_near(reader, SegmentCache(reads), typo, edits, False) == expected
