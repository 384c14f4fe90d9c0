"""`FastReads`: the segment reads of whoosh/reads, done by the speed-ups of this package."""

from __future__ import annotations

from typing import Any

from ..reads import Floats, Ids, Reads, TermMemo
from .phrase import decode_deltas, read_values
from .postings import doc_frequency, read_column, read_postings


class FastReads(Reads):
    """Block-at-a-time reads of whoosh-reloaded 2.7's layout; the stock reads otherwise."""

    fast = True

    def postings(
        self,
        reader: Any,
        fieldname: str,
        term: bytes,
        weights: bool = False,
        memo: TermMemo | None = None,
    ) -> tuple[Ids, Floats]:
        """As `Reads.postings`, a block at a time, the term looked up once per `memo`."""
        return read_postings(reader, fieldname, term, weights, memo)

    def doc_frequency(
        self, reader: Any, fieldname: str, term: bytes, memo: TermMemo | None = None
    ) -> int:
        """As `Reads.doc_frequency`, from the term entries the postings read then use."""
        return doc_frequency(reader, fieldname, term, memo)

    def values(
        self, reader: Any, name: str, term: bytes, wanted: set[int] | None
    ) -> dict[int, bytes]:
        """As `Reads.values`, skipping the blocks that hold no wanted document."""
        return read_values(reader, name, term, wanted)

    def column(self, reader: Any, name: str, size: int) -> Ids:
        """As `Reads.column`, the packed values in one read."""
        found = read_column(reader, name, size)
        return found if found is not None else super().column(reader, name, size)

    def position_deltas(self, fmt: Any, values: list[bytes]) -> list[list[int]]:
        """As `Reads.position_deltas`, the pickles unpickled in one call."""
        return decode_deltas(fmt, values)


#: The fast reads (they hold no state).
FAST = FastReads()
