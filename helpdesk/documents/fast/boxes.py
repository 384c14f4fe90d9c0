"""Box predicates and layout steps, the plain cases first: is_in_normal_flow,
establishes_formatting_context, descendants, page_values, avoid_collisions,
layout_box_backgrounds and draw_outline.

A case file has no floats, no positioned boxes, no backgrounds on most boxes and no rounded
corners; WeasyPrint asks about each of those for every box, several times a layout:

- `Box.is_in_normal_flow` (about 3,000 calls a case file) calls five predicates, each
  reading the style again. Here a box whose float is 'none' and whose position is 'static'
  or 'relative' is answered at once (in normal flow, as the five say); any other box asks
  the stock method. Reading 'float' first and 'position' second is the stock order.
- `Box.establishes_formatting_context` (about 800 calls) asks `is_floated` and
  `is_absolutely_positioned`: here the same tests on the same style values, in the same
  order, written out in the one method.
- `Box.descendants` is a recursive generator: every box of a page passes up through one
  generator per ancestor (a page's text is some 15 boxes deep), twice a page. Here one
  generator walks the same tree with a stack of the children's iterators, in the same order
  and reading each `children` list at the same moment (just after yielding its box). A child
  that is not a box (an absolute placeholder) is handed on as the stock code does: yielded,
  or with `placeholders`, asked for its own descendants.
- `ParentBox.page_values` (about 1,000 calls a case file: block layout asks it of every
  child, and it asks its first and last in-flow children in turn) listed every child in
  normal flow or floated to use the first and the last of them. Here the first is found
  from the front and the last from the back, the children between them left unasked: the
  same two boxes (one, when only one qualifies), so the same values.
- `avoid_collisions` (three times a line of text) finds the floats beside a box. With no
  floats on the page so far (`context.excluded_shapes` empty), a box that is not floated
  itself and a left-to-right containing block, the stock loop finds nothing and the box
  keeps the containing block's left edge and width: here that result is computed with the
  same arithmetic in the same order, and every other case goes to the stock function.
- `layout_box_backgrounds` (once a box a page) resolves border radii and lays out
  background layers. A box with square corners (every radius has a zero side), no border or
  mask image, visible, no background image, a transparent background colour and no shadow
  ends with `box.background = None`, as in the stock function; any other box (and the page
  itself) is handed to the stock function for its own part, after its children, as there.
- `draw_outline` (once a box a page) reads five style values of every box to draw
  outlines, which a box draws only with a non-zero `outline_width`. A box without one is
  passed by, its children visited in the same order; a box with one goes to the stock
  function (which draws it and comes back here for its children).

Where these paths read fewer style values than the stock code, nothing changes later: a
computed value is worked out on its first reading and kept, the same whoever reads it.
"""

from __future__ import annotations

from typing import Any

from weasyprint import draw
from weasyprint.draw import border
from weasyprint.formatting_structure.boxes import (
    BlockBox,
    BlockContainerBox,
    BlockReplacedBox,
    Box,
    LineBox,
    ParentBox,
)
from weasyprint.layout import background, block, inline
from weasyprint.layout import float as floats

_stock_is_in_normal_flow = Box.is_in_normal_flow
_stock_establishes = Box.establishes_formatting_context
_stock_descendants = Box.descendants
_stock_page_values = ParentBox.page_values
_stock_draw_outline = border.draw_outline
_stock_avoid_collisions = floats.avoid_collisions
_stock_layout_box_backgrounds = background.layout_box_backgrounds
_stock_resolve_radii = background.resolve_radii_percentages

#: The modules that call avoid_collisions by a name of their own (layout.replaced imports
#: it from layout.float when it is called).
_COLLISION_CALLERS = (floats, block, inline)
_RADII = (
    "border_top_left_radius",
    "border_top_right_radius",
    "border_bottom_right_radius",
    "border_bottom_left_radius",
)
#: The modules that call draw_outline by a name of their own.
_OUTLINE_CALLERS = (border, draw)
#: The values of Box.is_floated and Box.is_absolutely_positioned.
_FLOATED = ("left", "right", "inline-start", "inline-end")
_ABSOLUTE = ("absolute", "fixed")
_NO_IMAGE = ("none", None)
_NO_BACKGROUND_IMAGE = (_NO_IMAGE,)


def is_in_normal_flow(self: Any) -> Any:
    """Box.is_in_normal_flow, with unfloated static and relative boxes answered at once."""
    style = self.style
    if style["float"] == "none":
        position = style["position"]
        if position == "static" or position == "relative":
            return True
    return _stock_is_in_normal_flow(self)


def establishes_formatting_context(self: Any) -> Any:
    """Box.establishes_formatting_context with is_floated and is_absolutely_positioned
    written out."""
    style = self.style
    return (
        style["float"] in _FLOATED
        or style["position"] in _ABSOLUTE
        or self.is_column
        or (isinstance(self, BlockContainerBox) and not isinstance(self, BlockBox))
        or (isinstance(self, BlockBox) and style["overflow"] != "visible")
        or "flow-root" in style["display"]
    )


def descendants(self: Any, placeholders: bool = False) -> Any:
    """Box.descendants without a generator per level: the box, then its descendants in
    tree order."""
    yield self
    stack = [iter(self.children)]
    while stack:
        for child in stack[-1]:
            if isinstance(child, Box):
                yield child
                stack.append(iter(child.children))
                break
            if placeholders:
                yield from child.descendants(placeholders)
            else:
                yield child
        else:
            stack.pop()


def page_values(self: Any) -> tuple[Any, Any]:
    """ParentBox.page_values with only the first and the last child in flow (or floated)
    asked for theirs."""
    start_value = end_value = self.style["page"]
    children = self.children
    first = None
    for child in children:
        if child.is_in_normal_flow() or child.is_floated():
            first = child
            break
    if first is None:
        return start_value, end_value
    last = first
    for child in reversed(children):
        if child is first:
            break
        if child.is_in_normal_flow() or child.is_floated():
            last = child
            break
    if last is first:
        values = first.page_values()
        return values[0] or start_value, values[1] or end_value
    return first.page_values()[0] or start_value, last.page_values()[1] or end_value


def avoid_collisions(context: Any, box: Any, containing_block: Any, outer: bool = True) -> Any:
    """layout.float.avoid_collisions, answered at once while there are no floats."""
    if (
        context.excluded_shapes
        or box.style["float"] != "none"
        or containing_block.style["direction"] != "ltr"
    ):
        return _stock_avoid_collisions(context, box, containing_block, outer)
    position_y = box.position_y if outer else box.border_box_y()
    max_left_bound = containing_block.content_box_x()
    max_right_bound = max_left_bound + containing_block.width
    if not outer:
        max_left_bound += box.margin_left
        max_right_bound -= box.margin_right
    # The stock function's check of which boxes may be placed beside floats.
    assert (
        isinstance(box, LineBox)
        or box.is_table_wrapper
        or isinstance(box, BlockReplacedBox)
        or box.establishes_formatting_context()
    )
    position_x = max_left_bound
    available_width = max_right_bound - max_left_bound
    if not outer:
        position_x -= box.margin_left
        position_y -= box.margin_top
    return position_x, position_y, available_width


def layout_box_backgrounds(
    page: Any,
    box: Any,
    get_image_from_uri: Any,
    layout_children: bool = True,
    style: Any = None,
) -> None:
    """layout.background.layout_box_backgrounds, with boxes that paint no background (and
    have square corners) answered at once."""
    own = box.style
    for name in _RADII:
        rx, ry = own[name]
        if (0, "px") not in (rx, ry):
            _stock_resolve_radii(box)
            break
        setattr(box, name, (0, 0))
    if layout_children:
        for child in box.all_children():
            layout_box_backgrounds(page, child, get_image_from_uri)
    if style is None:
        style = own
    if box != page and _paints_nothing(style):
        box.background = None
        return
    # The stock function resolves the radii again (the same values) and does the rest.
    _stock_layout_box_backgrounds(page, box, get_image_from_uri, False, style)


def _paints_nothing(style: Any) -> bool:
    """True for a style with no border or mask image, visible, with no background image,
    a transparent background colour and no shadow."""
    if style["border_image_source"][0] != "none" or style["mask_border_source"][0] != "none":
        return False
    if style["visibility"] == "hidden" or style["background_image"] != _NO_BACKGROUND_IMAGE:
        return False
    color = style["background_color"]
    if color == "currentcolor":
        color = style["color"]
    return color.alpha == 0 and not style["box_shadow"]


def draw_outline(stream: Any, box: Any) -> None:
    """draw.border.draw_outline, boxes without an outline passed by."""
    if box.style["outline_width"]:
        _stock_draw_outline(stream, box)
        return
    for child in box.children:
        if isinstance(child, Box):
            draw_outline(stream, child)


def install() -> None:
    """Answer the plain boxes first."""
    Box.is_in_normal_flow = is_in_normal_flow
    Box.establishes_formatting_context = establishes_formatting_context
    Box.descendants = descendants
    ParentBox.page_values = page_values
    for module in _COLLISION_CALLERS:
        module.avoid_collisions = avoid_collisions
    background.layout_box_backgrounds = layout_box_backgrounds
    for module in _OUTLINE_CALLERS:
        module.draw_outline = draw_outline


def uninstall() -> None:
    """WeasyPrint's own functions again."""
    Box.is_in_normal_flow = _stock_is_in_normal_flow
    Box.establishes_formatting_context = _stock_establishes
    Box.descendants = _stock_descendants
    ParentBox.page_values = _stock_page_values
    for module in _COLLISION_CALLERS:
        module.avoid_collisions = _stock_avoid_collisions
    background.layout_box_backgrounds = _stock_layout_box_backgrounds
    for module in _OUTLINE_CALLERS:
        module.draw_outline = _stock_draw_outline


def installed() -> bool:
    """True while the plain boxes are answered here."""
    return (
        Box.is_in_normal_flow is is_in_normal_flow
        and Box.descendants is descendants
        and ParentBox.page_values is page_values
        and inline.avoid_collisions is avoid_collisions
        and background.layout_box_backgrounds is layout_box_backgrounds
        and draw.draw_outline is draw_outline
    )
