"""Fast reads of Whoosh posting lists and per-segment columns, cached per segment.

Whoosh's matchers step through postings one Python call at a time, which is what makes
a broad query over 100,000 documents slow. Here a term's whole posting list is read a
block at a time (ids rebuilt with `itertools.accumulate`) and queries are answered with
set algebra in C. Segments never change once written (only their deletions do), so what
is read from them is cached by segment id; deleted documents are subtracted at the end.
The fast path knows whoosh-reloaded 2.7's block layout; anything else takes the public,
slower matcher API.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ListMatcher, WrappingMatcher
from whoosh.reading import TermNotFound

from ..labels import CATEGORIES, STATUSES

CATEGORY_KEYS = tuple(CATEGORIES)
STATUS_KEYS = tuple(STATUSES)
DUE_SHIFT = 10_000_000_000  # due_key = yyyymmdd * DUE_SHIFT + received epoch


def _unwrap(matcher: Any) -> Any:
    while isinstance(matcher, WrappingMatcher):
        matcher = matcher.child
    return matcher


def read_postings(
    reader: Any, fieldname: str, term: bytes, weights: bool = False
) -> tuple[list[int], list[float]]:
    """All ids (and weights) of a term in one segment, deleted documents included."""
    try:
        matcher = _unwrap(reader.postings(fieldname, term))
    except (TermNotFound, KeyError):
        return [], []
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        return _read_blocks(matcher, weights)
    ids: list[int] = []
    found: list[float] = []
    if isinstance(matcher, ListMatcher):
        ids = list(matcher._ids)
        if weights:
            given = matcher._weights or matcher._all_weights
            if isinstance(given, float | int):
                found = [float(given)] * len(ids)
            else:
                found = list(given) if given else [1.0] * len(ids)
        return ids, found
    while matcher.is_active():
        ids.append(matcher.id())
        if weights:
            found.append(matcher.weight())
        matcher.next()
    return ids, found


def _read_blocks(matcher: Any, weights: bool) -> tuple[list[int], list[float]]:
    """Whole blocks at a time: ids rebuilt from their deltas in C (whoosh-reloaded 2.7)."""
    ids: list[int] = []
    found: list[float] = []
    while True:
        if matcher._data is None:
            matcher._read_data()
        block_ids, block_weights = matcher._data[0], matcher._data[1]
        ids.extend(accumulate(block_ids))
        if weights:
            count = len(block_ids)
            if block_weights is None:
                found.extend(repeat(1.0, count))
            elif isinstance(block_weights, float):
                found.extend(repeat(block_weights, count))
            else:
                found.extend(block_weights)
        if matcher._lastblock:
            return ids, found
        matcher._goto(matcher._nextoffset)


def read_positions(
    reader: Any, fieldname: str, term: bytes, wanted: set[int]
) -> dict[int, list[int]]:
    """Positions of a term in the documents `wanted` (for phrase checks)."""
    out: dict[int, list[int]] = {}
    try:
        matcher = _unwrap(reader.postings(fieldname, term))
    except (TermNotFound, KeyError):
        return out
    decode = reader.schema[fieldname].format.decode_positions
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        while True:
            if matcher._data is None:
                matcher._read_data()
            block_ids = list(accumulate(matcher._data[0]))
            if not wanted.isdisjoint(block_ids):
                matcher._read_values()
                for i, docnum in enumerate(block_ids):
                    if docnum in wanted:
                        out[docnum] = decode(matcher._values[i])
            if matcher._lastblock:
                break
            matcher._goto(matcher._nextoffset)
        return out
    while matcher.is_active():
        if matcher.id() in wanted:
            out[matcher.id()] = decode(matcher.value())
        matcher.next()
    return out


@dataclass
class SegmentData:
    """What queries need from one segment, read once: columns and per-key document sets."""

    size: int
    cid: array[int]
    received: array[int]
    due_key: array[int]
    assignee: array[int]
    category_of: array[int]
    status_of: array[int]
    category: dict[str, frozenset[int]]
    status: dict[str, frozenset[int]]
    everything: frozenset[int]
    by_assignee: dict[int, frozenset[int]] = field(default_factory=dict)

    def assigned_to(self, staff_id: int) -> frozenset[int]:
        """Documents assigned to `staff_id` (0 = nobody), built on first use."""
        if not self.by_assignee:
            groups: dict[int, list[int]] = defaultdict(list)
            for docnum, who in enumerate(self.assignee):
                groups[who].append(docnum)
            self.by_assignee = {who: frozenset(docs) for who, docs in groups.items()}
            self.by_assignee.setdefault(0, frozenset())
        return self.by_assignee.get(staff_id, frozenset())


def _column(reader: Any, name: str, size: int) -> array[int]:
    if not reader.has_column(name):
        return array("q", repeat(0, size))
    return array("q", reader.column_reader(name, translate=False))


def _key_sets(
    reader: Any, name: str, keys: tuple[str, ...], size: int
) -> tuple[dict[str, frozenset[int]], array[int]]:
    sets: dict[str, frozenset[int]] = {}
    which = array("b", repeat(-1, size))
    for index, key in enumerate(keys):
        ids, _ = read_postings(reader, name, key.encode())
        sets[key] = frozenset(ids)
        for docnum in ids:
            which[docnum] = index
    return sets, which


def load_segment(reader: Any) -> SegmentData:
    """Read one segment's columns and key sets."""
    size = reader.doc_count_all()
    received = _column(reader, "received", size)
    due = _column(reader, "due", size)
    category, category_of = _key_sets(reader, "category", CATEGORY_KEYS, size)
    status, status_of = _key_sets(reader, "status", STATUS_KEYS, size)
    return SegmentData(
        size=size,
        cid=_column(reader, "cid", size),
        received=received,
        due_key=array("q", (d * DUE_SHIFT + r for d, r in zip(due, received, strict=True))),
        assignee=_column(reader, "assignee", size),
        category_of=category_of,
        status_of=status_of,
        category=category,
        status=status,
        everything=frozenset(range(size)),
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
