"""Parsing the HTML: tinyhtml5's cache of patterns made to work, and our own templates'
documents read by a tokenizer of regular expressions instead of tinyhtml5.

tinyhtml5 (WeasyPrint's HTML parser) is pure Python that reads a document a character at a
time: about 10 ms, some 6 % of a case file's CPU.

The tokenizer asks its input stream for "every character up to one of these" about 550
times a case file (`HTMLUnicodeInputStream.chars_until`). The stream keeps the regular
expression of each set of characters in `characters_until_regex`, but stores it under the
wrong key (`characters = cache[characters, opposite] = regex` assigns `characters` first),
so every call builds the pattern's text again and looks it up in `re`'s cache: about a
sixth of the parse. `PatternCache` makes each pattern on the first look-up under the
right key, the way chars_until does. The tree is the same.

Our documents mostly never reach tinyhtml5, though: `parse`, put in place of
tinyhtml5.parse (which WeasyPrint's HTML() calls), builds the tree of a document shaped
like our templates' output with `QuickParser` (about 1.5 ms a case file), which reads it a
token at a time (`_TOKEN`: text, a start tag, an end tag, the doctype). The shape:
`<!doctype html>`, then html, head (meta and title only) and body, all written out; every
element closed by its own end tag, in order (none left out but a table's tbody, nothing
misnested); in the body only the tags of _BLOCKS, _PHRASING, _VOID and tables; attributes
with quoted or plain values, each once; no comments, no NUL, and no character reference but
those Jinja writes (`&amp; &lt; &gt; &#34; &#39;`, and `&quot;`), which html.unescape reads
as HTML does. For such a document HTML's tree construction builds exactly the elements
written plus a tbody around rows written straight in a table, keeps the attributes in
order, turns CR LF and CR into LF, drops spaces before the head, puts spaces after the head
on the head's tail and spaces after the body's end tag at the end of the body (which stays
open); QuickParser does the same. Whatever would make HTML close, move or imply an element
(a block start tag in a p, an li outside a list, text in a table, a heading in a heading,
`<div/>`, a tag it does not know, text it cannot tokenize) raises `Unsupported`, and the
document goes to tinyhtml5 as before. tests/documents/test_fast_cascade.py compares both
trees on real case files (both languages, both versions, awkward user text), on small
documents of the shape, and on documents that must be handed over.
"""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any
from xml.etree.ElementTree import Element, SubElement

import tinyhtml5
from tinyhtml5 import inputstream

_stock_cache = inputstream.characters_until_regex
_stock_parse = tinyhtml5.parse


class PatternCache(dict[tuple[Any, bool], re.Pattern[str]]):
    """chars_until's patterns by (characters, opposite), made when first asked for."""

    def __missing__(self, key: tuple[Any, bool]) -> re.Pattern[str]:
        characters, opposite = key
        regex = "".join([f"\\x{ord(character):02x}" for character in characters])
        if not opposite:
            regex = f"^{regex}"
        pattern = self[key] = re.compile(f"[{regex}]+")
        return pattern


#: Body elements the quick parser builds; any other tag hands the document to tinyhtml5.
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = (
    _HEADINGS
    | {"div", "section", "article", "header", "footer", "figure"}
    | {"figcaption", "ul", "ol", "li", "p", "table"}
)
_PHRASING = frozenset({"span", "strong", "b", "em", "i", "small", "code"})
_VOID = frozenset({"br", "img"})
_TABLE = frozenset({"table", "thead", "tbody", "tfoot", "tr", "th", "td"})
_TABLE_ROWS = _TABLE - {"th", "td"}
#: HTML's space characters (str.isspace() also takes others, such as U+00A0).
_SPACES = " \t\n\f\r"
#: NUL (dropped or replaced by tinyhtml5) and character references other than the five
#: Jinja writes: either sends the document to tinyhtml5.
_REFUSED = re.compile("\x00|\ufeff|&(?!(?:amp|lt|gt|quot|#34|#39);)")


_SPACE = "[\t\n\f ]"
#: One token of our templates' HTML, the way HTML's tokenizer reads it: text; a start tag
#: (name, attributes, "/"); an end tag (name); `<!doctype html>`. Anything else (comments,
#: spaces around "=", a "<" starting no tag) is left between tokens, and refused.
_TOKEN = re.compile(
    r"([^<]+)"
    rf"|<([a-zA-Z][a-zA-Z0-9]*)((?:{_SPACE}+[a-zA-Z][a-zA-Z0-9-]*"
    rf"""(?:=(?:"[^"]*"|'[^']*'|[^\t\n\f "'=<>`]+))?)*){_SPACE}*(/?)>"""
    r"|</([a-zA-Z][a-zA-Z0-9]*)>"
    rf"|<!(?i:doctype){_SPACE}+(?i:html)>"
)
_ATTRIBUTE = re.compile(
    rf"""{_SPACE}+([a-zA-Z][a-zA-Z0-9-]*)(?:=(?:"([^"]*)"|'([^']*)'|([^\t\n\f "'=<>`]+)))?"""
)


def _attributes(text: str) -> dict[str, str]:
    """A start tag's attributes by lower-case name, in order, values unescaped."""
    found = _ATTRIBUTE.findall(text)  # (name, "value", 'value', value): one or none is set
    attrib = {
        name.lower(): _unescaped(double + single + bare) for name, double, single, bare in found
    }
    if len(attrib) != len(found):
        raise Unsupported("the same attribute twice")  # tinyhtml5 keeps the first
    return attrib


def _unescaped(text: str) -> str:
    """Text with its character references (only Jinja's, see _REFUSED) replaced."""
    return unescape(text) if "&" in text else text


class Unsupported(Exception):
    """Something the quick parser does not build the way tinyhtml5 does."""


class QuickParser:
    """Our templates' documents (see the module) into the tree tinyhtml5 builds; raises
    Unsupported on anything else."""

    def __init__(self) -> None:
        self.root: Element | None = None
        self.stack: list[Element] = []
        self.mode = "initial"  # initial, before head, in head, after head, in body, after body

    def tree(self, text: str) -> Element:
        """The document's html element, or Unsupported."""
        if _REFUSED.search(text):
            raise Unsupported("NUL or a character reference")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        end = 0
        for token in _TOKEN.finditer(text):
            if token.start() != end:
                raise Unsupported(text[end : end + 20])  # a "<" that starts no tag of ours
            end = token.end()
            data, tag, attributes, closed, end_tag = token.groups()
            if data is not None:
                self.handle_data(_unescaped(data))
            elif tag is not None:
                self.handle_starttag(tag.lower(), _attributes(attributes), closed == "/")
            elif end_tag is not None:
                self.handle_endtag(end_tag.lower())
            elif self.mode == "initial":
                self.mode = "before html"  # <!doctype html>
            else:
                raise Unsupported("a second doctype")
        if end != len(text) or self.mode != "after html" or self.root is None:
            raise Unsupported("unfinished document")
        return self.root

    def handle_starttag(self, tag: str, attrib: dict[str, str], closed: bool) -> None:
        if closed and tag not in _VOID and tag != "meta":
            raise Unsupported(tag)  # <div/> is an open div in HTML
        mode = self.mode
        if mode == "in body":
            self._body_start(tag, attrib)
        elif (mode, tag) == ("before html", "html"):
            self.root = Element(tag, attrib)
            self.stack.append(self.root)
            self.mode = "before head"
        elif (mode, tag) == ("before head", "head"):
            self._push(tag, attrib)
            self.mode = "in head"
        elif (mode, tag) == ("in head", "meta") and self.stack[-1].tag == "head":
            self._append(tag, attrib)
        elif (mode, tag) == ("in head", "title") and self.stack[-1].tag == "head":
            self._push(tag, attrib)
        elif (mode, tag) == ("after head", "body"):
            self._push(tag, attrib)
            self.mode = "in body"
        else:
            raise Unsupported(tag)

    def _body_start(self, tag: str, attrib: dict[str, str]) -> None:
        """A start tag in the body, where nothing is closed or implied but a table's tbody."""
        current = self.stack[-1].tag
        if current in _TABLE_ROWS:
            if tag == "tr" and current == "table":
                self._push("tbody", {})  # implied, as HTML wants
            elif not _fits_table(tag, current):
                raise Unsupported(tag)
        elif tag not in _PHRASING and tag not in _VOID and self._closes_something(tag, current):
            raise Unsupported(tag)
        if tag in _VOID:
            self._append(tag, attrib)
        else:
            self._push(tag, attrib)

    def _closes_something(self, tag: str, current: str) -> bool:
        """True when HTML would close an element before this block start tag (or when
        the quick parser does not know the tag)."""
        names = {element.tag for element in self.stack}
        return (
            "p" in names  # nearly every block start tag closes a p
            or tag not in _BLOCKS
            or (tag == "li" and current not in ("ul", "ol"))
            or (tag in _HEADINGS and bool(names & _HEADINGS))
        )

    def handle_endtag(self, tag: str) -> None:
        stack = self.stack
        mode = self.mode
        if mode == "in body" and tag == "body" and len(stack) == 2:
            self.mode = "after body"  # body stays open: later spaces go into it
        elif mode == "after body" and tag == "html":
            self.mode = "after html"
        elif mode == "in head" and tag == "head" and stack[-1].tag == "head":
            stack.pop()
            self.mode = "after head"
        elif mode in ("in head", "in body") and len(stack) > 2 and tag not in _VOID:
            if tag == "table" and stack[-1].tag in ("tbody", "thead", "tfoot"):
                stack.pop()  # an implied or open tbody ends with its table
            if stack[-1].tag != tag:
                raise Unsupported(f"</{tag}>")
            stack.pop()
        else:
            raise Unsupported(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        mode = self.mode
        spaces = not data.strip(_SPACES)
        if mode in ("initial", "before html", "before head"):
            if not spaces:
                raise Unsupported("text before the head")
            # spaces here are dropped, as HTML does
        elif mode == "in body":
            if not spaces and self.stack[-1].tag in _TABLE_ROWS:
                raise Unsupported("text in a table")  # HTML moves it in front of the table
            self._text(data)
        elif mode == "in head" and self.stack[-1].tag == "title":
            self._text(data)
        elif not spaces:
            raise Unsupported("text in the head or after the body")
        elif mode in ("after body", "after html"):
            self._text(data, body=True)  # the body is still open, as HTML has it
        else:
            self._text(data)  # spaces in the head, after it (the head's tail)

    def _push(self, tag: str, attrib: dict[str, str]) -> None:
        self.stack.append(self._append(tag, attrib))

    def _append(self, tag: str, attrib: dict[str, str]) -> Element:
        return SubElement(self.stack[-1], tag, attrib)

    def _text(self, data: str, body: bool = False) -> None:
        """Text at the end of the current element (or of the body, after it ended)."""
        parent = self.stack[1] if body else self.stack[-1]
        if len(parent):
            last = parent[-1]
            last.tail = data if last.tail is None else last.tail + data
        else:
            parent.text = data if parent.text is None else parent.text + data


def _fits_table(tag: str, current: str) -> bool:
    """True for a row, cell or row group start tag where HTML puts it without more ado."""
    return (
        (tag == "tr" and current in ("tbody", "thead", "tfoot"))
        or (tag in ("td", "th") and current == "tr")
        or (tag in ("thead", "tbody", "tfoot") and current == "table")
    )


def parse(document: Any, namespace_html_elements: bool = True, **kwargs: Any) -> Any:
    """tinyhtml5.parse, our templates' documents built by QuickParser."""
    if namespace_html_elements or kwargs or not hasattr(document, "read"):
        return _stock_parse(document, namespace_html_elements, **kwargs)
    text = document.read()
    if isinstance(text, str):
        try:
            return QuickParser().tree(text)
        except Unsupported:
            pass
    source = io.StringIO(text) if isinstance(text, str) else io.BytesIO(text)
    return _stock_parse(source, namespace_html_elements)


def install() -> None:
    """chars_until finds its patterns; our documents are built by QuickParser."""
    if not isinstance(inputstream.characters_until_regex, PatternCache):
        inputstream.characters_until_regex = PatternCache()
    tinyhtml5.parse = parse


def uninstall() -> None:
    """tinyhtml5's own cache and parse again."""
    inputstream.characters_until_regex = _stock_cache
    tinyhtml5.parse = _stock_parse


def installed() -> bool:
    """True while the working cache and the quick parser are in place."""
    return isinstance(inputstream.characters_until_regex, PatternCache) and tinyhtml5.parse is parse
