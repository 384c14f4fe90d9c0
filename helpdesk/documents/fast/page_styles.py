"""The styles of a page and its margin boxes, made once for pages that the same @page
rules match.

Each page is a page type of its own (its index is part of it), so WeasyPrint matches the
@page rules and makes a new style for the page and for each of its 16 margin boxes (the
user agent sheet gives every one a rule) on every page: about 18 styles a page, each of
whose values is worked out again when first read (resolve_percentages alone reads 20 of
each margin box's). `set_page_type_computed_styles` here matches the rules as the stock
function does; when they declare, for the page and every margin box, what they declared
for an earlier page of the same document, that page's styles are taken again, since a
style is made from nothing else (its declarations, the root element's style, the document's
base URL and fonts). The stock code changes a page's or a margin box's style after making
it only to the same value on every page (a page's overflow, from the root box; the page
counters it takes out of or adds to counter properties, idempotent); whatever declares
otherwise (:first, :left, :right, named pages, nth()) makes styles of its own.
"""

from __future__ import annotations

from typing import Any

from weasyprint.layout import page

_stock_set_page_type_computed_styles = page.set_page_type_computed_styles
#: Where a StyleFor keeps the page styles made so far: (declarations, styles) pairs.
_MADE = "_helpdesk_page_styles"


def set_page_type_computed_styles(page_type: Any, html: Any, style_for: Any) -> None:
    """layout.page.set_page_type_computed_styles, an earlier page's styles taken again when
    the same rules declare the same for this page and its margin boxes."""
    style_for.add_page_declarations(page_type)
    cascaded = style_for.get_cascaded_styles()
    declared = {
        pseudo_type: declarations
        for (element, pseudo_type), declarations in cascaded.items()
        if element == page_type
    }
    made = style_for.__dict__.setdefault(_MADE, [])
    computed_styles = style_for.get_computed_styles()
    for earlier_declared, earlier_styles in made:
        if earlier_declared == declared:
            for pseudo_type, style in earlier_styles.items():
                computed_styles[page_type, pseudo_type] = style
            return
    # As the stock function: the page first, then its margin boxes in the cascade's order.
    style_for.set_computed_styles(
        page_type, root=html.etree_element, parent=html.etree_element, base_url=html.base_url
    )
    for pseudo_type in declared:
        if pseudo_type:
            style_for.set_computed_styles(
                page_type,
                pseudo_type=pseudo_type,
                root=html.etree_element,
                parent=page_type,
                base_url=html.base_url,
            )
    styles = {None: computed_styles[page_type, None]}
    for pseudo_type in declared:
        styles[pseudo_type] = computed_styles[page_type, pseudo_type]
    made.append((declared, styles))


def install() -> None:
    """Take a page's styles again when the same rules match."""
    page.set_page_type_computed_styles = set_page_type_computed_styles


def uninstall() -> None:
    """WeasyPrint's own function again."""
    page.set_page_type_computed_styles = _stock_set_page_type_computed_styles


def installed() -> bool:
    """True while page styles are taken again."""
    return page.set_page_type_computed_styles is set_page_type_computed_styles
