"""Posting blocks in Whoosh's layout, with ids and weights packed as arrays.

Whoosh pickles a block as a tuple (id deltas, weights, values) of Python tuples, so
reading a block of 1,024 postings builds over 2,000 Python objects. The rebuild writer
stores the same tuple with `array` objects in place of the id and weight tuples (the
deltas in the narrowest unsigned type that holds them), pickled with protocol 5: the
pickle then holds their raw bytes, unpickles as one copy, and numpy reads it in place
(fast/postings). Protocol 2, Whoosh's own, would pickle an array as a list of its
numbers and a bytes value as a call to `codecs.encode`, and unpickling those cost 14
times as much. Whoosh's own readers, merges and matchers keep working, since they only
iterate and index these sequences and unpickle any protocol. Relies on whoosh-reloaded
2.7.5's block format (pinned in pyproject.toml).
"""

from __future__ import annotations

from array import array
from pickle import dumps
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.util.numeric import length_to_byte

#: Pickle protocol of the blocks: 3 or later pickles an array as its raw bytes.
PROTOCOL = 5
#: array typecodes of unsigned ids, narrowest first, with the largest value each holds.
_UNSIGNED = (("B", 0xFF), ("H", 0xFFFF), ("I", 0xFFFFFFFF))


def _deltas(ids: array[int]) -> array[int]:
    """Differences between successive ids (the first one from 0), in the narrowest unsigned
    array type that holds the largest of them."""
    packed = np.frombuffer(ids, dtype=np.uint32)
    deltas = np.diff(packed, prepend=np.uint32(0))
    largest = int(deltas.max()) if len(deltas) else 0
    code = next(code for code, top in _UNSIGNED if largest <= top)
    return array(code, deltas.astype(np.dtype(code)).tobytes())


def _weights(weights: array[float]) -> Any:
    """None when every weight is 1, one float when all are equal, else the packed array."""
    first = weights[0]
    if all(w == first for w in weights):
        return None if first == 1.0 else first
    return weights


def write_block(post: Any, last: bool) -> None:
    """Write the postings buffered in Whoosh's postings writer `post` as one block (what
    `W3PostingsWriter._write_block` does, with packed ids and weights, uncompressed)."""
    if not post._blockcount:
        post._postfile.write(WHOOSH3_HEADER_MAGIC)
    post._terminfo.add_block(post)
    ids = post._ids
    data = (_deltas(ids), _weights(post._weights), post._mini_values())
    databytes = dumps(data, PROTOCOL)
    infobytes = dumps(
        (
            len(ids),
            ids[-1],
            post._maxweight,
            0,
            length_to_byte(post._minlength),
            length_to_byte(post._maxlength),
        ),
        PROTOCOL,
    )
    length = len(infobytes) + len(databytes)
    post._postfile.write_int(-length if last else length)
    post._postfile.write(infobytes)
    post._postfile.write(databytes)
    post._blockcount += 1
    post._new_block()
