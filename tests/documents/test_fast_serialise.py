"""documents.fast.serialise writes every value as pydyf does: numbers (the floats it keeps
written, and again once it has started its memo afresh), text, bytes and PDF objects."""

from __future__ import annotations

import pydyf
import pytest

from helpdesk.documents.fast import serialise

VALUES = [
    0,
    7,
    -12,
    True,
    0.0,
    -0.0,
    1.0,
    -3.0,
    0.5,
    -0.25,
    12.345678,
    595.2755905511812,
    1e-7,
    -1e-7,
    123456789.125,
    1e20,
    float("inf"),
    float("nan"),
    b"BT",
    "/F1",
    pydyf.Array([1.5, 2, b"x"]),
    pydyf.Dictionary({"Type": "/Page", "UserUnit": 1.25}),
]


def test_values_are_written_as_pydyf_writes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serialise, "FLOATS_KEPT", 5)
    stock = [serialise._stock_to_bytes(value) for value in VALUES]
    for _ in range(3):  # written, then from the memo or after it started again
        assert [serialise.to_bytes(value) for value in VALUES] == stock
    assert 0 < len(serialise._floats) <= 5
    # A float equal to one kept (0.0 and -0.0) is written alike by pydyf too.
    assert serialise._stock_to_bytes(-0.0) == serialise._stock_to_bytes(0.0)
