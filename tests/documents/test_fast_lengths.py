"""documents.fast.lengths resolves the used lengths of boxes as WeasyPrint's own code does:
a page of percentages, auto, calc(), min and max sizes, border-box sizing, collapsed table
borders and styles shared by boxes in containing blocks of different sizes (the lengths it
keeps on a style are kept by that size) gets the same used values box by box and the same
PDF, byte for byte; uninstalling puts the stock functions back."""

from __future__ import annotations

from typing import Any

import pytest
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import PageBox
from weasyprint.layout import block, percent

from helpdesk.documents import fast
from helpdesk.documents.fast import lengths, serialise

#: One class of paragraph in containing blocks of four widths, beside the awkward lengths.
LENGTHS = """<!doctype html><html lang="en"><head><style>
@page { size: A5; margin: 5% 8% }
.same { margin: 2% 5% 1% 3%; padding: 1% 2%; width: 60%; min-width: 20mm;
        max-width: 80%; border: 1pt solid #999 }
.narrow { width: 50% } .narrower { width: 40mm }
.tall { height: 60mm } .half { height: 50%; min-height: 10%; max-height: 90% }
.calc { width: calc(50% - 4mm); margin-left: calc(1em + 2%) }
.sized { box-sizing: border-box; width: 70%; padding: 3mm; border: 2pt solid }
.auto { margin: 0 auto; width: 30mm }
table { border-collapse: collapse; width: 80% } td { border: 1pt solid; padding: 2% }
</style></head><body>
<p class="same">In the body.</p>
<div class="narrow"><p class="same">In half the body.</p></div>
<div class="narrower"><p class="same">In a narrow block.</p></div>
<div class="tall"><div class="half">A percentage height in a block of fixed height.</div>
<p class="same">In a tall block.</p></div>
<div class="half">A percentage height in a block of auto height.</div>
<p class="calc">Calculated width and margin.</p>
<p class="sized">Border-box sizing.</p><div class="narrow"><p class="sized">Again.</p></div>
<p class="auto">Centred.</p>
<table><tr><td>Collapsed</td><td><p class="same">borders</p></td></tr></table>
<p class="same" style="break-before: page">On the second page.</p>
</body></html>"""

#: The used values resolve_percentages sets, and where the box ends up.
USED = [
    "margin_top",
    "margin_right",
    "margin_bottom",
    "margin_left",
    "padding_top",
    "padding_right",
    "padding_bottom",
    "padding_left",
    "border_top_width",
    "border_right_width",
    "border_bottom_width",
    "border_left_width",
    "width",
    "height",
    "min_width",
    "max_width",
    "min_height",
    "max_height",
    "position_x",
    "position_y",
]


@pytest.fixture(autouse=True)
def stock_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint's own code (another test may have left the speed-ups in), its streams
    deflated at pydyf's own level, so both PDFs can be compared."""
    fast.uninstall()
    monkeypatch.setattr(serialise, "ZLIB_LEVEL", 9)


def _used(document: Any) -> list[list[tuple[Any, ...]]]:
    """Every box's used lengths, page by page."""
    return [
        [
            (type(box).__name__, *[getattr(box, name, None) for name in USED])
            for box in page._page_box.descendants()
        ]
        for page in document.pages
    ]


def test_used_lengths_agree_with_stock_box_by_box() -> None:
    source = HTML(string=LENGTHS)
    stock_document = source.render()
    stock_pdf = stock_document.write_pdf()
    lengths.install()
    try:
        document = source.render()
        fast_pdf = document.write_pdf()
    finally:
        lengths.uninstall()
    assert _used(document) == _used(stock_document)
    assert fast_pdf == stock_pdf


#: Containing blocks of several sizes, one after the other for each box: the lengths kept for
#: one size must not answer for the next.
SIZES = [(400.0, 600.0), (250.0, "auto"), (400.0, 300.0), (400.0, 600.0), (120.5, "auto")]


def test_a_style_in_containing_blocks_of_several_sizes_gets_each_ones_lengths() -> None:
    boxes = [
        box
        for page in HTML(string=LENGTHS).render().pages
        for box in page._page_box.descendants()
        if hasattr(box, "style") and not isinstance(box, PageBox)  # pages: no auto sizes
    ]
    styles = {id(box.style) for box in boxes}
    assert len(boxes) > 40 and len(styles) < len(boxes)  # boxes share styles
    for box in boxes:
        for size in SIZES:
            stock = box.copy()
            lengths._stock_resolve(stock, size)
            fast = box.copy()
            lengths.resolve_percentages(fast, size)
            assert [getattr(fast, name) for name in USED[:-2]] == [
                getattr(stock, name) for name in USED[:-2]
            ], (box, size)
    assert max(len(box.style.__dict__[lengths._USED]) for box in boxes) == 4


def test_uninstall_puts_the_stock_functions_back() -> None:
    lengths.install()
    assert lengths.installed()
    lengths.uninstall()
    assert not lengths.installed()
    assert percent.percentage is lengths._stock_percentage
    assert block.resolve_percentages is lengths._stock_resolve
