"""documents.fast.borders draws square solid sides itself and hands every other border to
WeasyPrint's own code: a page of borders (one side, two, three, four of one colour and of
several, fractional widths, transparent and current colours, every other style, rounded
corners, border images, columns with rules, hidden boxes, table cells in both border
models, inline boxes split over lines) prints the same PDF, byte for byte, as the stock
renderer; the plain sides are drawn here; uninstalling puts the stock function back."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from weasyprint import draw
from weasyprint.draw import border

from helpdesk.documents import fast
from helpdesk.documents.casefile import STYLESHEET, _static_dir
from helpdesk.documents.fast import borders, serialise
from helpdesk.documents.pdf import render_pdf

#: Borders the fast path draws and borders it must leave to the stock code.
SHAPES = """<!doctype html><html lang="en"><head><style>
div, p, td, th, span { margin: 2mm 0; padding: 1.3mm 2.1mm }
.b { border-bottom: 0.4pt solid #ddd }
.t { border-top: 0.8pt solid #222 }
.l { border-left: 2pt solid #1f5fa8; background: #f7f7f7 }
.r { border-right: 1.7pt solid rgb(10, 20, 30) }
.tb { border-top: 0.3pt solid red; border-bottom: 1.1pt solid blue }
.three { border: 1pt solid green; border-left-width: 0 }
.four { border: 0.8pt solid #555; background: #f2f2f2 }
.mixed { border: 1pt solid; border-color: red green blue black }
.widths { border-style: solid; border-width: 0.5pt 1pt 1.5pt 2pt; border-color: #333 }
.clear { border-bottom: 2pt solid transparent; border-top: 1pt solid #000 }
.current { color: #c0c; border-left: 1pt solid currentcolor }
.double { border-bottom: 3pt double #000 }
.dotted { border-top: 1pt dotted #000 }
.dashed { border: 1pt dashed #000 }
.groove { border-left: 3pt groove #888 }
.mix-style { border-top: 1pt solid #000; border-bottom: 1pt dashed #000 }
.round { border-bottom: 1pt solid #000; border-radius: 2mm }
.one-round { border-left: 1pt solid #000; border-top-left-radius: 1mm 0 }
.image { border: 6pt solid; border-image-source: linear-gradient(red, blue);
  border-image-slice: 30% }
.columns { column-count: 2; column-rule: 1pt solid #999; border-top: 1pt solid #000 }
.hidden { visibility: hidden; border-bottom: 1pt solid #000 }
.inline { border-left: 1pt solid red; border-bottom: 0.5pt solid blue }
table { width: 100%; border-collapse: collapse }
table.separate { border-collapse: separate; border-spacing: 0 }
td, th { border-bottom: 0.4pt solid #ccc }
</style></head><body>
<p class="b">A rule under a paragraph.</p>
<p class="t">A rule over it.</p>
<div class="l">A message's bar on the left, with a background.</div>
<p class="r">A rule on the right.</p>
<p class="tb">Rules above and below.</p>
<p class="three">Three sides.</p>
<p class="four">Four equal sides: one rectangle.</p>
<p class="mixed">Four sides of four colours.</p>
<p class="widths">Four widths.</p>
<p class="clear">A transparent side.</p>
<p class="current">A side in the current colour.</p>
<p class="double">Double.</p>
<p class="dotted">Dotted.</p>
<p class="dashed">Dashed.</p>
<p class="groove">Groove.</p>
<p class="mix-style">Solid and dashed.</p>
<p class="round">Rounded corners.</p>
<p class="one-round">A corner with one radius zero: square.</p>
<p class="image">A border image.</p>
<div class="columns"><p>Two columns with a rule between them, long enough to fill both
with a few words each, and a few more words.</p></div>
<p class="hidden">Hidden, with a rule.</p>
<p>Text with <span class="inline">an inline box with borders that is long enough to be
split over two lines of this paragraph, and then some more words</span> after it.</p>
<table><thead><tr><th>When</th><th>What</th></tr></thead>
<tbody><tr><td>Monday</td><td>Collapsed borders</td></tr></tbody></table>
<table class="separate"><tr><td>Tuesday</td><td>Separate borders</td></tr></table>
</body></html>"""


@pytest.fixture(autouse=True)
def pydyf_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streams deflated at pydyf's own level, so the speed-ups' bytes can equal stock's."""
    monkeypatch.setattr(serialise, "ZLIB_LEVEL", 9)


def _shapes() -> bytes:
    return render_pdf(SHAPES, static_dir=_static_dir(), stylesheet=STYLESHEET)


def test_borders_are_the_same_bytes_as_stock(app: Flask) -> None:
    app.config["LIBRARY_PATCHES"] = False
    stock = _shapes()
    assert not fast.installed()
    app.config["LIBRARY_PATCHES"] = True
    assert _shapes() == stock
    assert borders.installed()


def test_the_plain_sides_are_drawn_here(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    app.config["LIBRARY_PATCHES"] = True  # also in the suite's run with the patches off
    handed: list[Any] = []
    drawn: list[Any] = []
    stock, solid = borders._stock, borders._solid_sides

    def to_stock(stream: Any, box: Any) -> None:
        handed.append(box)
        stock(stream, box)

    def plain(stream: Any, box: Any, style: Any, widths: list[Any]) -> bool:
        done = solid(stream, box, style, widths)
        if done:
            drawn.append(box)
        return done

    monkeypatch.setattr(borders, "_stock", to_stock)
    monkeypatch.setattr(borders, "_solid_sides", plain)
    _shapes()
    classes = {box.element.get("class") for box in drawn if box.element is not None}
    assert {"b", "t", "l", "r", "tb", "three", "mixed", "current", "one-round"} <= classes
    handed_classes = {box.element.get("class") for box in handed if box.element is not None}
    assert {"four", "widths", "clear", "double", "dotted", "dashed", "groove"} <= handed_classes
    assert {"mix-style", "round", "image", "columns"} <= handed_classes
    assert "hidden" in handed_classes and "b" not in handed_classes


def test_uninstall_puts_the_stock_function_back() -> None:
    borders.install()
    assert borders.installed()
    assert draw.draw_border is borders.draw_border
    borders.uninstall()
    assert not borders.installed()
    assert draw.draw_border is border.draw_border is borders._stock
