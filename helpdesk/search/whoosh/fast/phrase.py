"""Exact-phrase matching on one Whoosh segment, doing as little decoding as possible.

A phrase needs every word in the same field, one right after the other. With pair terms
(the current index layout) a two-word phrase is one posting list; a longer one
intersects its pairs, and only the documents holding every pair have their positions
checked. Without them (an index built before pairs existed), the words are
read rarest first, each only in the blocks that can still hold a candidate (a block's
header names its highest id, so the others are skipped unread), keeping the raw position
bytes of the candidates. Positions are decoded only for documents that hold every word,
each distinct byte string once per query (short documents repeat the same few), and a
document stops being checked as soon as no start position is left.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from pickle import UnpicklingError, loads
from typing import Any

from whoosh import formats
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE

from ..schema import pair_term
from .postings import _unwrap, read_postings

_LIST_PICKLE = b"\x80\x02]"  # protocol 2, then an empty list: how Whoosh pickles positions


def pair_phrase_docs(
    reader: Any, pairs: str, positions: str, words: tuple[str, ...], skip: set[int]
) -> set[int]:
    """Documents where `words` (two or more) follow each other, from the pair terms of
    field `pairs` and, for three words or more, the positions of field `positions`;
    leaving out those in `skip` (already found in another field)."""
    terms = sorted(
        set(map(pair_term, words, words[1:])), key=lambda t: _frequency(reader, pairs, t)
    )
    found: set[int] | None = None
    for term in terms:
        ids = read_postings(reader, pairs, term)[0].tolist()
        found = set(ids) if found is None else found.intersection(ids)
        if not found:
            return set()
    assert found is not None
    found -= skip
    if len(words) == 2 or not found:
        return found
    return phrase_docs(reader, positions, [w.encode() for w in words], set(), within=found)


def phrase_docs(
    reader: Any, name: str, words: list[bytes], skip: set[int], within: set[int] | None = None
) -> set[int]:
    """Documents of this segment where `words` follow each other in field `name`,
    leaving out those in `skip` (already found in another field); only among `within`
    when given."""
    unique = sorted(set(words), key=lambda term: _frequency(reader, name, term))
    values: dict[bytes, dict[int, bytes]] = {}
    wanted: set[int] | None = within
    for term in unique:
        found = read_values(reader, name, term, wanted)
        if wanted is None and skip:
            for docnum in skip.intersection(found):
                del found[docnum]
        if not found:
            return set()
        values[term] = found
        wanted = set(found)
    assert wanted is not None
    if len(words) == 1:
        return wanted
    docs = list(wanted)
    fmt = reader.schema[name].format
    deltas = {term: decode_deltas(fmt, [found[d] for d in docs]) for term, found in values.items()}
    columns = [(offset, deltas[term]) for offset, term in enumerate(words)]
    (_, first), middle, (last_offset, last) = columns[0], columns[1:-1], columns[-1]
    matched: set[int] = set()
    for row, docnum in enumerate(docs):
        starts = set(accumulate(first[row]))
        for offset, column in middle:
            # Positions of a later word shifted back by its offset (plus one harmless
            # negative number, the `initial`) must meet a start position.
            starts.intersection_update(accumulate(column[row], initial=-offset))
        if not starts.isdisjoint(accumulate(last[row], initial=-last_offset)):
            matched.add(docnum)
    return matched


def _frequency(reader: Any, name: str, term: bytes) -> int:
    """How many documents of the segment hold the term (0 when none)."""
    try:
        return int(reader.doc_frequency(name, term))
    except (TermNotFound, KeyError):
        return 0


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
    return [_deltas(fmt.decode_positions(value)) for value in values]


def _deltas(positions: list[int]) -> list[int]:
    """Differences between successive positions (the first one from 0)."""
    return [b - a for a, b in zip([0, *positions], positions, strict=False)]


def read_values(reader: Any, name: str, term: bytes, wanted: set[int] | None) -> dict[int, bytes]:
    """Raw posting values of a term by document, only for `wanted` ones (None = all)."""
    try:
        matcher = _unwrap(reader.postings(name, term))
    except (TermNotFound, KeyError):
        return {}
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids and matcher._fixedsize is None:
        return _read_blocks(matcher, wanted)
    out: dict[int, bytes] = {}
    while matcher.is_active():
        docnum = matcher.id()
        if wanted is None or docnum in wanted:
            out[docnum] = matcher.value()
        matcher.next()
    return out


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
