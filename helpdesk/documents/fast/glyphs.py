"""The glyphs a line of text draws, remembered: WeasyPrint's draw_text with a memo.

To draw a line, WeasyPrint builds its Pango layout again (a new context, the text shaped
by HarfBuzz once more), then walks every glyph in Python to write the PDF text operators
and note each glyph's width and text for the font's tables. For the same text in the same
font that work always gives the same operators, so `plan` does it once (the same steps as
weasyprint.draw.text.draw_first_line, recorded) and `replay` writes them again: the same
font selections, the same strings, and the same width and text entries for each glyph in
the document's font tables.

Drawn by the stock function, and never kept: decorated text (underline, overline,
line-through, which need the layout's metrics), ellipses, invisible text, and any line
with a glyph the stock loop treats specially (a missing glyph, a raised or lowered one, a
colour emoji font).
"""

from __future__ import annotations

from typing import Any

from weasyprint import draw
from weasyprint.draw import text as draw_text_module
from weasyprint.matrix import Matrix
from weasyprint.text.ffi import FROM_UNITS, ffi, pango

from . import lines
from .lines import style_key

_stock = draw_text_module.draw_text

#: One run of a line: the Pango font, its text operand, and (glyph, width, text) entries.
Run = tuple[Any, str, tuple[tuple[int, int, str], ...]]
#: A line's runs (empty: nothing to draw, the text is only spaces).
Plan = tuple[Run, ...]

_memo: dict[tuple[Any, ...], Plan] = {}
#: A Pango layout for each font a kept plan names: it holds the font, so its address
#: stays that font's while the plan is kept.
_holders: dict[int, Any] = {}

_DECORATIONS = ("underline", "overline", "line-through")


def draw_text(
    stream: Any,
    textbox: Any,
    offset_x: float,
    text_overflow: str,
    block_ellipsis: str = "none",
) -> None:
    """WeasyPrint's draw_text, from the memo when this text was drawn before in this font."""
    style = textbox.style
    styled = style_key(style)
    if (
        styled is None
        or text_overflow == "ellipsis"
        or block_ellipsis != "none"
        or style["visibility"] != "visible"
        or not style["font_size"]
        or any(kind in style["text_decoration_line"] for kind in _DECORATIONS)
    ):
        _stock(stream, textbox, offset_x, text_overflow, block_ellipsis)
        return
    layout = textbox.pango_layout
    key = (layout.text, layout.justification_spacing, styled)
    runs = _memo.get(key)
    x, y = textbox.position_x, textbox.position_y + textbox.baseline
    stream.set_color(style["color"])
    if runs is None:
        layout.reactivate(style)
        runs = plan(stream, textbox)
        if runs is None:  # a line the stock loop handles specially
            stream.begin_text()
            draw_text_module.draw_first_line(
                stream, textbox, text_overflow, block_ellipsis, Matrix(d=-1, e=x, f=y)
            )
            stream.end_text()
            layout.deactivate()
            return
        _keep(key, runs, layout)
        layout.deactivate()
    stream.begin_text()
    if runs:
        replay(stream, runs, Matrix(d=-1, e=x, f=y))
    stream.end_text()


def plan(stream: Any, textbox: Any) -> Plan | None:
    """The runs of the textbox's line (its layout active), as draw_first_line writes them;
    None when a glyph or a font needs the stock loop. Adds the fonts to the stream's, as
    the stock loop does."""
    layout = textbox.pango_layout
    if not textbox.text.strip():
        return ()
    if textbox.style["font_size"] < 1e-6:
        return ()
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    first_line, _index = layout.get_first_line()
    runs: list[Run] = []
    utf8_text = layout.text.encode()
    ink, logical = ffi.new("PangoRectangle *"), ffi.new("PangoRectangle *")
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        count = glyph_string.num_glyphs
        clusters = glyph_string.log_clusters
        pango_font = glyph_item.item.analysis.font
        font, font_size = stream.add_font(pango_font)
        if font.png or font.svg or font.colr or font.bitmap:
            return None  # emoji and bitmap fonts: the stock loop
        if pango.pango_version() < 14802 or glyph_item.item.analysis.level % 2:
            return None  # old Pango's font sizes, or right-to-left text: the stock loop
        offset_in_text = glyph_item.item.offset
        item_length = glyph_item.item.length
        operand = "<"
        entries: list[tuple[int, int, str]] = []
        for i, info in enumerate(glyph_string.glyphs[0:count]):
            glyph_id = info.glyph
            width = info.geometry.width
            if glyph_id == pango.PANGO_GLYPH_EMPTY:
                operand += f">{-width / font_size}<"
                continue
            if glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG or info.geometry.y_offset:
                return None
            end = item_length if i == count - 1 else clusters[i + 1]
            text = utf8_text[offset_in_text + clusters[i] : offset_in_text + end].decode()
            offset = info.geometry.x_offset / font_size
            if offset:
                operand += f">{-offset}<"
            operand += f"{glyph_id:04x}"
            pango.pango_font_get_glyph_extents(pango_font, glyph_id, ink, logical)
            logical_width = round(logical.width * 1000 * FROM_UNITS / font_size)
            kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
            if kerning:
                operand += f">{int(kerning)}<"
            entries.append((glyph_id, logical_width, text))
        operand = operand[:-1] if operand[-1] == "<" else operand + ">"
        runs.append((pango_font, operand, tuple(entries)))
    return tuple(runs)


def replay(stream: Any, runs: Plan, matrix: Matrix) -> None:
    """Write a line's runs at `matrix`, as draw_first_line would have."""
    stream.set_text_matrix(*matrix.values)
    previous = None
    string = ""
    for pango_font, operand, entries in runs:
        if pango_font != previous:
            previous = pango_font
            font, font_size = stream.add_font(pango_font)
            if string:
                stream.show_text(string)
            string = ""
            stream.set_font_size(font.hash, font_size)
            widths, to_unicode = font.widths, font.to_unicode
        for glyph_id, logical_width, text in entries:
            if glyph_id not in widths:
                widths[glyph_id] = logical_width
            if glyph_id not in to_unicode:
                to_unicode[glyph_id] = text
        string += operand
    stream.show_text(string)


def _keep(key: tuple[Any, ...], runs: Plan, layout: Any) -> None:
    if len(_memo) >= lines.LIMIT:
        _memo.clear()
    for pango_font, _operand, _entries in runs:
        address = int(ffi.cast("uintptr_t", pango_font))
        if address not in _holders:
            _holders[address] = layout.layout  # the Pango layout that holds this font
    _memo[key] = runs


def install() -> None:
    """Draw text from the memo."""
    draw.draw_text = draw_text


def uninstall() -> None:
    """WeasyPrint's own drawing again, and an empty memo."""
    draw.draw_text = _stock
    _memo.clear()


def installed() -> bool:
    """True while the memo draws."""
    return draw.draw_text is draw_text
