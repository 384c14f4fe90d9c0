"""Computed and used style values, the common cases first.

WeasyPrint computes a style property the first time it is read (`ComputedStyle.__missing__`),
about 13,000 times for one case file. Most of those reads are of a property no rule set on
the element: an inherited one takes its parent's value, any other its initial value. The
stock method reaches that answer after about a dozen other checks (logical properties,
math functions, the few properties with rules of their own); `computed_missing` answers
those plain cases at once and hands every other one to the stock method.

`percentage` does the same for lengths when boxes are laid out (about 11,000 a case file):
a length in px or % is answered at once, anything else (calc(), min(), ...) by the stock
function.
"""

from __future__ import annotations

from typing import Any

from weasyprint.css import ComputedStyle
from weasyprint.css.computed_values import PHYSICAL_FUNCTIONS
from weasyprint.css.functions import check_math
from weasyprint.css.properties import (
    INHERITED,
    INITIAL_NOT_COMPUTED,
    INITIAL_VALUES,
    Dimension,
)
from weasyprint.layout import percent

_stock_missing = ComputedStyle.__missing__
_stock_percentage = percent.percentage

#: Properties the stock method treats specially even when no rule sets them.
_SPECIAL = frozenset(
    {"float", "display", "position", "page", *PHYSICAL_FUNCTIONS}
    | {name for name in INITIAL_VALUES if name.startswith("text_decoration_")}
)
#: Inherited properties answered from the parent, other properties from their initial value.
_FROM_PARENT = frozenset(INHERITED - _SPECIAL)
_INITIAL = frozenset(set(INITIAL_VALUES) - INHERITED - _SPECIAL - set(INITIAL_NOT_COMPUTED))


def computed_missing(self: Any, key: str) -> Any:
    """ComputedStyle.__missing__, with properties no rule sets answered first."""
    if key not in self.cascaded:
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
    return _stock_missing(self, key)


def percentage(value: Any, computed: Any, refer_to: Any) -> Any:
    """layout.percent.percentage, with px and % lengths answered first."""
    if type(value) is Dimension:
        unit = value.unit
        if unit == "px":
            return value.value
        if unit == "%":
            return refer_to * value.value / 100
    return _stock_percentage(value, computed, refer_to)


def install() -> None:
    """Answer the plain cases first."""
    ComputedStyle.__missing__ = computed_missing
    percent.percentage = percentage


def uninstall() -> None:
    """WeasyPrint's own methods again."""
    ComputedStyle.__missing__ = _stock_missing
    percent.percentage = _stock_percentage


def installed() -> bool:
    """True while the plain cases are answered first."""
    return ComputedStyle.__missing__ is computed_missing and percent.percentage is percentage
