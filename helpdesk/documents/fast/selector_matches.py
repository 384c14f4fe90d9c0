"""Which selectors match an element, remembered per chain: cssselect2's Matcher.match,
answered once for every element with the same tag, attributes and ancestors.

Which selectors match depends, for nearly every selector, only on the element's tag and
attributes and those of its ancestors (tests that read `el.parent`, `el.ancestors`, the
element's own name, classes, id and attributes). Each element gets a *chain*: a number for
(tag, attributes, the parent's chain). The selectors of those kinds are tested once per
chain and sheet (`SheetPlan`); the others (siblings, `:first-child`, `:lang`, text
content, ...) are still tested on every element, and their matches sorted in among the
remembered ones by (specificity, order), as `Matcher.match` sorts them. Which selectors a
chain answers is decided by reading the names each compiled selector's code uses
(`SAFE_NAMES`): an unknown name means the selector is tested on every element, as in the
stock code. documents.fast.cascade uses it; it patches nothing itself.
"""

from __future__ import annotations

import itertools
import types
from typing import Any

from webencodings import ascii_lower

#: The names a selector's compiled test may use and still depend only on the element's and
#: its ancestors' tags and attributes (cssselect2 compiles a selector to `lambda el: ...`).
SAFE_NAMES = frozenset(
    {
        # the element itself
        "local_name", "namespace_url", "etree_element", "tag", "attrib", "get", "id",
        "classes", "in_html_document",
        # its ancestors: `a b` is any(... for el in el.ancestors), `a > b` next(... [el.parent])
        "parent", "ancestors", "any", "next",
        # plain functions on attribute values
        "lower", "split", "startswith", "endswith", "split_whitespace", "ascii_lower",
    }
)  # fmt: skip
#: How many chains are remembered before everything is forgotten and started again.
LIMIT = 50_000

_chains: dict[tuple[Any, ...], int] = {}
#: Chain numbers, never given twice (not even after `forget`), so that a render in another
#: thread, or one that began before a `forget`, can never take one chain for another.
_numbers = itertools.count()


def _names(code: types.CodeType) -> set[str]:
    """Every name a compiled test's code (and the generators inside it) looks up."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _names(constant)
    return names


def _answers_by_chain(test: Any) -> bool:
    """True when a selector's test reads nothing but the element's chain."""
    code = getattr(test, "__code__", None)
    return code is not None and _names(code) <= SAFE_NAMES


class SheetPlan:
    """One sheet's Matcher, its selectors sorted into 'by chain' and 'every element'."""

    def __init__(self, matcher: Any) -> None:
        self.matcher = matcher
        self.order = matcher.order
        #: chain -> (matches of the chain's selectors, sorted; the other selectors to test)
        self.by_chain: dict[int, tuple[list[Any], list[Any]]] = {}

    def match(self, element: Any, chain: int) -> list[Any]:
        """Matcher.match(element): the chain's remembered matches and the others tested."""
        found = self.by_chain.get(chain)
        if found is None:
            found = self.by_chain[chain] = self._prepare(element)
        matched, others = found
        if others:
            extra = [
                (specificity, order, pseudo, payload)
                for test, specificity, order, pseudo, payload in others
                if test(element)
            ]
            if extra:
                extra.extend(matched)
                extra.sort()
                return extra
        return matched

    def _prepare(self, element: Any) -> tuple[list[Any], list[Any]]:
        """The selectors Matcher.match would test on `element`, answered or set aside."""
        matcher = self.matcher
        relevant: list[Any] = []
        if element.id is not None and element.id in matcher.id_selectors:
            relevant += matcher.id_selectors[element.id]
        for class_name in element.classes:
            if class_name in matcher.class_selectors:
                relevant += matcher.class_selectors[class_name]
        lower_name = ascii_lower(element.local_name)
        if lower_name in matcher.lower_local_name_selectors:
            relevant += matcher.lower_local_name_selectors[lower_name]
        if element.namespace_url in matcher.namespace_selectors:
            relevant += matcher.namespace_selectors[element.namespace_url]
        if "lang" in element.etree_element.attrib:
            relevant += matcher.lang_attr_selectors
        relevant += matcher.other_selectors
        matched = []
        others = []
        for entry in relevant:
            test, specificity, order, pseudo, payload = entry
            if not _answers_by_chain(test):
                others.append(entry)
            elif test(element):
                matched.append((specificity, order, pseudo, payload))
        matched.sort()
        return matched, others


def chain_of(element: Any, parent_chain: int | None) -> int:
    """The number of (tag, attributes, in an HTML document, the parent's chain)."""
    etree_element = element.etree_element
    key = (
        etree_element.tag,
        tuple(etree_element.attrib.items()),
        element.in_html_document,
        parent_chain,
    )
    chain = _chains.get(key)
    if chain is None:
        chain = _chains[key] = next(_numbers)
    return chain


def too_many_chains() -> bool:
    """True when more than LIMIT chains are remembered: time to start again."""
    return len(_chains) > LIMIT


def forget() -> None:
    """Forget every chain (their numbers are never given again)."""
    _chains.clear()
