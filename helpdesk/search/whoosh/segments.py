"""What queries need from one Whoosh segment, read once and cached per segment.

Queries are answered with boolean masks over a segment's documents (see whoosh/search):
the numeric columns (complaint id, received, due, assignee) as arrays, and a mask per
category and status. Segments never change once written (only their deletions do), so
what is read from them is cached by segment id; deleted documents are masked out at the
end. How the segment is read (Whoosh's public API, or the speed-ups' block reads) is the
`Reads` the cache is given.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ...words.labels import CATEGORIES, STATUSES
from .reads import Floats, Ids, Reads

CATEGORY_KEYS = tuple(CATEGORIES)
STATUS_KEYS = tuple(STATUSES)
DUE_SHIFT = 10_000_000_000  # due_key = yyyymmdd * DUE_SHIFT + received epoch

Mask = npt.NDArray[np.bool_]
__all__ = ["Floats", "Ids", "Mask", "SegmentCache", "SegmentData", "mask_of"]


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
    #: Per field: its terms by (first letter, length), for typo candidates, each group's
    #: terms in one string, a line each (see words_like).
    vocabulary: dict[str, dict[tuple[str, int], str]] = field(default_factory=dict)

    def assigned_to(self, staff_id: int) -> Mask:
        """Documents assigned to `staff_id` (0 = nobody), remembered per person."""
        found = self.by_assignee.get(staff_id)
        if found is None:
            found = self.by_assignee[staff_id] = self.assignee == staff_id
        return found

    def words_like(self, reader: Any, name: str, word: str, spread: int) -> Iterator[str]:
        """Terms of field `name` that start with the letter `word` starts with and are at
        most `spread` letters longer or shorter (every term a typo of `word` can be).

        A segment's vocabulary is read on the first typo search and kept: at 100,000
        complaints about 125,000 terms, mostly order and tracking numbers. Kept as one
        string a group (a term a line) it takes about 1 MB of each worker's memory where a
        list of strings took 8; the few groups a typo needs are split again when asked
        for. A term holding a line break (none does: the analyzers split on white space)
        could not be told apart from two, so it is left out."""
        buckets = self.vocabulary.get(name)
        if buckets is None:
            grouped: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
            if name in reader.schema:
                for term in reader.lexicon(name):
                    text = term.decode("utf-8")
                    if "\n" not in text:
                        grouped[text[:1], len(text)].append(text)
            buckets = self.vocabulary[name] = {
                key: "\n".join(terms) for key, terms in grouped.items()
            }
        for length in range(len(word) - spread, len(word) + spread + 1):
            group = buckets.get((word[:1], length))
            if group is not None:
                yield from group.split("\n")

    def nothing(self) -> Mask:
        """A fresh mask with no document set."""
        return np.zeros(self.size, dtype=np.bool_)


def _key_masks(
    reads: Reads, reader: Any, name: str, keys: tuple[str, ...], size: int
) -> tuple[dict[str, Mask], npt.NDArray[np.int8]]:
    masks: dict[str, Mask] = {}
    which = np.zeros(size, dtype=np.int8)
    for index, key in enumerate(keys):
        ids, _ = reads.postings(reader, name, key.encode())
        masks[key] = mask_of(size, ids)
        which[ids] = index + 1
    return masks, which


def load_segment(reads: Reads, reader: Any) -> SegmentData:
    """Read one segment's columns and key masks."""
    size = reader.doc_count_all()
    received = reads.column(reader, "received", size)
    due = reads.column(reader, "due", size)
    category, category_of = _key_masks(reads, reader, "category", CATEGORY_KEYS, size)
    status, status_of = _key_masks(reads, reader, "status", STATUS_KEYS, size)
    return SegmentData(
        size=size,
        cid=reads.column(reader, "cid", size),
        received=received,
        due_key=due * DUE_SHIFT + received,
        assignee=reads.column(reader, "assignee", size),
        category_of=category_of,
        status_of=status_of,
        category=category,
        status=status,
        everything=np.ones(size, dtype=np.bool_),
    )


class SegmentCache:
    """SegmentData by segment id, for the segments of the last few index versions, and how
    segments are read (`reads`: the stock API or the speed-ups)."""

    def __init__(self, reads: Reads, size: int = 64) -> None:
        self.reads = reads
        self._data: OrderedDict[str, SegmentData] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, reader: Any) -> SegmentData:
        """The cached data of this segment reader, read on first use."""
        key = reader.segment().segment_id()
        with self._lock:
            data = self._data.get(key)
            if data is None:
                data = self._data[key] = load_segment(self.reads, reader)
                while len(self._data) > self._size:
                    self._data.popitem(last=False)
            else:
                self._data.move_to_end(key)
            return data
