"""Phrase data read with as little decoding as possible (whoosh-reloaded 2.7's layout).

Posting values are read only from the blocks that can still hold a candidate (a block's
header names its highest id, so the others are skipped unread), and the positions of many
documents are unpickled in one call. whoosh/phrase holds the matching itself.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from pickle import UnpicklingError, loads
from typing import Any

from whoosh import formats
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.system import _INT_SIZE

from ..reads import deltas, open_postings, step_values
from .postings import unwrap

_LIST_PICKLE = b"\x80\x02]"  # protocol 2, then an empty list: how Whoosh pickles positions


def decode_deltas(fmt: Any, values: list[bytes]) -> list[list[int]]:
    """Position deltas of many posting values. Whoosh's `Positions` format stores a count
    and a pickled list of deltas; the pickles are joined into one list of lists and read
    with a single `loads` (one C call instead of one Python call per document)."""
    if type(fmt) is formats.Positions and values:
        bodies = []
        for value in values:
            body = value[_INT_SIZE:]
            if not body.startswith(_LIST_PICKLE):
                break
            bodies.append(body[2:-1] if body.endswith(b".") else body[2:])
        else:
            try:
                # The index's own pickles, the very bytes Whoosh itself unpickles.
                joined = loads(b"".join((b"\x80\x02(", *bodies, b"l.")))  # noqa: S301
            except (UnpicklingError, ValueError, EOFError):
                joined = None
            if isinstance(joined, list) and len(joined) == len(values):
                return joined
    return [deltas(fmt.decode_positions(value)) for value in values]


def read_values(reader: Any, name: str, term: bytes, wanted: set[int] | None) -> dict[int, bytes]:
    """Raw posting values of a term by document, only for `wanted` ones (None = all)."""
    found = open_postings(reader, name, term)
    if found is None:
        return {}
    matcher = unwrap(found)
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids and matcher._fixedsize is None:
        return _read_blocks(matcher, wanted)
    return step_values(matcher, wanted)


def _read_blocks(matcher: Any, wanted: set[int] | None) -> dict[int, bytes]:
    """Whoosh-reloaded 2.7 blocks: skip those whose id range holds no wanted document."""
    out: dict[int, bytes] = {}
    order = sorted(wanted) if wanted is not None else []
    previous = -1  # highest id of the block before
    while True:
        at = bisect_right(order, previous)
        if wanted is None or (at < len(order) and order[at] <= matcher._maxid):
            if matcher._data is None:
                matcher._read_data()
            ids, values = matcher._data[0], matcher._data[2]
            if wanted is None:
                out.update(zip(accumulate(ids), values, strict=True))
            else:
                for docnum, value in zip(accumulate(ids), values, strict=True):
                    if docnum in wanted:
                        out[docnum] = value
        if matcher._lastblock:
            return out
        previous = matcher._maxid
        matcher._goto(matcher._nextoffset)
