"""The few tags WeasyPrint looks up in a document, found by walking the tree.

Twice a document, WeasyPrint looks for a few tags by walking every element wrapped for
cssselect2 and testing `el.local_name == name` on each (`query_all`): find_stylesheets for
<style> and <link>, get_html_metadata for <title>, <meta> and <link>. Both read nothing of
what they find but its etree element, so `_ByName` stands for the root's wrapper and walks
the etree elements (children whose tag is a string, in tree order, as cssselect2 does).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import weasyprint.css
import weasyprint.document

_stock_find_stylesheets = weasyprint.css.find_stylesheets
_stock_get_html_metadata = weasyprint.document.get_html_metadata


class _Found:
    """An element query_all found: its callers here read only its etree element."""

    __slots__ = ("etree_element",)

    def __init__(self, etree_element: Any) -> None:
        self.etree_element = etree_element


class _ByName:
    """Stands for the root's ElementWrapper in find_stylesheets and get_html_metadata, which
    only call its query_all."""

    def __init__(self, wrapper: Any) -> None:
        self.root = wrapper.etree_element

    def query_all(self, *names: str) -> Iterator[_Found]:
        """The elements named `names` (plain lower-case tag names), in tree order."""
        # cssselect2 compiles a bare name to `el.local_name == name` and walks the elements
        # (children whose tag is a string) in tree order, wrapping each one on the way.
        assert all(name.isalpha() and name.islower() for name in names)
        stack = [self.root]
        while stack:
            element = stack.pop()
            tag = element.tag
            if tag.rpartition("}")[2] in names if tag[:1] == "{" else tag in names:
                yield _Found(element)
            stack.extend(child for child in reversed(element) if isinstance(child.tag, str))


def find_stylesheets(wrapper_element: Any, *args: Any) -> Iterator[Any]:
    """weasyprint.css.find_stylesheets, its <style> and <link> elements found without wrappers."""
    return _stock_find_stylesheets(_ByName(wrapper_element), *args)  # type: ignore[no-any-return]


class _MetadataSource:
    """Stands for the HTML object in get_html_metadata: the same, but for its root wrapper."""

    def __init__(self, html: Any) -> None:
        self.html = html
        self.wrapper_element = _ByName(html.wrapper_element)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.html, name)


def get_html_metadata(html: Any) -> Any:
    """weasyprint.html.get_html_metadata, its <title>, <meta> and <link> found as above."""
    return _stock_get_html_metadata(_MetadataSource(html))


def install() -> None:
    """Find the tags by walking the tree."""
    weasyprint.css.find_stylesheets = find_stylesheets
    weasyprint.document.get_html_metadata = get_html_metadata


def uninstall() -> None:
    """WeasyPrint's own look-ups again."""
    weasyprint.css.find_stylesheets = _stock_find_stylesheets
    weasyprint.document.get_html_metadata = _stock_get_html_metadata


def installed() -> bool:
    """True while the tags are found by walking the tree."""
    return (
        weasyprint.css.find_stylesheets is find_stylesheets
        and weasyprint.document.get_html_metadata is get_html_metadata
    )
