"""Where a text breaks, remembered: WeasyPrint's split_first_line with a memo.

WeasyPrint asks `split_first_line(text, style, ...)` for every line of every text box, and
again for the same text when a table cell or a page is laid out twice. Each call builds a
Pango layout and shapes the text two or three times. The answer depends only on the text,
the width, and the style properties the function and its Layout read (listed in
STYLE_KEYS), so it is kept under those and handed back as a fresh copy of the
(deactivated) Layout the stock function returns: drawing re-creates the Pango objects from
its text, exactly as it does for the stock one.

`strut`, a line's height in a style, is kept on the style object the same way.

Automatic hyphenation (`hyphens: auto`) is left to the stock function: its answer also
depends on the layout context's dictionaries.
"""

from __future__ import annotations

from typing import Any

from weasyprint.layout import inline, preferred
from weasyprint.text import line_break
from weasyprint.text.line_break import Layout

#: Every style property split_first_line, Layout.setup and Layout.set_text read.
STYLE_KEYS = (
    "white_space",
    "font_size",
    "letter_spacing",
    "word_spacing",
    "overflow_wrap",
    "word_break",
    "hyphens",
    "hyphenate_limit_chars",
    "hyphenate_limit_zone",
    "hyphenate_character",
    "tab_size",
    "direction",
    "lang",
    "font_language_override",
    "font_family",
    "font_style",
    "font_stretch",
    "font_weight",
    "font_variant_caps",
    "font_variation_settings",
    "font_kerning",
    "font_variant_ligatures",
    "font_variant_position",
    "font_variant_numeric",
    "font_variant_alternates",
    "font_variant_east_asian",
    "font_feature_settings",
    "text_decoration_line",
)
#: Kept answers (in each memo: this one and glyphs') before a memo starts again. An answer
#: takes 1-4 kB, so the default keeps a web worker within about 10 MB; `cases export` raises
#: it (`set_limit`) for its workers, which render hundreds of case files each.
DEFAULT_LIMIT = 2_000
LIMIT = DEFAULT_LIMIT

_stock = line_break.split_first_line
_stock_strut = line_break.strut
#: Where style_key and strut keep what they worked out on the style object.
_KEY = "_helpdesk_text_key"
_STRUT = "_helpdesk_strut"
_memo: dict[tuple[Any, ...], tuple[dict[str, Any], tuple[Any, ...]]] = {}


def style_key(style: Any) -> tuple[Any, ...] | None:
    """The style's part of a memo key (its font configuration included); None: not kept.

    Worked out once per style object (WeasyPrint shares one between the boxes of an
    element and between elements styled alike) and kept on it."""
    try:
        return style.__dict__[_KEY]  # type: ignore[no-any-return]
    except KeyError:
        pass
    key: tuple[Any, ...] | None = None
    if style["hyphens"] != "auto":
        key = (style.font_config, *[style[name] for name in STYLE_KEYS])
        try:
            hash(key)
        except TypeError:
            key = None
    style.__dict__[_KEY] = key
    return key


def split_first_line(
    text: str,
    style: Any,
    context: Any,
    max_width: float | None,
    justification_spacing: float,
    is_line_start: bool = True,
    minimum: bool = False,
) -> tuple[Any, ...]:
    """WeasyPrint's split_first_line, answered from the memo when it has seen this before."""
    styled = style_key(style)
    if styled is None:
        stock: tuple[Any, ...] = _stock(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
        return stock
    key = (text, max_width, justification_spacing, is_line_start, minimum, styled)
    kept = _memo.get(key)
    if kept is None:
        layout, *rest = _stock(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
        if len(_memo) >= LIMIT:
            _memo.clear()
        kept = _memo[key] = (dict(layout.__dict__), tuple(rest))
    state, answer = kept
    layout = Layout.__new__(Layout)
    layout.__dict__.update(state)
    return (layout, *answer)


def strut(style: Any) -> tuple[float, float]:
    """WeasyPrint's strut (a line's height and baseline in this style), kept on the style.

    The stock function builds a string key of 16 properties on every call (about 500 calls
    a case file) to find the answer in its own cache."""
    try:
        return style.__dict__[_STRUT]  # type: ignore[no-any-return]
    except KeyError:
        pass
    value: tuple[float, float] = _stock_strut(style)
    style.__dict__[_STRUT] = value
    return value


def set_limit(count: int) -> None:
    """How many answers each memo keeps before it starts again."""
    global LIMIT
    LIMIT = count


def install() -> None:
    """Answer WeasyPrint's line breaking from the memo."""
    inline.split_first_line = split_first_line
    preferred.split_first_line = split_first_line
    inline.strut = strut


def uninstall() -> None:
    """WeasyPrint's own line breaking again, and an empty memo."""
    inline.split_first_line = _stock
    preferred.split_first_line = _stock
    inline.strut = _stock_strut
    _memo.clear()


def installed() -> bool:
    """True while the memo answers."""
    return inline.split_first_line is split_first_line and inline.strut is strut
