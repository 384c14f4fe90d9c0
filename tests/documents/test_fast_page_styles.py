"""documents.fast.page_styles takes a page's styles again only for a page the same @page
rules declare the same for: pages of first, left and right, named, nth() and blank page
rules, with running strings and page counters in their margin boxes, print the same PDF,
byte for byte, as the stock code, and every page's page and margin box styles hold the same
values; pages alike share their styles, pages that differ do not; uninstalling puts the
stock function back."""

from __future__ import annotations

from typing import Any

import pytest
from weasyprint import HTML
from weasyprint.layout import page

from helpdesk.documents import fast
from helpdesk.documents.fast import page_styles, serialise

#: Eight pages: the first, lefts and rights, two named wide pages, a third page of its own,
#: a blank page before a left-hand break.
PAGES = """<!doctype html><html lang="en"><head><style>
@page { size: A5; margin: 20mm 15mm; font-size: 8pt;
  @top-left { content: string(title); width: 60% }
  @bottom-right { content: "Page " counter(page) " of " counter(pages) } }
@page :first { margin-top: 35mm; @top-center { content: "First page" } }
@page :left { margin-left: 25mm; @bottom-left { content: "left" } }
@page :right { @top-right { content: string(title, last); color: #900 } }
@page wide { size: A5 landscape; @top-right { content: "Wide" } }
@page :nth(3) { @bottom-center { content: "third"; border-top: 1pt solid } }
@page :blank { @top-left { content: none } }
h1 { string-set: title content() }
.wide { page: wide }
.left { break-before: left }
</style></head><body>
<h1>First title</h1><p>One.</p>
<h1 style="break-before: page">Second title</h1><p>Two.</p>
<p style="break-before: page">Three.</p>
<p style="break-before: page">Four.</p>
<div class="wide"><p>Five, wide.</p><p style="break-before: page">Six, wide.</p></div>
<h1 class="left">Last title</h1><p>After a blank page.</p>
</body></html>"""


@pytest.fixture(autouse=True)
def stock_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint's own code (another test may have left the speed-ups in), its streams
    deflated at pydyf's own level, so both PDFs can be compared."""
    fast.uninstall()
    monkeypatch.setattr(serialise, "ZLIB_LEVEL", 9)


def _styles(document: Any) -> list[list[Any]]:
    """Each page's style and its margin boxes' styles."""
    return [
        [page_.style, *[box.style for box in page_.children if box.element_tag != "html"]]
        for page_ in (rendered._page_box for rendered in document.pages)
    ]


def _values(styles: list[list[Any]]) -> list[list[dict[str, Any]]]:
    """What the styles say, for the properties every one of them has worked out."""
    names = set.intersection(*[set(style) for page_ in styles for style in page_])
    return [[{name: style[name] for name in sorted(names)} for style in page_] for page_ in styles]


def test_page_styles_are_taken_again_only_for_pages_alike() -> None:
    source = HTML(string=PAGES)
    stock_document = source.render()
    stock_pdf = stock_document.write_pdf()
    page_styles.install()
    try:
        document = source.render()
        fast_pdf = document.write_pdf()
    finally:
        page_styles.uninstall()
    assert len(document.pages) == 8
    assert fast_pdf == stock_pdf
    stock_styles, fast_styles = _styles(stock_document), _styles(document)
    assert _values(fast_styles) == _values(stock_styles)
    page_style_ids = [id(styles[0]) for styles in fast_styles]
    assert len({id(styles[0]) for styles in stock_styles}) == 8
    # First, second (left), fourth (left) and so on: pages alike share their styles.
    assert page_style_ids[1] == page_style_ids[3]
    assert len(set(page_style_ids)) < 8
    assert page_style_ids[0] not in page_style_ids[1:]  # :first
    assert page_style_ids[2] not in page_style_ids[3:]  # :nth(3)
    assert page_style_ids[4] != page_style_ids[3]  # wide


def test_uninstall_puts_the_stock_function_back() -> None:
    page_styles.install()
    assert page_styles.installed()
    page_styles.uninstall()
    assert not page_styles.installed()
    assert page.set_page_type_computed_styles is page_styles._stock_set_page_type_computed_styles
