"""Used lengths of boxes, the common cases first: WeasyPrint's percentage and
resolve_percentages.

`resolve_percentages` sets about 20 used values on a box (margins, paddings, sizes, border
widths) before it is laid out, about 800 boxes a case file and again when a table or a page
is laid out twice: the stock function makes a call per property, each reading the style and
resolving the length through the generic path. `resolve_percentages` here does the same
in one function, px and % lengths answered at once; anything else (auto, calc(), min(),
...) goes to the stock `percentage`, and box-sizing other than content-box to the stock
`adjust_box_sizing`.

The lengths of a style in a containing block of a given size are worked out once and kept
on the style (as a dict of used values, set on each box at once): WeasyPrint shares a style
between the boxes of an element (split over lines and pages, laid out again) and between
siblings styled alike, and the used lengths depend only on the style's values and the
containing block's size. It changes a style during layout only on a copy (first lines,
flex and grid items), and a copy starts with nothing kept.

`percentage` alone (used by the stock functions that are left) answers px and % lengths
first too.
"""

from __future__ import annotations

from math import inf
from typing import Any

from weasyprint.css.functions import check_math
from weasyprint.css.properties import Dimension
from weasyprint.formatting_structure import boxes
from weasyprint.layout import absolute, block, column, grid, inline, page, percent, table
from weasyprint.layout import float as floats

_stock_percentage = percent.percentage
_stock_resolve = percent.resolve_percentages
_adjust_box_sizing = percent.adjust_box_sizing
_BORDER_WIDTHS = (
    "border_top_width",
    "border_right_width",
    "border_bottom_width",
    "border_left_width",
)
#: Where resolve_percentages keeps a style's used lengths, by containing block size.
_USED = "_helpdesk_used_lengths"
#: The modules that call resolve_percentages by a name of their own.
_CALLERS = (percent, absolute, block, column, floats, grid, inline, page, table)


def percentage(value: Any, computed: Any, refer_to: Any) -> Any:
    """layout.percent.percentage, with px and % lengths answered first."""
    if type(value) is Dimension:
        unit = value.unit
        if unit == "px":
            return value.value
        if unit == "%":
            return refer_to * value.value / 100
    return _stock_percentage(value, computed, refer_to)


def resolve_percentages(box: Any, containing_block: Any) -> None:
    """layout.percent.resolve_percentages in one function: the box's used margins,
    paddings, sizes and border widths, from its style and its containing block; the
    lengths worked out for a style and a containing block's size kept on the style."""
    if isinstance(containing_block, boxes.Box):
        cb_width = containing_block.width
        cb_height = containing_block.height
    else:
        cb_width, cb_height = containing_block
    is_page = isinstance(box, boxes.PageBox)
    style = box.style
    try:
        kept = style.__dict__[_USED]
    except KeyError:
        kept = style.__dict__[_USED] = {}
    key = (cb_width, cb_height, is_page)
    used = kept.get(key)
    if used is None:
        used = kept[key] = _used(style, cb_width, cb_height, is_page)
    box.__dict__.update(used)
    if style["border_collapse"] == "collapse":
        # Border widths resolved already for collapsed borders are kept.
        for name in _BORDER_WIDTHS:
            if not hasattr(box, name):
                setattr(box, name, style[name])
    if style["box_sizing"] != "content-box":
        _adjust_box_sizing(box, "width")
        _adjust_box_sizing(box, "height")


def _used(style: Any, cb_width: Any, cb_height: Any, is_page: bool) -> dict[str, Any]:
    """The used margins, paddings, sizes (and border widths, borders not collapsed) of a
    box of `style` in a containing block of that size."""
    maybe_height = cb_height if is_page else cb_width
    used = {
        "margin_left": percentage(style["margin_left"], style, cb_width),
        "margin_right": percentage(style["margin_right"], style, cb_width),
        "margin_top": percentage(style["margin_top"], style, maybe_height),
        "margin_bottom": percentage(style["margin_bottom"], style, maybe_height),
        "padding_left": percentage(style["padding_left"], style, cb_width),
        "padding_right": percentage(style["padding_right"], style, cb_width),
        "padding_top": percentage(style["padding_top"], style, maybe_height),
        "padding_bottom": percentage(style["padding_bottom"], style, maybe_height),
        "width": percentage(style["width"], style, cb_width),
    }
    min_width = percentage(style["min_width"], style, cb_width)
    used["min_width"] = 0 if min_width == "auto" else min_width
    used["max_width"] = percentage(style["max_width"], style, cb_width)
    if cb_height == "auto":
        # The containing block's height depends on its content (as the stock function).
        height = style["height"]
        if height == "auto" or check_math(height) or height.unit == "%":
            used["height"] = "auto"
        else:
            assert height.unit.lower() == "px"
            used["height"] = height.value
        min_height = percentage(style["min_height"], style, 0)
        used["max_height"] = percentage(style["max_height"], style, inf)
    else:
        used["height"] = percentage(style["height"], style, cb_height)
        min_height = percentage(style["min_height"], style, cb_height)
        used["max_height"] = percentage(style["max_height"], style, cb_height)
    used["min_height"] = 0 if min_height == "auto" else min_height
    if style["border_collapse"] != "collapse":  # border widths are used as computed
        for name in _BORDER_WIDTHS:
            used[name] = style[name]
    return used


def install() -> None:
    """Resolve lengths with the common cases first."""
    percent.percentage = percentage
    for module in _CALLERS:
        module.resolve_percentages = resolve_percentages


def uninstall() -> None:
    """WeasyPrint's own functions again."""
    percent.percentage = _stock_percentage
    for module in _CALLERS:
        module.resolve_percentages = _stock_resolve


def installed() -> bool:
    """True while lengths are resolved here."""
    return percent.percentage is percentage and block.resolve_percentages is resolve_percentages
