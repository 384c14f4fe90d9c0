"""Segment files read with os.pread (whoosh/fast/files) give exactly the bytes, and leave
exactly the position, that Whoosh's own file objects do; searchers opened on them read the
same postings."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from whoosh.index import create_in

from helpdesk.search.whoosh.fast.bulk import BulkWriter, write_toc
from helpdesk.search.whoosh.fast.files import PartFile, open_fast_index
from helpdesk.search.whoosh.fast.postings import read_postings
from helpdesk.search.whoosh.schema import make_schema
from helpdesk.search.whoosh.store import open_index

WORDS = ["parcel", "broken", "download", "link", "refund", "late", "the", "label"]


def _fields(number: int, rng: random.Random) -> dict[str, Any]:
    text = " ".join(rng.choices(WORDS, k=rng.randint(1, 10))) + f" order{number}"
    return {"id": str(number), "text": text, "stem": text, "pair": text, "pos": text,
            "cid": number + 1, "received": 1_700_000_000 + number}  # fmt: skip


@pytest.fixture(scope="module", params=["rebuild", "whoosh"])
def folder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of one compound segment, written by our rebuild writer or by Whoosh."""
    where = Path(tmp_path_factory.mktemp(request.param))
    index = create_in(str(where), make_schema())
    rng = random.Random(5)
    if request.param == "rebuild":
        writer = BulkWriter(index)
        for number in range(3000):
            writer.add_document(**_fields(number, rng))
        write_toc(index, [writer.finish()])
    else:
        writer = index.writer()
        for number in range(1500):
            writer.add_document(**_fields(number, rng))
        writer.commit()
    return where


def _compound(searcher: Any) -> Any:
    """The segment's compound storage (what the reader's overlay opens its files from)."""
    (leaf, _base), *_ = searcher.reader().leaf_readers()
    return leaf._storage.a


def test_every_part_reads_the_same_bytes_and_leaves_the_same_position(folder: Path) -> None:
    rng = random.Random(9)
    with open_index(folder).searcher() as stock, open_fast_index(folder).searcher() as fast:
        stock_files, fast_files = _compound(stock), _compound(fast)
        names = stock_files.list()
        assert names == fast_files.list() and len(names) > 3
        for name in names:
            mine, theirs = fast_files.open_file(name), stock_files.open_file(name)
            assert isinstance(mine, PartFile)
            size = stock_files.file_length(name)
            spots = [(0, 8), (size - 3, 8), (size, 4), (size + 10, 4), (0, size)]
            spots += [(rng.randrange(size), rng.randrange(1, 64)) for _ in range(200)]
            for position, length in spots:
                assert mine.get(position, length) == theirs.get(position, length)
                # Whoosh may read on from where a get left it
                assert mine.read(5) == theirs.read(5), (name, position, length)
                assert mine.tell() == theirs.tell()


def test_a_fast_searcher_reads_the_same_postings(folder: Path) -> None:
    with open_index(folder).searcher() as stock, open_fast_index(folder).searcher() as fast:
        for (mine, _), (theirs, _) in zip(
            fast.reader().leaf_readers(), stock.reader().leaf_readers(), strict=True
        ):
            terms = list(theirs.lexicon("text"))
            assert len(terms) > 1000
            for term in terms[:: max(1, len(terms) // 300)] + [t.encode() for t in WORDS]:
                got = read_postings(mine, "text", term, weights=True)
                expected = read_postings(theirs, "text", term, weights=True)
                assert got[0].tolist() == expected[0].tolist()
                assert got[1].tolist() == expected[1].tolist()
