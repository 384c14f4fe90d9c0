"""Fast reads of Whoosh posting lists and per-segment columns, cached per segment.

Whoosh's matchers step through postings one Python call at a time, which is what makes
a broad query over 100,000 documents slow. Here a term's whole posting list is read a
block at a time into numpy arrays, and queries are answered with boolean masks over the
segment's documents (see whoosh_search). Blocks written by our rebuild writer hold their
ids and weights as packed arrays (whoosh_blocks), which unpickle as one copy; blocks
Whoosh wrote itself hold tuples and take the slower, generic conversion. Segments never
change once written (only their deletions do), so what is read from them is cached by
segment id; deleted documents are masked out at the end. The fast path knows
whoosh-reloaded 2.7's block layout; anything else takes the public matcher API.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.columns import NumericColumn
from whoosh.matching import ListMatcher, WrappingMatcher
from whoosh.reading import TermNotFound

from ....labels import CATEGORIES, STATUSES

CATEGORY_KEYS = tuple(CATEGORIES)
STATUS_KEYS = tuple(STATUSES)
DUE_SHIFT = 10_000_000_000  # due_key = yyyymmdd * DUE_SHIFT + received epoch

Ids = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]
_NO_IDS: Ids = np.zeros(0, dtype=np.int64)
_NO_FLOATS: Floats = np.zeros(0, dtype=np.float64)


def _unwrap(matcher: Any) -> Any:
    while isinstance(matcher, WrappingMatcher):
        matcher = matcher.child
    return matcher


def read_postings(
    reader: Any, fieldname: str, term: bytes, weights: bool = False
) -> tuple[Ids, Floats]:
    """All ids (and, when asked, weights) of a term in one segment, deleted documents
    included; ids ascending."""
    try:
        matcher = _unwrap(reader.postings(fieldname, term))
    except (TermNotFound, KeyError):
        return _NO_IDS, _NO_FLOATS
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        return _read_blocks(matcher, weights)
    if isinstance(matcher, ListMatcher):
        ids = np.fromiter(matcher._ids, dtype=np.int64)
        if not weights:
            return ids, _NO_FLOATS
        given = matcher._weights or matcher._all_weights
        if isinstance(given, float | int):
            return ids, np.full(len(ids), float(given))
        return ids, (np.array(given, dtype=np.float64) if given else np.ones(len(ids)))
    found_ids: list[int] = []
    found: list[float] = []
    while matcher.is_active():
        found_ids.append(matcher.id())
        if weights:
            found.append(matcher.weight())
        matcher.next()
    return np.array(found_ids, dtype=np.int64), np.array(found, dtype=np.float64)


def _block_ids(deltas: Any) -> Ids:
    """A block's ids from their deltas: packed (our writer) or a tuple (Whoosh's)."""
    if isinstance(deltas, array) and deltas.itemsize == 4:
        return np.frombuffer(deltas, dtype=np.uint32).cumsum(dtype=np.int64)
    return np.fromiter(accumulate(deltas), dtype=np.int64, count=len(deltas))


def _block_weights(given: Any, count: int) -> Floats:
    if given is None:
        return np.ones(count)
    if isinstance(given, float | int):
        return np.full(count, float(given))
    if isinstance(given, array) and given.typecode == "f":
        return np.frombuffer(given, dtype=np.float32).astype(np.float64)
    return np.array(given, dtype=np.float64)


def _read_blocks(matcher: Any, weights: bool) -> tuple[Ids, Floats]:
    """Whole blocks at a time (whoosh-reloaded 2.7 layout)."""
    ids: list[Ids] = []
    found: list[Floats] = []
    while True:
        if matcher._data is None:
            matcher._read_data()
        block_ids = _block_ids(matcher._data[0])
        ids.append(block_ids)
        if weights:
            found.append(_block_weights(matcher._data[1], len(block_ids)))
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)
    all_ids = ids[0] if len(ids) == 1 else np.concatenate(ids)
    if not weights:
        return all_ids, _NO_FLOATS
    return all_ids, found[0] if len(found) == 1 else np.concatenate(found)


def mask_of(size: int, ids: Ids) -> Mask:
    """A boolean mask over a segment's documents with `ids` set."""
    mask = np.zeros(size, dtype=np.bool_)
    mask[ids] = True
    return mask


@dataclass
class SegmentData:
    """What queries need from one segment, read once: columns and per-key masks."""

    size: int
    cid: Ids
    received: Ids
    due_key: Ids
    assignee: Ids
    #: Index into CATEGORY_KEYS / STATUS_KEYS per document, plus one (0: none).
    category_of: npt.NDArray[np.int8]
    status_of: npt.NDArray[np.int8]
    category: dict[str, Mask]
    status: dict[str, Mask]
    everything: Mask
    by_assignee: dict[int, Mask] = field(default_factory=dict)
    #: Per field: its terms by (first letter, length), for typo candidates.
    vocabulary: dict[str, dict[tuple[str, int], list[str]]] = field(default_factory=dict)

    def assigned_to(self, staff_id: int) -> Mask:
        """Documents assigned to `staff_id` (0 = nobody), remembered per person."""
        found = self.by_assignee.get(staff_id)
        if found is None:
            found = self.by_assignee[staff_id] = self.assignee == staff_id
        return found

    def words_like(self, reader: Any, name: str, word: str, spread: int) -> Iterator[str]:
        """Terms of field `name` that start with the letter `word` starts with and are at
        most `spread` letters longer or shorter (every term a typo of `word` can be)."""
        buckets = self.vocabulary.get(name)
        if buckets is None:
            buckets = defaultdict(list)
            if name in reader.schema:
                for term in reader.lexicon(name):
                    text = term.decode("utf-8")
                    buckets[text[:1], len(text)].append(text)
            buckets = self.vocabulary[name] = dict(buckets)
        for length in range(len(word) - spread, len(word) + spread + 1):
            yield from buckets.get((word[:1], length), ())

    def nothing(self) -> Mask:
        """A fresh mask with no document set."""
        return np.zeros(self.size, dtype=np.bool_)


def _column(reader: Any, name: str, size: int) -> Ids:
    """A numeric column as an array: its packed big-endian values read in one go (Whoosh
    2.7's NumericColumn layout; documents past the written ones take the default)."""
    if not reader.has_column(name):
        return np.zeros(size, dtype=np.int64)
    column = reader.column_reader(name, translate=False)
    if isinstance(column, NumericColumn.Reader) and column._typecode == "q":
        found = np.full(size, column._default, dtype=np.int64)
        count = min(column._count, size)
        raw = column._dbfile.get(column._basepos, count * column._fixedlen)
        found[:count] = np.frombuffer(raw, dtype=">i8")
        return found
    return np.fromiter(column, dtype=np.int64, count=size)


def _key_masks(
    reader: Any, name: str, keys: tuple[str, ...], size: int
) -> tuple[dict[str, Mask], npt.NDArray[np.int8]]:
    masks: dict[str, Mask] = {}
    which = np.zeros(size, dtype=np.int8)
    for index, key in enumerate(keys):
        ids, _ = read_postings(reader, name, key.encode())
        masks[key] = mask_of(size, ids)
        which[ids] = index + 1
    return masks, which


def load_segment(reader: Any) -> SegmentData:
    """Read one segment's columns and key masks."""
    size = reader.doc_count_all()
    received = _column(reader, "received", size)
    due = _column(reader, "due", size)
    category, category_of = _key_masks(reader, "category", CATEGORY_KEYS, size)
    status, status_of = _key_masks(reader, "status", STATUS_KEYS, size)
    return SegmentData(
        size=size,
        cid=_column(reader, "cid", size),
        received=received,
        due_key=due * DUE_SHIFT + received,
        assignee=_column(reader, "assignee", size),
        category_of=category_of,
        status_of=status_of,
        category=category,
        status=status,
        everything=np.ones(size, dtype=np.bool_),
    )


class SegmentCache:
    """SegmentData by segment id, for the segments of the last few index versions."""

    def __init__(self, size: int = 64) -> None:
        self._data: OrderedDict[str, SegmentData] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, reader: Any) -> SegmentData:
        """The cached data of this segment reader, read on first use."""
        key = reader.segment().segment_id()
        with self._lock:
            data = self._data.get(key)
            if data is None:
                data = self._data[key] = load_segment(reader)
                while len(self._data) > self._size:
                    self._data.popitem(last=False)
            else:
                self._data.move_to_end(key)
            return data
