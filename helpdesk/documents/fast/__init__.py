"""WeasyPrint speed-ups: the only place that reaches into WeasyPrint's internals.

    lines      where a text breaks (split_first_line), remembered across documents
    glyphs     the glyphs a line of text draws, remembered across documents
    styles     computed style values, the plain cases answered first
    lengths    used lengths of boxes (resolve_percentages) in one function
    serialise  the PDF's objects written to bytes; streams deflated at zlib's default level
    parsing    our templates' HTML read by a tokenizer of regular expressions into the tree
               tinyhtml5 builds (anything else to tinyhtml5, its pattern cache made to work)
    cascade    the CSS cascade (StyleFor): matched selectors and their cascade remembered
               (which selectors match an element: selector_matches, per chain of tags)
    tag_walks  the few tags WeasyPrint looks up (<style>, <link>, <title>, <meta>), walked to
    boxes      box predicates, the walk over boxes, floats, backgrounds, outlines: plain boxes first
    borders    box borders: unbordered boxes passed by, square solid sides drawn directly
    page_styles  the styles of a page and its margin boxes, made once for pages alike

A case file repeats most of its short texts: labels, table headings, names, dates, the
running header on every page, and the same words in the next case of an export. WeasyPrint
lays out and shapes each of them anew (a Pango layout, shaping by HarfBuzz, a Python loop
over every glyph); `lines` and `glyphs` keep the result of a text in a given font and width
and hand it back the next time, and `styles` shortens WeasyPrint's most frequent style
look-ups, and `lengths` the used lengths of every box. The PDF is the same byte for byte
but for `serialise`'s deflate level: its streams inflate to the same bytes
(tests/documents/test_fast_render.py compares both with the stock renderer's).

documents.pdf installs them with the first PDF unless the library patches are off
(HELPDESK_LIBRARY_PATCHES=0). They rely on WeasyPrint 70.0 (pinned in requirements.lock);
`install` refuses another version, so an upgrade falls back to the stock code until the
byte-for-byte test has been run against it.
"""

from __future__ import annotations

from importlib.metadata import version

from . import (
    borders,
    boxes,
    cascade,
    glyphs,
    lengths,
    lines,
    page_styles,
    parsing,
    serialise,
    styles,
    tag_walks,
)

#: The WeasyPrint release these patches were written against and checked with.
WEASYPRINT_VERSION = "70.0"


def install() -> bool:
    """Patch WeasyPrint (idempotent); False, and nothing patched, on another version."""
    if version("weasyprint") != WEASYPRINT_VERSION:
        return False
    lines.install()
    glyphs.install()
    styles.install()
    lengths.install()
    serialise.install()
    parsing.install()
    cascade.install()
    tag_walks.install()
    boxes.install()
    borders.install()
    page_styles.install()
    return True


def set_memo_limit(count: int) -> None:
    """How many texts each memo keeps (1-4 kB each) before it starts again."""
    lines.set_limit(count)


def uninstall() -> None:
    """Put WeasyPrint's own functions back and forget what was remembered."""
    lines.uninstall()
    glyphs.uninstall()
    styles.uninstall()
    lengths.uninstall()
    serialise.uninstall()
    parsing.uninstall()
    cascade.uninstall()
    tag_walks.uninstall()
    boxes.uninstall()
    borders.uninstall()
    page_styles.uninstall()


def installed() -> bool:
    """True while the patches are in place."""
    return all(
        part.installed()
        for part in (
            lines,
            glyphs,
            styles,
            lengths,
            serialise,
            parsing,
            cascade,
            tag_walks,
            boxes,
            borders,
            page_styles,
        )
    )
