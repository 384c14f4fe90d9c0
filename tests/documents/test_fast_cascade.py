"""documents.fast.cascade remembers which selectors match and what their rules cascade to,
and gives every element the same cascaded and computed styles as WeasyPrint's own
StyleFor: a page of selectors that the remembered answers must not cover (siblings,
:first-child, :lang(), text content) and of declarations of an element's own (style
attributes, lang, id, !important, layers, a document <style> sheet) prints the same PDF,
byte for byte, as the stock code, its cascaded styles are equal element by element, and
uninstalling puts the stock functions back.

documents.fast.parsing builds our templates' documents with html.parser: the tree is the
one tinyhtml5 builds (tags, attributes in order, text and tails) for real case files in
both languages and versions with awkward user text, and for small documents of the shape it
accepts; documents of any other shape are handed to tinyhtml5.
"""

from __future__ import annotations

import io
from typing import Any
from xml.etree.ElementTree import Element

import pytest
import tinyhtml5
import weasyprint.css
import weasyprint.document
from flask import Flask
from weasyprint import HTML
from weasyprint.css import StyleFor
from weasyprint.css.targets import TargetCollector

from helpdesk.documents import fast
from helpdesk.documents.casefile import STYLESHEET, _static_dir, case_file_source
from helpdesk.documents.fast import cascade, parsing, selector_matches, serialise, tag_walks
from helpdesk.documents.pdf import render_pdf
from helpdesk.services.casefile import load_case_file
from tests.documents.casefile_support import full_case
from tests.services.outcomes_support import fast_staff

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
    monkeypatch.setattr(selector_matches, "LIMIT", 5)
    assert _page() == stock
    assert _page() == stock
    assert len(selector_matches._chains) > 5  # the second print forgot the first one's chains


def _styles() -> list[tuple[Any, str, str, str]]:
    """Every element's (tag, pseudo-element), cascaded style (values with their weights),
    computed values stored by the cascade (the anchor) and a few more computed values, as
    text, in document order: each print parses its <style> sheet again, and tinycss2's
    tokens compare by identity. Pseudo-element styles the fast cascade leaves for later are
    asked for as WeasyPrint asks (style_for(element, pseudo_type)), which makes them."""
    document = HTML(string=PAGE, base_url="helpdesk-static:")
    style_for = weasyprint.css.get_all_computed_styles(document, target_collector=TargetCollector())
    keys = [*style_for._computed_styles, *getattr(style_for, "_fast_pending", {})]
    order = {element: n for n, element in enumerate(document.etree_element.iter())}
    keys.sort(key=lambda key: (order[key[0]], key[1] or ""))
    names = ("color", "font_weight", "margin_left", "padding_left", "display", "content")
    rows = []
    for element, pseudo_type in keys:
        style = style_for(element, pseudo_type)
        stored = dict(style)
        rows.append(
            (
                (getattr(element, "tag", element), pseudo_type),
                repr(list(style.cascaded.items())),
                repr(sorted(stored.items())),
                repr([style[name] for name in names]),
            )
        )
    return rows


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
        return selector_matches._answers_by_chain(compiled.test)

    assert by_chain("section .inner") and by_chain("ul > li.x[title]") and by_chain("[dir] dd")
    assert not by_chain("p + p")
    assert not by_chain("li:first-child")
    assert not by_chain(":lang(nl)")
    assert not by_chain("td:empty")
    assert not by_chain("h1 ~ .box p")


def test_uninstall_puts_the_stock_functions_back() -> None:
    cascade.install()
    tag_walks.install()
    assert cascade.installed() and tag_walks.installed()
    cascade.uninstall()
    tag_walks.uninstall()
    assert not cascade.installed() and not tag_walks.installed()
    assert StyleFor.__init__ is cascade._stock_init
    assert StyleFor.__call__ is cascade._stock_call
    assert weasyprint.css.find_stylesheets is tag_walks._stock_find_stylesheets
    assert weasyprint.document.get_html_metadata is tag_walks._stock_get_html_metadata
    assert not selector_matches._chains and not cascade._sets
    for function in (StyleFor.__init__, weasyprint.css.find_stylesheets):
        assert function.__module__ == "weasyprint.css"
    assert weasyprint.document.get_html_metadata.__module__ == "weasyprint.html"


#: User text a case file must carry through the quick parser as tinyhtml5 reads it.
AWKWARD_TEXT = (
    "A <b>bold</b> claim & \"quotes\" 'too' &amp; &lt;tag&gt; 🙂 𝄞 水, tab\there\r\n"
    "CR LF, a lone CR\rand\n\n  spaces  \u00a0no-break \u200b zero-width \x0c form feed. "
    + "A very long line without a break, "
    * 400
)


def _shape(element: Element) -> Any:
    """Everything of a tree that WeasyPrint reads: tags, attributes in order, text, tails."""
    return (
        element.tag,
        list(element.attrib.items()),
        element.text,
        element.tail,
        [_shape(child) for child in element],
    )


def _stock_tree(html: str) -> Any:
    return _shape(parsing._stock_parse(io.StringIO(html), namespace_html_elements=False))


def _quick_tree(html: str) -> Any:
    return _shape(parsing.QuickParser().tree(html))


def _case_files(app: Flask) -> list[str]:
    """Real case files, both languages and versions, with awkward text from the customer."""
    agent, manager = fast_staff("agent"), fast_staff("manager")
    sources = []
    with app.test_request_context():
        for language in ("en", "nl"):
            case = full_case(
                agent, manager, language=language, photos=1, extra_messages=3,
                description=AWKWARD_TEXT,
            )  # fmt: skip
            for internal in (False, True):
                loaded = load_case_file(case.complaint.reference, internal=internal)
                assert loaded is not None
                sources.append(case_file_source(loaded).html)
    return sources


def test_case_files_are_parsed_to_the_same_tree(app: Flask) -> None:
    sources = _case_files(app)
    assert "&lt;b&gt;bold" in sources[0] and "🙂" in sources[0]
    for html in sources:
        assert _quick_tree(html) == _stock_tree(html)
        # The same with Windows line ends all through, and with a NUL (handed to tinyhtml5).
        crlf = html.replace("\n", "\r\n")
        assert _quick_tree(crlf) == _stock_tree(crlf)
        with_nul = html.replace("claim", "cl\x00aim")
        with pytest.raises(parsing.Unsupported):
            parsing.QuickParser().tree(with_nul)
        parsing.install()
        assert _shape(tinyhtml5.parse(io.StringIO(with_nul), namespace_html_elements=False)) == (
            _stock_tree(with_nul)
        )


def test_a_case_file_with_awkward_text_is_the_same_bytes(app: Flask) -> None:
    agent, manager = fast_staff("agent"), fast_staff("manager")
    case = full_case(agent, manager, language="nl", photos=0, description=AWKWARD_TEXT)
    with app.test_request_context():
        loaded = load_case_file(case.complaint.reference, internal=True)
        assert loaded is not None
        source = case_file_source(loaded)
        app.config["LIBRARY_PATCHES"] = False
        stock = source.pdf()
        app.config["LIBRARY_PATCHES"] = True
        assert source.pdf() == stock
        assert parsing.installed()


#: Documents of the quick parser's shape: implied tbody, spaces around head and body.
ACCEPTED = [
    "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n<title>T &amp; t</title>"
    "\n</head>\n<body>\n<table class=a>\n <tr><th>h</th><td colspan=2>d</td></tr>\n <tr>"
    "<td>e<br/>f</td></tr>\n</table>\n</body>\n</html>\n\n",
    "<!doctype html><html><head></head><body><table><thead><tr><th>x</th></tr></thead>"
    "<tr><td><p>in a cell</p></td></tr></table><ul><li>a<ul><li>b</li></ul></li></ul>"
    "<div title='&#34;q&#39;' hidden class=x>z<img src=a alt><span>s</span></div>"
    "</body></html>",
]
#: Documents HTML builds differently from their tags: handed to tinyhtml5.
HANDED_OVER = [
    "<!doctype html><html><body><p>no head</p></body></html>",
    "<html><head></head><body>no doctype</body></html>",
    "<!doctype html><html><head></head><body><!-- a comment --></body></html>",
    "<!doctype html><html><head></head><body><p>a<div>block in a p</div></p></body></html>",
    "<!doctype html><html><head></head><body><table>text in a table</table></body></html>",
    "<!doctype html><html><head></head><body><table><td>no row</td></table></body></html>",
    "<!doctype html><html><head></head><body></p></body></html>",
    "<!doctype html><html><head></head><body><p class=a class=b>x</p></body></html>",
    "<!doctype html><html><head></head><body>&nbsp;&copy</body></html>",
    "<!doctype html><html><head></head><body><li>no list</li></body></html>",
    "<!doctype html><html><head></head><body><h1>a<h2>b</h2></h1></body></html>",
    "<!doctype html><html><head></head><body><div>unclosed</body></html>",
    "<!doctype html><html><head></head><body><b><i>x</b></i></body></html>",
    "<!doctype html><html><head></head><body><pre>\nx</pre></body></html>",
    "<!doctype html><html><head><style>p{}</style></head><body></body></html>",
    "<!doctype html><html><head></head><body></body></html>text after the end",
    "<!doctype html><html><head></head><body><div/>x</body></html>",
    "<!doctype html><html><head></head><body><a href=x>link</a></body></html>",
]


@pytest.mark.parametrize("html", ACCEPTED)
def test_documents_of_the_shape_are_parsed_to_the_same_tree(html: str) -> None:
    assert _quick_tree(html) == _stock_tree(html)


@pytest.mark.parametrize("html", HANDED_OVER)
def test_other_documents_are_handed_to_tinyhtml5(html: str) -> None:
    with pytest.raises(parsing.Unsupported):
        parsing.QuickParser().tree(html)
    parsing.install()
    try:
        tree = tinyhtml5.parse(io.StringIO(html), namespace_html_elements=False)
    finally:
        parsing.uninstall()
    assert _shape(tree) == _stock_tree(html)


def test_uninstall_puts_tinyhtml5_back() -> None:
    parsing.install()
    assert tinyhtml5.parse is parsing.parse
    parsing.uninstall()
    assert tinyhtml5.parse is parsing._stock_parse
    assert tinyhtml5.parse.__module__ == "tinyhtml5.parser"


def test_the_document_metadata_is_the_stock_metadata() -> None:
    html = (
        "<!doctype html><html lang=nl><head><title>First</title><title>Second</title>"
        "<meta name=author content=A><meta name=AUTHOR content=B><meta name=keywords "
        "content='x, y,x'><meta name=description content=D><meta name=generator content=G>"
        "<meta name=dcterms.created content=2026-04-01><link rel=attachment href=a.txt "
        "title=T></head><body><svg><title>not this</title></svg><p>x</p></body></html>"
    )
    tag_walks.uninstall()
    stock = weasyprint.document.get_html_metadata(HTML(string=html))
    tag_walks.install()
    try:
        assert weasyprint.document.get_html_metadata(HTML(string=html)) == stock
    finally:
        tag_walks.uninstall()
    assert stock["title"] == "First" and stock["authors"] == ["A", "B"]
