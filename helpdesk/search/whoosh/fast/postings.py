"""Posting lists and numeric columns read a block at a time into numpy arrays.

Whoosh's matchers step through postings one Python call at a time, which is what makes
a broad query over 100,000 documents slow. Here a term's whole posting list is read a
block at a time: blocks written by our rebuild writer hold their ids and weights as packed
arrays (fast/blocks), which unpickle as one copy; blocks Whoosh wrote itself hold tuples
and take the slower, generic conversion. A numeric column's packed values are read in one
go. This knows whoosh-reloaded 2.7's block and column layout; anything else takes the
public API (whoosh/reads).
"""

from __future__ import annotations

import zlib
from array import array
from io import BytesIO
from itertools import accumulate
from pickle import load, loads
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3TermsReader
from whoosh.columns import NumericColumn
from whoosh.matching import ListMatcher, WrappingMatcher
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE, unpack_int

from ..reads import NO_FLOATS, NO_IDS, Floats, Ids, TermMemo, open_postings, step_postings


def unwrap(matcher: Any) -> Any:
    """The leaf matcher inside Whoosh's wrapping matchers."""
    while isinstance(matcher, WrappingMatcher):
        matcher = matcher.child
    return matcher


def read_postings(
    reader: Any, fieldname: str, term: bytes, weights: bool = False, memo: TermMemo | None = None
) -> tuple[Ids, Floats]:
    """All ids (and, when asked, weights) of a term in one segment, deleted documents
    included; ids ascending. The term is looked up once per request (`memo`, shared with
    `doc_frequency`) and its blocks read from where its TermInfo points, without a matcher."""
    terms: Any = getattr(reader, "_terms", None)
    if type(terms) is not W3TermsReader or reader.is_closed:
        return _from_matcher(reader, fieldname, term, weights)
    info = term_info(terms, fieldname, term, memo)
    if info is None:
        return NO_IDS, NO_FLOATS
    if info.is_inlined():
        ids, given, _values = info.inlined_postings()
        return _listed(ids, given, weights)
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps struct.unpack's 1-tuple
        length = length[0]
    return _read_blocks(terms._postfile, offset, weights, length)


def doc_frequency(reader: Any, fieldname: str, term: bytes, memo: TermMemo | None) -> int:
    """How many documents of the whole index (deleted ones included) hold the term, as
    Whoosh's `doc_frequency` counts them, from the TermInfos the postings then use."""
    total = 0
    for leaf, _base in reader.leaf_readers():
        terms: Any = getattr(leaf, "_terms", None)
        if type(terms) is not W3TermsReader or leaf.is_closed:
            return int(reader.doc_frequency(fieldname, term))
        info = term_info(terms, fieldname, term, memo)
        total += info.doc_frequency() if info is not None else 0
    return total


def term_info(terms: Any, fieldname: str, term: bytes, memo: TermMemo | None) -> Any | None:
    """The TermInfo of a term in one segment's terms reader (None: not there)."""
    key = (id(terms), fieldname, term)
    if memo is not None and key in memo:
        return memo[key]
    try:
        info = terms.term_info(fieldname, term)
    except (TermNotFound, KeyError):
        info = None
    if memo is not None:
        memo[key] = info
    return info


def _from_matcher(reader: Any, fieldname: str, term: bytes, weights: bool) -> tuple[Ids, Floats]:
    """Another codec or layout: the matcher's blocks, its list, or posting by posting."""
    found = open_postings(reader, fieldname, term)
    if found is None:
        return NO_IDS, NO_FLOATS
    matcher = unwrap(found)
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        return _read_blocks(matcher._postfile, matcher._startoffset, weights)
    if isinstance(matcher, ListMatcher):
        return _listed(matcher._ids, matcher._weights or matcher._all_weights, weights)
    return step_postings(matcher, weights)


def _listed(given_ids: Any, given: Any, weights: bool) -> tuple[Ids, Floats]:
    """Postings held as a list (inlined in the term dictionary)."""
    ids = np.fromiter(given_ids, dtype=np.int64)
    if not weights:
        return ids, NO_FLOATS
    if isinstance(given, float | int):
        return ids, np.full(len(ids), float(given))
    return ids, (np.array(given, dtype=np.float64) if given else np.ones(len(ids)))


def _block_ids(deltas: Any) -> Ids:
    """A block's ids from their deltas: packed (our writer: an unsigned array, whose
    typecode numpy reads as the same C type) or a tuple (Whoosh's)."""
    if isinstance(deltas, array) and deltas.typecode in "BHIL":
        return np.frombuffer(deltas, dtype=deltas.typecode).cumsum(dtype=np.int64)
    return np.fromiter(accumulate(deltas), dtype=np.int64, count=len(deltas))


def _block_weights(given: Any, count: int) -> Floats:
    if given is None:
        return np.ones(count)
    if isinstance(given, float | int):
        return np.full(count, float(given))
    if isinstance(given, array) and given.typecode == "f":
        return np.frombuffer(given, dtype=np.float32).astype(np.float64)
    return np.array(given, dtype=np.float64)


def _blocks(postfile: Any, start: int, size: int | None = None) -> Any:
    """Each block's data tuple (id deltas, weights, values) of the posting list at `start`
    in the postings file. The list is a tag, then blocks: each its length (negative for
    the last one), its pickled header (count, highest id, highest weight, compression,
    shortest and longest document) and its pickled data (zlib-compressed when the header
    says so). With the list's `size` (its TermInfo's extent) the whole list is one read;
    without, two reads a block. A matcher's own `_goto` makes Whoosh's file read a few
    bytes at a time through the header's pickle."""
    magic = len(WHOOSH3_HEADER_MAGIC)
    if size is not None and size > magic:
        postfile, start = _InMemory(postfile.get(start, size)), 0
    if postfile.get(start, magic) != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"no posting list at {start}")  # as Whoosh's "Block tag error"
    position = start + magic
    while True:
        length = unpack_int(postfile.get(position, _INT_SIZE))[0]
        block = postfile.get(position + _INT_SIZE, abs(length))
        stream = BytesIO(block)
        header = load(stream)  # noqa: S301  (the index's own pickles, as Whoosh reads them)
        data = block[stream.tell() :]
        yield loads(zlib.decompress(data) if header[3] else data)  # noqa: S301
        if length < 0:
            return
        position += _INT_SIZE + abs(length)


class _InMemory:
    """A posting list read whole, read from as `_blocks` reads a postings file."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def get(self, position: int, length: int) -> bytes:
        """`length` bytes at `position` (fewer at the end), as StructFile.get."""
        return self.data[position : position + length]


def _read_blocks(
    postfile: Any, start: int, weights: bool, size: int | None = None
) -> tuple[Ids, Floats]:
    """Whole blocks at a time (whoosh-reloaded 2.7 layout); `size`: the list's length in
    bytes, when known (then it is one read)."""
    ids: list[Ids] = []
    found: list[Floats] = []
    for data in _blocks(postfile, start, size):
        block_ids = _block_ids(data[0])
        ids.append(block_ids)
        if weights:
            found.append(_block_weights(data[1], len(block_ids)))
    all_ids = ids[0] if len(ids) == 1 else np.concatenate(ids)
    if not weights:
        return all_ids, NO_FLOATS
    return all_ids, found[0] if len(found) == 1 else np.concatenate(found)


def read_column(reader: Any, name: str, size: int) -> Ids | None:
    """A numeric column as an array: its packed big-endian values read in one go (Whoosh
    2.7's NumericColumn layout; documents past the written ones take the default). None
    for a column of another layout (or none)."""
    if not reader.has_column(name):
        return None
    column = reader.column_reader(name, translate=False)
    if not (isinstance(column, NumericColumn.Reader) and column._typecode == "q"):
        return None
    found = np.full(size, column._default, dtype=np.int64)
    count = min(column._count, size)
    raw = column._dbfile.get(column._basepos, count * column._fixedlen)
    found[:count] = np.frombuffer(raw, dtype=">i8")
    return found
