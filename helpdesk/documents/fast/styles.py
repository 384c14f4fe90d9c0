"""Computed style values, the common cases first.

WeasyPrint computes a style property the first time it is read (`ComputedStyle.__missing__`),
about 13,000 times for one case file. Most of those reads are of a property no rule set on
the element: an inherited one takes its parent's value, any other its initial value
(computed first for the few that need it, e.g. border widths), and a physical property
(width, margin_top, ...) its initial value too when its logical equivalent (inline_size,
margin_block_start, ...) is not set either. A property a rule sets is computed from the
rule's value. The stock method reaches those answers after about a dozen other checks
(logical properties, var(), math functions, 'inherit', the few properties with rules of
their own); `computed_missing` answers the plain cases at once and hands every other one
to the stock method."""

from __future__ import annotations

from typing import Any

from weasyprint.css import ComputedStyle
from weasyprint.css.computed_values import COMPUTER_FUNCTIONS, PHYSICAL_FUNCTIONS
from weasyprint.css.functions import check_math
from weasyprint.css.properties import (
    INHERITED,
    INITIAL_NOT_COMPUTED,
    INITIAL_VALUES,
)
from weasyprint.css.tokens import Pending

_stock_missing = ComputedStyle.__missing__

#: Properties the stock method treats specially even when no rule sets them.
_SPECIAL = frozenset(
    {"float", "display", "position", "page", *PHYSICAL_FUNCTIONS}
    | {name for name in INITIAL_VALUES if name.startswith("text_decoration_")}
)
#: Inherited properties answered from the parent, other properties from their initial value
#: (computed first for those in INITIAL_NOT_COMPUTED, as the stock method does).
_FROM_PARENT = frozenset(INHERITED - _SPECIAL)
_INITIAL = frozenset(set(INITIAL_VALUES) - INHERITED - _SPECIAL - set(INITIAL_NOT_COMPUTED))
_INITIAL_COMPUTED = frozenset(
    (set(INITIAL_VALUES) & set(INITIAL_NOT_COMPUTED)) - INHERITED - _SPECIAL
)
#: Physical properties (width, margin_top, border_left_width, ...): set by no rule, neither
#: by name nor as their logical equivalent (inline_size, margin_block_start, ...), they take
#: their initial value like the others. About 7,500 reads a case file.
_PHYSICAL = frozenset(set(PHYSICAL_FUNCTIONS) & set(INITIAL_VALUES) - INHERITED)
#: Properties whose value a rule sets is computed as it is, unless it is var(), math,
#: 'inherit' or 'initial' (about 2,000 reads a case file).
_PLAIN = frozenset(set(INITIAL_VALUES) - _SPECIAL)
#: The logical property of a physical one, by (property, direction).
_LOGICAL: dict[tuple[str, str], str] = {}


def computed_missing(self: Any, key: str) -> Any:
    """ComputedStyle.__missing__, with properties no rule sets answered first."""
    cascaded = self.cascaded
    if key in cascaded:
        if key in _PLAIN:
            value = cascaded[key][0]
            if not (
                isinstance(value, Pending)
                or value == "inherit"
                or value == "initial"
                or check_math(value)
            ):
                if key in COMPUTER_FUNCTIONS:
                    value = COMPUTER_FUNCTIONS[key](self, key, value)
                self[key] = value
                return value
    else:
        if key in _FROM_PARENT:
            parent = self.parent_style
            if parent is not None:
                value = parent[key]
                if not check_math(value):
                    self[key] = value
                    return value
        elif key in _INITIAL:
            value = self[key] = INITIAL_VALUES[key]
            return value
        elif key in _INITIAL_COMPUTED or (
            key in _PHYSICAL and _logical(key, self["direction"]) not in self.cascaded
        ):
            return _initial(self, key)
    return _stock_missing(self, key)


def _initial(style: Any, key: str) -> Any:
    """A property's initial value, computed when it has to be, kept on the style."""
    value = INITIAL_VALUES[key]
    if key in INITIAL_NOT_COMPUTED and key in COMPUTER_FUNCTIONS:
        value = COMPUTER_FUNCTIONS[key](style, key, value)
    style[key] = value
    return value


def _logical(key: str, direction: str) -> str:
    """The logical property that stands for the physical `key` (top to bottom text)."""
    try:
        return _LOGICAL[key, direction]
    except KeyError:
        logical: str = PHYSICAL_FUNCTIONS[key](block="ttb", inline=direction)
        _LOGICAL[key, direction] = logical
        return logical


def install() -> None:
    """Answer the plain cases first."""
    ComputedStyle.__missing__ = computed_missing


def uninstall() -> None:
    """WeasyPrint's own methods again."""
    ComputedStyle.__missing__ = _stock_missing


def installed() -> bool:
    """True while the plain cases are answered first."""
    return ComputedStyle.__missing__ is computed_missing
