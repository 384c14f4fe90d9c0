"""Exact-phrase matching on one Whoosh segment, doing as little decoding as possible.

How posting values are read and positions decoded is the `Reads` given: the stock API
(whoosh/reads) or the speed-ups (fast/phrase: blocks skipped unread, positions unpickled
in one call).

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

from itertools import accumulate
from typing import Any

from whoosh.reading import TermNotFound

from .reads import Reads
from .schema import pair_term


def pair_phrase_docs(
    reads: Reads, reader: Any, pairs: str, positions: str, words: tuple[str, ...], skip: set[int]
) -> set[int]:
    """Documents where `words` (two or more) follow each other, from the pair terms of
    field `pairs` and, for three words or more, the positions of field `positions`;
    leaving out those in `skip` (already found in another field)."""
    terms = sorted(
        set(map(pair_term, words, words[1:])), key=lambda t: _frequency(reader, pairs, t)
    )
    found: set[int] | None = None
    for term in terms:
        ids = reads.postings(reader, pairs, term)[0].tolist()
        found = set(ids) if found is None else found.intersection(ids)
        if not found:
            return set()
    assert found is not None
    found -= skip
    if len(words) == 2 or not found:
        return found
    return phrase_docs(reads, reader, positions, [w.encode() for w in words], set(), within=found)


def phrase_docs(
    reads: Reads,
    reader: Any,
    name: str,
    words: list[bytes],
    skip: set[int],
    within: set[int] | None = None,
) -> set[int]:
    """Documents of this segment where `words` follow each other in field `name`,
    leaving out those in `skip` (already found in another field); only among `within`
    when given."""
    unique = sorted(set(words), key=lambda term: _frequency(reader, name, term))
    values: dict[bytes, dict[int, bytes]] = {}
    wanted: set[int] | None = within
    for term in unique:
        found = reads.values(reader, name, term, wanted)
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
    deltas = {
        term: reads.position_deltas(fmt, [found[d] for d in docs]) for term, found in values.items()
    }
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
