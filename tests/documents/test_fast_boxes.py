"""documents.fast.boxes answers plain boxes itself and hands every other box to WeasyPrint's
own code: a page of the shapes it must hand back (floats, positioned and running boxes,
footnotes, backgrounds, rounded corners, shadows, outlines, columns, right-to-left blocks
beside floats)
prints the same PDF, byte for byte, as the stock renderer; its predicates and its walk over
the box tree agree with the stock ones box by box; uninstalling puts the stock functions
back."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from weasyprint import HTML, draw
from weasyprint.draw import border
from weasyprint.formatting_structure.boxes import Box, ParentBox
from weasyprint.layout import background, block, inline
from weasyprint.layout import float as floats

from helpdesk.documents import fast
from helpdesk.documents.casefile import STYLESHEET, _static_dir
from helpdesk.documents.fast import boxes, serialise
from helpdesk.documents.pdf import render_pdf

#: Boxes the fast paths must leave to the stock code, beside plain ones.
SHAPES = """<!doctype html><html lang="en"><head><style>
@page { @top-center { content: element(header) } @bottom-center { content: counter(page) } }
.header { position: running(header) }
.note { float: footnote }
.left { float: left; width: 25mm; height: 18mm; background: #ddeeff; border-radius: 3mm }
.right { float: right; width: 20mm; border: 1pt solid red; border-radius: 20% / 10% }
.shadow { box-shadow: 2pt 2pt 3pt #888; padding: 2mm }
.hidden { visibility: hidden; background: yellow }
.current { color: #336699; background-color: currentcolor }
.gradient { background-image: linear-gradient(to right, white, #ccc) }
.framed { border: 6pt solid; border-image-source: linear-gradient(red, blue);
  border-image-slice: 30% }
.masked { mask-border-source: linear-gradient(black, transparent) }
.round-one { border-top-right-radius: 4pt; border: 1pt solid }
.abs { position: absolute; top: 40mm; right: 10mm; width: 30mm; background: #eee }
.fixed { position: fixed; bottom: 5mm; left: 5mm }
.rel { position: relative; left: 2mm }
.context { overflow: hidden; background: #f4f4f4 }
.root { display: flow-root }
.rtl { direction: rtl }
.outlined { outline: 1.5pt dotted #c00; outline-offset: 1pt }
.columns { column-count: 2 }
</style></head><body>
<div class="header">Running header text</div>
<p><img class="left" src="helpdesk-image:square" alt="a square">Text beside a floated
picture, long enough to wrap around it on several lines, then more words, and more words,
and more words until the float is passed and the line takes the full width again.</p>
<div class="right">Floated right with a percentage radius.</div>
<div class="context">A block formatting context beside a float is narrowed.</div>
<table style="width: 60%"><tr><td>A table wrapper beside the float.</td></tr></table>
<img src="helpdesk-image:square" style="display: block; width: 15mm" alt="a block image">
<p class="shadow">A shadow, <span class="rel">a relative span</span> and a
footnote<span class="note">The footnote's text.</span>.</p>
<p class="hidden">Hidden, with a background.</p>
<p class="current">A background of the current colour.</p>
<p class="gradient framed">A gradient background and a border image.</p>
<p class="masked round-one">A mask border and one rounded corner.</p>
<div class="abs">Absolutely positioned box with <b>bold</b> text.</div>
<div class="fixed">Fixed on every page.</div>
<div class="root">A flow root.</div>
<div class="outlined">An outline around <em class="outlined">an outlined word</em>.</div>
<div class="columns"><p>Two columns of text, long enough to fill both of them with a few
words each, and a few more words.</p></div>
<div class="rtl"><div class="left">שמאל</div><p>שלום עולם, a right-to-left paragraph
beside a float.</p><div class="context">הקשר</div>
<table><tr><td>טבלה</td></tr></table></div>
<ul><li>A list item</li><li style="display: inline-block">An inline block</li></ul>
<p style="page-break-before: always">Second page, after the absolute box.</p>
</body></html>"""


@pytest.fixture(autouse=True)
def pydyf_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streams deflated at pydyf's own level, so the speed-ups' bytes can equal stock's."""
    monkeypatch.setattr(serialise, "ZLIB_LEVEL", 9)


def _square() -> bytes:
    """A small PNG picture."""
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 80, 40)).save(out, format="PNG")
    return out.getvalue()


def _shapes() -> bytes:
    """The page of shapes, printed."""
    images = {"square": (_square(), "image/png")}
    return render_pdf(SHAPES, static_dir=_static_dir(), stylesheet=STYLESHEET, images=images)


def test_shapes_left_to_weasyprint_are_the_same_bytes(app: Flask) -> None:
    app.config["LIBRARY_PATCHES"] = False
    stock = _shapes()
    assert not fast.installed()
    app.config["LIBRARY_PATCHES"] = True
    first = _shapes()
    assert boxes.installed()
    assert first == stock
    assert _shapes() == stock


def _pages() -> list[Any]:
    """The laid-out pages of the page of shapes (placeholders for images WeasyPrint cannot
    fetch here are fine: only the boxes matter)."""
    return [page._page_box for page in HTML(string=SHAPES).render().pages]


def test_the_predicates_and_the_walk_agree_with_stock_box_by_box() -> None:
    boxes.install()
    try:
        pages = _pages()
        walked = [list(page.descendants()) for page in pages]
        with_placeholders = [list(page.descendants(placeholders=True)) for page in pages]
        flows = [box.is_in_normal_flow() for page in walked for box in page]
        contexts = [box.establishes_formatting_context() for page in walked for box in page]
        pages_named = [_page_values(page) for page in walked]
    finally:
        boxes.uninstall()
    assert walked == [list(page.descendants()) for page in pages]
    assert with_placeholders == [list(page.descendants(placeholders=True)) for page in pages]
    assert flows == [box.is_in_normal_flow() for page in walked for box in page]
    assert contexts == [box.establishes_formatting_context() for page in walked for box in page]
    assert pages_named == [_page_values(page) for page in walked]
    assert not all(flows)  # floats, positioned and running boxes were asked about
    assert any(contexts) and not all(contexts)
    assert len(walked[0]) > 50


def _page_values(boxes_of_a_page: list[Any]) -> list[Any]:
    return [box.page_values() for box in boxes_of_a_page if isinstance(box, Box)]


#: Named pages: a page value on a first, a middle, a last and an only child, a float and a
#: positioned box among them, nested, and a table.
NAMED = """<!doctype html><html lang="en"><head><style>
@page wide { size: A4 landscape } @page narrow { size: A5 }
.wide { page: wide } .narrow { page: narrow }
.float { float: left; width: 20mm } .abs { position: absolute; top: 0 }
</style></head><body>
<div><p class="wide">First child named.</p><p>Plain.</p><p class="narrow">Last named.</p></div>
<div><span class="abs">Positioned.</span><p>Plain first.</p><p class="wide">Middle.</p>
<p>Plain last.</p><div class="float narrow">A named float at the end.</div></div>
<div class="narrow"><div><div class="wide">Nested only child.</div></div></div>
<section><p class="abs">Only a positioned child.</p></section>
<table class="wide"><tr><td class="narrow">A named cell.</td></tr></table>
<p>After.</p>
</body></html>"""


def test_page_values_agree_with_stock_on_named_pages() -> None:
    document = HTML(string=NAMED)
    stock_pdf = document.write_pdf()
    stock = [_page_values(list(page._page_box.descendants())) for page in document.render().pages]
    boxes.install()
    try:
        pages = document.render().pages
        fast_values = [_page_values(list(page._page_box.descendants())) for page in pages]
        fast_pdf = document.write_pdf()
    finally:
        boxes.uninstall()
    assert fast_values == stock
    assert {"wide", "narrow"} <= {value for page in stock for pair in page for value in pair}
    assert fast_pdf == stock_pdf


def test_uninstall_puts_the_stock_functions_back() -> None:
    boxes.install()
    assert boxes.installed()
    assert floats.avoid_collisions is block.avoid_collisions is boxes.avoid_collisions
    boxes.uninstall()
    assert not boxes.installed()
    assert Box.is_in_normal_flow is boxes._stock_is_in_normal_flow
    assert Box.descendants is boxes._stock_descendants
    assert ParentBox.page_values is boxes._stock_page_values
    assert Box.establishes_formatting_context is boxes._stock_establishes
    assert draw.draw_outline is border.draw_outline is boxes._stock_draw_outline
    assert background.layout_box_backgrounds is boxes._stock_layout_box_backgrounds
    stock = boxes._stock_avoid_collisions
    assert floats.avoid_collisions is block.avoid_collisions is inline.avoid_collisions is stock
    for function in (stock, Box.is_in_normal_flow, Box.descendants, draw.draw_outline):
        assert function.__module__.startswith("weasyprint.")
