"""documents.fast.cascade remembers which selectors match and what their rules cascade to,
and gives every element the same cascaded and computed styles as WeasyPrint's own
StyleFor: a page of selectors that the remembered answers must not cover (siblings,
:first-child, :lang(), text content) and of declarations of an element's own (style
attributes, lang, id, !important, layers, a document <style> sheet) prints the same PDF,
byte for byte, as the stock code, its cascaded styles are equal element by element, and
uninstalling puts the stock functions back."""

from __future__ import annotations

from typing import Any

import pytest
import weasyprint.css
from flask import Flask
from weasyprint import HTML
from weasyprint.css import StyleFor

from helpdesk.documents import fast
from helpdesk.documents.casefile import STYLESHEET, _static_dir
from helpdesk.documents.fast import cascade, serialise
from helpdesk.documents.pdf import render_pdf

#: Selectors and declarations the remembered answers must get right, repeated so they are
#: answered from the memo too.
PAGE = """<!doctype html><html lang="en"><head><style>
@layer base, top;
@layer top { p.layered { color: green } }
@layer base { p.layered { color: red; font-weight: bold } }
p { margin: 1mm 0 }
p + p { color: #336699 }
p ~ ul { border-left: 1pt solid }
li:first-child { font-weight: bold }
li:nth-child(2n) { color: #993333 }
li:last-child::after { content: " (last)" }
:lang(nl) { font-style: italic }
td:empty { background: #eee }
.strong { color: blue !important }
tr:hover td { color: red }
.box > .inner { padding: 2mm }
section .inner { margin-left: 3mm }
p::before { content: "\\2022  " }
</style></head><body>
<section id="first"><p class="strong" style="color: red">Important beats the attribute.</p>
<p>Second paragraph.</p><p lang="nl">Een Nederlandse zin.</p>
<ul><li>One</li><li>Two</li><li>Three<ul><li>Nested</li><li>Nested two</li></ul></li></ul>
<div class="box"><div class="inner">Inner box</div></div></section>
<section dir="rtl"><p>שלום עולם</p><div class="inner">Not a child of .box</div>
<ul><li>אחד</li><li>שניים</li></ul></section>
<table><tr><td></td><td>Full</td></tr><tr><td>Full</td><td></td></tr>
<tr hidden><td>Hidden row</td></tr></table>
<p class="layered">Layers: the later layer wins.</p>
<p class="layered" style="font-weight: normal">Layers and an attribute.</p>
<p id="anchor"><a href="#first">A link</a> and <span style="color: green">a span</span>.</p>
<ul><li>One</li><li>Two</li><li>Three</li></ul>
<div lang="nl"><p>Nog een zin.</p><p>En nog een.</p></div>
</body></html>"""


@pytest.fixture(autouse=True)
def pydyf_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streams deflated at pydyf's own level, so the speed-ups' bytes can equal stock's."""
    monkeypatch.setattr(serialise, "ZLIB_LEVEL", 9)


def _page() -> bytes:
    """The page of selectors, printed with the case file's stylesheet."""
    return render_pdf(PAGE, static_dir=_static_dir(), stylesheet=STYLESHEET)


def test_the_page_of_selectors_is_the_same_bytes(app: Flask) -> None:
    app.config["LIBRARY_PATCHES"] = False
    stock = _page()
    assert not fast.installed()
    app.config["LIBRARY_PATCHES"] = True
    first = _page()
    assert cascade.installed()
    assert first == stock
    assert _page() == stock  # answered from what the first print remembered


def test_a_memo_started_again_prints_the_same(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    app.config["LIBRARY_PATCHES"] = False
    stock = _page()
    app.config["LIBRARY_PATCHES"] = True
    monkeypatch.setattr(cascade, "LIMIT", 5)
    assert _page() == stock
    assert _page() == stock
    assert len(cascade._chains) > 5  # the second print forgot the first one's chains


def _styles() -> list[tuple[Any, str, str]]:
    """Every element's (tag, pseudo-element), cascaded style (values with their weights)
    and a few computed values, as text: each print parses its <style> sheet again, and
    tinycss2's tokens compare by identity."""
    document = HTML(string=PAGE)
    style_for = weasyprint.css.get_all_computed_styles(document)
    names = ("color", "font_weight", "margin_left", "padding_left", "display", "content")
    return [
        (
            (getattr(element, "tag", element), pseudo_type),
            repr(list(style.cascaded.items())),
            repr([style[name] for name in names]),
        )
        for (element, pseudo_type), style in style_for._computed_styles.items()
    ]


def test_every_element_gets_the_stock_cascade() -> None:
    cascade.uninstall()  # an earlier print may have left it in place
    stock = _styles()
    cascade.install()
    try:
        first, again = _styles(), _styles()
    finally:
        cascade.uninstall()
    assert len(stock) > 100
    assert first == stock
    assert again == stock


def test_selectors_that_read_siblings_or_text_are_tested_on_every_element() -> None:
    from cssselect2 import compile_selector_list

    def by_chain(selector: str) -> bool:
        (compiled,) = compile_selector_list(selector)
        return cascade._answers_by_chain(compiled.test)

    assert by_chain("section .inner") and by_chain("ul > li.x[title]") and by_chain("[dir] dd")
    assert not by_chain("p + p")
    assert not by_chain("li:first-child")
    assert not by_chain(":lang(nl)")
    assert not by_chain("td:empty")
    assert not by_chain("h1 ~ .box p")


def test_uninstall_puts_the_stock_functions_back() -> None:
    cascade.install()
    assert cascade.installed()
    cascade.uninstall()
    assert not cascade.installed()
    assert StyleFor.__init__ is cascade._stock_init
    assert weasyprint.css.find_stylesheets is cascade._stock_find_stylesheets
    assert not cascade._chains and not cascade._sets
    for function in (StyleFor.__init__, weasyprint.css.find_stylesheets):
        assert function.__module__ == "weasyprint.css"
