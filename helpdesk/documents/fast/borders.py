"""Box borders drawn, the plain cases first: WeasyPrint's draw_border.

WeasyPrint calls `draw_border` for every box it draws (about 350 a case file). Most have no
border: the stock function finds that out after reading the visibility, the column
properties, the border image and the four widths into a set. Here a box with four zero
widths, no columns and no border image is passed by at once (the stock function returns
for it too, whatever its visibility).

A case file's bordered boxes are mostly ruled on one or two sides (the rows of the facts
and the timeline, headings, the messages' left bar): square corners, solid lines. The stock
function draws such a side through `clip_border_segment`, a general function for rounded,
dotted and dashed borders (three closures made on every call, the box's rounded border box
worked out five times a side). `_solid_sides` draws the same: for each side, in the stock
order (bottom, left, right, top), the same clip path from the same expressions, then the
padding and border rectangles filled, so the operators are the same byte for byte.

Everything else goes to the stock function: hidden boxes, columns, border images, the four
equal sides it draws as one rectangle, dotted and dashed borders, any other style (double,
groove, ...) or a transparent side, and rounded corners.
"""

from __future__ import annotations

from typing import Any

from weasyprint import draw
from weasyprint.draw import border
from weasyprint.draw.color import get_color
from weasyprint.formatting_structure.boxes import BlockContainerBox

_stock = border.draw_border

#: The sides in the stock order (top, right, bottom, left) and the order it draws them in.
SIDES = ("top", "right", "bottom", "left")
_DRAW_ORDER = (2, 3, 1, 0)
_WIDTHS = tuple(f"border_{side}_width" for side in SIDES)
_COLORS = tuple(f"border_{side}_color" for side in SIDES)
_STYLES = tuple(f"border_{side}_style" for side in SIDES)
_RADII = (
    "border_top_left_radius",
    "border_top_right_radius",
    "border_bottom_right_radius",
    "border_bottom_left_radius",
)


def draw_border(stream: Any, box: Any) -> None:
    """draw.border.draw_border, with unbordered boxes passed by and square solid sides
    drawn directly."""
    style = box.style
    if (
        isinstance(box, BlockContainerBox)
        and (style["column_width"] != "auto" or style["column_count"] != "auto")
    ) or (style["border_image_source"][0] != "none" and box.border_image is not None):
        _stock(stream, box)
        return
    widths = [
        box.border_top_width,
        box.border_right_width,
        box.border_bottom_width,
        box.border_left_width,
    ]
    if set(widths) == {0}:
        return  # the stock function's early return, whatever the visibility
    if style["visibility"] != "visible" or not _solid_sides(stream, box, style, widths):
        _stock(stream, box)


def _solid_sides(stream: Any, box: Any, style: Any, widths: list[Any]) -> bool:
    """Draw a visible box's borders as the stock per-side loop does, when every side it
    draws is solid and every corner square; False (nothing drawn) for any other box."""
    colors = [get_color(style, key) for key in _COLORS]
    styles = [colors[i].alpha and style[key] for i, key in enumerate(_STYLES)]
    if 0 not in widths and len(set(colors)) == 1 and set(styles) in ({"solid"}, {"double"}):
        return False  # the stock function draws these as one rounded rectangle
    drawn = [i for i in _DRAW_ORDER if widths[i] != 0 and colors[i]]
    if any(styles[i] != "solid" for i in drawn):
        return False
    outer = box.rounded_border_box()
    if any(rx != 0 or ry != 0 for rx, ry in outer[4:]):
        return False
    inner = box.rounded_padding_box()
    bbx, bby, bbw, bbh = outer[:4]
    bt, br, bb, bl = widths
    for index in drawn:
        with stream.artifact(), stream.stacked():
            _clip_side(stream, SIDES[index], bbx, bby, bbw, bbh, bt, br, bb, bl)
            stream.set_color(colors[index])
            stream.rectangle(*inner[:4])
            stream.rectangle(*outer[:4])
            stream.fill(even_odd=True)
    return True


def _clip_side(
    stream: Any,
    side: str,
    bbx: Any,
    bby: Any,
    bbw: Any,
    bbh: Any,
    bt: Any,
    br: Any,
    bb: Any,
    bl: Any,
) -> None:
    """clip_border_segment for a solid side with square corners: each corner's transition
    point is the inner corner, (±width of the side beside, ±width of this side)."""
    if side == "top":
        px1, py1, px2, py2 = bl, bt, -br, bt
        main_offset = bby
    elif side == "bottom":
        px1, py1, px2, py2 = bl, -bb, -br, -bb
        main_offset = bby + bbh
    elif side == "right":
        px1, py1, px2, py2 = -br, bt, -br, -bb
        main_offset = bbx + bbw
    else:
        px1, py1, px2, py2 = bl, bt, bl, -bb
        main_offset = bbx
    if side in ("top", "bottom"):
        stream.move_to(bbx + bbw, main_offset)
        stream.line_to(bbx, main_offset)
        stream.line_to(bbx + px1, main_offset + py1)
        stream.line_to(bbx + bbw + px2, main_offset + py2)
    else:
        stream.move_to(main_offset, bby + bbh)
        stream.line_to(main_offset, bby)
        stream.line_to(main_offset + px1, bby + py1)
        stream.line_to(main_offset + px2, bby + bbh + py2)
    stream.clip(even_odd=True)
    stream.end()


def install() -> None:
    """Draw the plain borders here."""
    draw.draw_border = draw_border


def uninstall() -> None:
    """WeasyPrint's own border drawing again."""
    draw.draw_border = _stock


def installed() -> bool:
    """True while the plain borders are drawn here."""
    return draw.draw_border is draw_border
