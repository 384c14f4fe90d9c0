"""How a segment is read: posting lists, posting values, numeric columns and positions.

`Reads` uses Whoosh's public API only: a matcher stepped one posting at a time, a column
iterated value by value, positions decoded by the field's format. It is what the backend
uses when the library speed-ups are off (setting LIBRARY_PATCHES, HELPDESK_LIBRARY_PATCHES=0),
and what the speed-ups (`fast.FastReads`, the same data read whole blocks at a time) fall
back to for a layout they do not know. Both return the same values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.reading import TermNotFound

Ids = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
NO_IDS: Ids = np.zeros(0, dtype=np.int64)
NO_FLOATS: Floats = np.zeros(0, dtype=np.float64)
#: What one query has looked up in the term dictionaries, for the reads that keep it (the
#: speed-ups: a term's entry is read once for its idf and its postings); keys and values
#: are theirs.
TermMemo = dict[tuple[int, str, bytes], Any]


def open_postings(reader: Any, fieldname: str, term: bytes) -> Any | None:
    """A matcher over the term's postings in this segment, or None when it has none."""
    try:
        return reader.postings(fieldname, term)
    except (TermNotFound, KeyError):
        return None


def step_postings(matcher: Any, weights: bool) -> tuple[Ids, Floats]:
    """Every id (and, when asked, weight) of a matcher, one posting at a time."""
    found_ids: list[int] = []
    found: list[float] = []
    while matcher.is_active():
        found_ids.append(matcher.id())
        if weights:
            found.append(matcher.weight())
        matcher.next()
    return np.array(found_ids, dtype=np.int64), np.array(found, dtype=np.float64)


def step_values(matcher: Any, wanted: set[int] | None) -> dict[int, bytes]:
    """The raw posting values of a matcher by document, only for `wanted` ones (None = all)."""
    out: dict[int, bytes] = {}
    while matcher.is_active():
        docnum = matcher.id()
        if wanted is None or docnum in wanted:
            out[docnum] = matcher.value()
        matcher.next()
    return out


def deltas(positions: list[int]) -> list[int]:
    """Differences between successive positions (the first one from 0)."""
    return [b - a for a, b in zip([0, *positions], positions, strict=False)]


class Reads:
    """Segment reads through Whoosh's public API (the stock library, no speed-ups)."""

    fast = False

    def postings(
        self,
        reader: Any,
        fieldname: str,
        term: bytes,
        weights: bool = False,
        memo: TermMemo | None = None,
    ) -> tuple[Ids, Floats]:
        """All ids (and, when asked, weights) of a term in one segment, deleted documents
        included; ids ascending."""
        matcher = open_postings(reader, fieldname, term)
        if matcher is None:
            return NO_IDS, NO_FLOATS
        return step_postings(matcher, weights)

    def doc_frequency(
        self, reader: Any, fieldname: str, term: bytes, memo: TermMemo | None = None
    ) -> int:
        """How many documents of the whole index (deleted ones included) hold the term."""
        return int(reader.doc_frequency(fieldname, term))

    def values(
        self, reader: Any, name: str, term: bytes, wanted: set[int] | None
    ) -> dict[int, bytes]:
        """Raw posting values of a term by document, only for `wanted` ones (None = all)."""
        matcher = open_postings(reader, name, term)
        return {} if matcher is None else step_values(matcher, wanted)

    def column(self, reader: Any, name: str, size: int) -> Ids:
        """A numeric column as an array (zeros when the segment has no such column)."""
        if not reader.has_column(name):
            return np.zeros(size, dtype=np.int64)
        column = reader.column_reader(name, translate=False)
        return np.fromiter(column, dtype=np.int64, count=size)

    def position_deltas(self, fmt: Any, values: list[bytes]) -> list[list[int]]:
        """The position deltas of many posting values of a field with format `fmt`."""
        return [deltas(fmt.decode_positions(value)) for value in values]


#: The stock reads (they hold no state).
STOCK = Reads()
