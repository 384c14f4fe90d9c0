"""The WeasyPrint speed-ups (helpdesk.documents.fast) print the same PDF, byte for byte, as
WeasyPrint's own code: case files in both languages and both versions, printed again from
the memos, and text the speed-ups hand back to the stock code (decorations, ellipses,
automatic hyphenation, right-to-left text, a glyph no font has, justified text, tabs).

The byte-for-byte tests deflate streams at pydyf's own level (9, the `pydyf_level`
fixture); at the speed-ups' level (zlib's default, 6) the PDF holds the same objects, and
its streams inflate to the same bytes."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from helpdesk.documents import fast
from helpdesk.documents.casefile import STYLESHEET, _static_dir, case_file_source
from helpdesk.documents.fast import glyphs, lines, parsing, serialise
from helpdesk.documents.pdf import render_pdf
from helpdesk.services.casefile import load_case_file
from tests.documents.casefile_support import full_case
from tests.services.outcomes_support import fast_staff

NOW = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)

#: Text the memos leave to WeasyPrint's own functions, beside text they keep.
AWKWARD = """<!doctype html><html lang="en"><body>
<p style="text-decoration: underline">Underlined words, twice. Underlined words, twice.</p>
<p style="width: 30mm; overflow: hidden; white-space: nowrap; text-overflow: ellipsis">
A line far too long for its box ends in an ellipsis</p>
<p lang="en" style="hyphens: auto; width: 25mm">Incomprehensibilities notwithstanding</p>
<p dir="rtl">שלום עולם, a right-to-left line</p>
<p>A glyph no font here has: 水 and 🙂, then plain text.</p>
<p style="text-align: justify; width: 60mm">Justified text spreads its words over the full
width of every line but the last, so each line's spaces differ from the next.</p>
<p class="text">Tabs\tand preserved
line breaks\tin pre-wrap text.</p>
<p style="letter-spacing: 2pt; word-spacing: 3pt">Spaced out, then <b>bold</b> and
<span class="hash">0123abcd</span> mono.</p>
</body></html>"""


@pytest.fixture(autouse=True)
def pydyf_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streams deflated at pydyf's own level, so the speed-ups' bytes can equal stock's."""
    monkeypatch.setattr(serialise, "ZLIB_LEVEL", 9)


def _awkward() -> bytes:
    """The page of text the memos hand to the stock code, printed."""
    return render_pdf(AWKWARD, static_dir=_static_dir(), stylesheet=STYLESHEET)


def _both(app: Flask, make: object) -> tuple[bytes, bytes, bytes]:
    """The PDF by WeasyPrint's own code, with the speed-ups, and with them again."""
    app.config["LIBRARY_PATCHES"] = False
    stock = make()  # type: ignore[operator]
    assert not fast.installed()
    app.config["LIBRARY_PATCHES"] = True
    first = make()  # type: ignore[operator]
    assert fast.installed()
    again = make()  # type: ignore[operator]
    return stock, first, again


@pytest.mark.parametrize("language", ["en", "nl"])
def test_case_files_are_the_same_bytes_with_the_speedups(app: Flask, language: str) -> None:
    agent, manager = fast_staff("agent"), fast_staff("manager")
    case = full_case(agent, manager, language=language, photos=1, extra_messages=4)
    with app.test_request_context():
        for internal in (False, True):
            loaded = load_case_file(case.complaint.reference, internal=internal, now=NOW)
            assert loaded is not None
            source = case_file_source(loaded)
            stock, first, again = _both(app, source.pdf)
            assert first == stock
            assert again == stock
    assert lines._memo and glyphs._memo  # the second prints were answered from them


def test_text_left_to_weasyprint_is_the_same_bytes(app: Flask) -> None:
    with app.test_request_context():
        stock, first, again = _both(app, _awkward)
    assert first == stock
    assert again == stock


def test_another_weasyprint_release_gets_no_patches(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast.uninstall()
    monkeypatch.setattr(fast, "WEASYPRINT_VERSION", "0.0")
    assert fast.install() is False
    assert not fast.installed()


def test_the_bundle_key_covers_the_speedups(app: Flask) -> None:
    from helpdesk.documents.casefile import renderer_files

    with app.app_context():
        names = {name for name, _path in renderer_files()}
    assert {"fast/lines.py", "fast/glyphs.py", "pdf.py", "casefile.css"} <= names


def test_a_full_memo_starts_again_and_prints_the_same(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert lines.DEFAULT_LIMIT <= 2_000  # a web worker's memos stay small; an export's grow
    monkeypatch.setattr(lines, "LIMIT", 5)

    with app.test_request_context():
        stock, first, again = _both(app, _awkward)
    assert first == stock
    assert again == stock
    assert 0 < len(lines._memo) <= 5
    assert 0 < len(glyphs._memo) <= 5


def _objects(pdf: bytes) -> dict[int, Any]:
    """Every object of a PDF by number, streams inflated, without the lengths and offsets
    that follow from how the streams were deflated."""
    reader = PdfReader(io.BytesIO(pdf))
    found: dict[int, Any] = {}

    def plain(value: Any) -> Any:
        if isinstance(value, IndirectObject):
            if value.idnum not in found:
                found[value.idnum] = None  # being read (objects refer to each other)
                found[value.idnum] = plain(value.get_object())
            return ("ref", value.idnum)
        if isinstance(value, StreamObject):
            fields = {k: plain(v) for k, v in value.items() if k not in ("/Length", "/Filter")}
            return ("stream", fields, value.get_data())
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    plain(reader.trailer.raw_get("/Root"))
    return found


def test_streams_deflated_at_the_default_level_hold_the_same_objects(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serialise, "ZLIB_LEVEL", 6)
    agent, manager = fast_staff("agent"), fast_staff("manager")
    case = full_case(agent, manager, photos=1, extra_messages=4)
    with app.test_request_context():
        loaded = load_case_file(case.complaint.reference, internal=True, now=NOW)
        assert loaded is not None
        stock, first, again = _both(app, case_file_source(loaded).pdf)
    assert first == again
    assert first != stock  # deflated otherwise: a few per cent larger
    assert len(stock) < len(first) < len(stock) * 1.05
    objects = _objects(first)
    assert objects == _objects(stock)
    assert sum(1 for item in objects.values() if isinstance(item, tuple)) >= 5  # streams
    pages = PdfReader(io.BytesIO(first)).pages
    assert [p.extract_text() for p in pages] == [
        p.extract_text() for p in PdfReader(io.BytesIO(stock)).pages
    ]


def test_the_html_parser_finds_its_patterns_again(app: Flask) -> None:
    from tinyhtml5 import inputstream

    app.config["LIBRARY_PATCHES"] = True  # also on the suite's run with the patches off
    with app.test_request_context():
        _awkward()
        assert fast.installed()
        cache = inputstream.characters_until_regex
        assert isinstance(cache, parsing.PatternCache)
        kept = dict(cache)
        _awkward()
    # Keyed by the characters asked for, so a second document adds nothing (tinyhtml5's own
    # code keys each pattern by itself, and builds it again on every call).
    assert kept and dict(cache) == kept
    assert all(isinstance(characters, (tuple, str, frozenset)) for characters, _ in kept)
