"""Writing the PDF's objects: pydyf's `_to_bytes` by type, and its streams deflated at
zlib's default level.

pydyf turns every number, name and operator of a PDF into bytes through `_to_bytes`, about
11,000 calls a case file, each a chain of isinstance checks; `to_bytes` here goes by the
exact type first (bytes, str, int, float) and hands anything else (pydyf's objects,
subclasses) to the stock function. A float (a coordinate, a width, a colour channel; the
same few recur on every page and in the next case file) is formatted once and its bytes
kept, up to FLOATS_KEPT of them before the memo starts again; floats that compare equal
are written alike (0.0 and -0.0 both as 0). The bytes are the same.

pydyf deflates every stream (page contents, font subsets, the tags' object stream) at
level 9. On a case file's streams level 9 takes 2.5 times as long as zlib's default level
6 (7.7 against 3.0 ms a case file) for 2 % less: `stream_data` is pydyf's Stream.data at
level `ZLIB_LEVEL`. The inflated streams, and so every page, are the same; only the
deflated bytes and the lengths and offsets that follow from them differ
(tests/documents/test_fast_render.py compares the two PDFs object by object).
"""

from __future__ import annotations

import zlib
from typing import Any

import pydyf

#: How hard streams are deflated (pydyf: 9). 6 is zlib's default.
ZLIB_LEVEL = 6

#: How many numbers to_bytes keeps written (coordinates, widths, colours repeat).
FLOATS_KEPT = 20_000
_floats: dict[float, bytes] = {}
_stock_to_bytes = pydyf._to_bytes
_stock_stream_data = pydyf.Stream.data


def to_bytes(item: Any) -> bytes:
    """pydyf._to_bytes, by exact type first."""
    kind = type(item)
    if kind is bytes:
        return item  # type: ignore[no-any-return]
    if kind is str:
        return item.encode("ascii")  # type: ignore[no-any-return]
    if kind is int:
        return str(item).encode("ascii")
    if kind is float:
        try:
            return _floats[item]
        except KeyError:
            pass
        if len(_floats) >= FLOATS_KEPT:
            _floats.clear()
        if item.is_integer():
            written = _floats[item] = str(int(item)).encode("ascii")
        else:
            written = _floats[item] = f"{item:f}".rstrip("0").encode("ascii")
        return written
    return _stock_to_bytes(item)  # type: ignore[no-any-return]


def stream_data(self: Any) -> bytes:
    """pydyf.Stream.data, deflated at ZLIB_LEVEL."""
    stream = b"\n".join([to_bytes(item) for item in self.stream])
    extra = pydyf.Dictionary(self.extra.copy())
    if self.compress:
        extra["Filter"] = "/FlateDecode"
        compressor = zlib.compressobj(level=ZLIB_LEVEL)
        stream = compressor.compress(stream)
        stream += compressor.flush()
    extra["Length"] = len(stream)
    return b"\n".join((extra.data, b"stream", stream, b"endstream"))


def install() -> None:
    """Write PDF objects the quicker way."""
    pydyf._to_bytes = to_bytes
    pydyf.Stream.data = property(stream_data)


def uninstall() -> None:
    """pydyf's own functions again."""
    pydyf._to_bytes = _stock_to_bytes
    pydyf.Stream.data = _stock_stream_data


def installed() -> bool:
    """True while PDF objects are written here."""
    return pydyf._to_bytes is to_bytes
