"""Charts drawn on the server as accessible SVG (the reports page, policy clause 7): pure
functions from numbers and words to escaped SVG markup, no JavaScript, no chart library.

Every chart is an `<svg role="img">` named by its `<title>` (aria-labelledby) and described
by its `<desc>` (aria-describedby), so a screen reader announces it as one picture; the
page puts the same numbers in a table beside it. Words on the chart are text, never baked
into shapes. Series differ by more than colour: bars by fill pattern (solid, hatched,
dotted, ...), lines by dash and marker shape, and each chart has a legend naming them.
The colours keep at least 3:1 contrast against the white card (WCAG 1.4.11, tested). Only
presentation attributes are used (fill, stroke): the CSP allows no inline styles. Callers
pass every word already translated and every value already formatted; everything they
pass is escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: Series colours, all at least 3:1 against white (blue, orange, green, purple, magenta, grey).
PALETTE = ("#1f5fbf", "#b35806", "#1b7837", "#762a83", "#c51b7d", "#4d4d4d")
INK = "#1d2430"
MUTED = "#5b6573"
GRID = "#d9dee6"
WIDTH = 640
FONT = 12
#: Below this many points a line chart marks each point (more would crowd the line).
MAX_MARKED_POINTS = 27
#: A rough width of one character at FONT (to keep words inside a bar or apart on an axis).
CHAR_WIDTH = 6.6

#: Writes a value as people read it (None: a figure that cannot be given, drawn as no bar).
ValueText = Callable[[float | None], str]


@dataclass(frozen=True)
class Series:
    """One named row of values, one per label."""

    name: str
    values: Sequence[float | None]


def _plain(value: float | None) -> str:
    """A count as digits; other values with at most one decimal; None as an en dash."""
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _size(value: float | None) -> float:
    """What a value measures on a chart (a missing one nothing)."""
    return 0.0 if value is None or not math.isfinite(value) else max(float(value), 0.0)


def _n(value: float) -> str:
    """A coordinate: at most one decimal, no trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above `value` (1 for 0)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    raise AssertionError("unreachable: 10 * power is above value")


def axis_ticks(peak: float) -> list[float]:
    """The y axis's grid values from 0 to a round top at or above `peak` (at least 5, so
    counts get whole steps): 4 or 5 equal steps of 1, 2 or 5 times a power of ten."""
    top = nice_ceiling(max(peak, 5.0))
    mantissa = top / 10 ** math.floor(math.log10(top))
    steps = 4 if mantissa == 2 else 5
    return [top * i / steps for i in range(steps + 1)]


def _frame(chart_id: str, title: str, desc: str, height: float, body: list[str]) -> Markup:
    """The <svg> around `body`, named by its title and described by its desc."""
    cid = escape(chart_id)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {_n(height)}" width="{WIDTH}" height="{_n(height)}" '
        f'aria-labelledby="{cid}-title" aria-describedby="{cid}-desc" font-size="{FONT}" '
        f'fill="{INK}">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every word escaped above


def _patterns(chart_id: str, count: int) -> str:
    """Fill patterns for `count` series: solid, then white hatching, dots, lines, crosses."""
    marks = (
        "",
        '<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#fff" stroke-width="1.5"/>',
        '<circle cx="3" cy="3" r="1.3" fill="#fff"/>',
        '<path d="M0,3 h6" stroke="#fff" stroke-width="1.5"/>',
        '<path d="M0,0 l6,6 M6,0 l-6,6" stroke="#fff" stroke-width="1.2"/>',
        '<path d="M3,0 v6" stroke="#fff" stroke-width="1.5"/>',
    )
    cid = escape(chart_id)
    defs = []
    for i in range(count):
        colour = PALETTE[i % len(PALETTE)]
        defs.append(
            f'<pattern id="{cid}-p{i}" patternUnits="userSpaceOnUse" width="6" height="6">'
            f'<rect width="6" height="6" fill="{colour}"/>{marks[i % len(marks)]}</pattern>'
        )
    return "<defs>" + "".join(defs) + "</defs>"


def _fill(chart_id: str, index: int) -> str:
    return f"url(#{escape(chart_id)}-p{index})"


def _legend(
    chart_id: str,
    names: Sequence[str],
    y: float,
    sample: Callable[[int, float, float], str] | None = None,
) -> list[str]:
    """A row of swatches (or what `sample(index, x, y)` draws, e.g. a line chart's line
    samples) with their names, wrapping at the chart's width."""
    parts: list[str] = []
    x = 0.0
    for i, name in enumerate(names):
        width = 22 + len(name) * CHAR_WIDTH + 16
        if x and x + width > WIDTH:
            x, y = 0.0, y + 18
        if sample is not None:
            parts.append(sample(i, x, y))
        else:
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(y - 10)}" width="14" height="12" '
                f'fill="{_fill(chart_id, i)}" stroke="{PALETTE[i % len(PALETTE)]}"/>'
            )
        parts.append(f'<text x="{_n(x + 20)}" y="{_n(y)}">{escape(name)}</text>')
        x += width
    return parts


def legend_height(names: Sequence[str]) -> float:
    """How tall _legend's rows are."""
    rows, x = 1, 0.0
    for name in names:
        width = 22 + len(name) * CHAR_WIDTH + 16
        if x and x + width > WIDTH:
            rows, x = rows + 1, 0.0
        x += width
    return rows * 18.0


# --- horizontal bars ---------------------------------------------------------------------


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    value_text: ValueText = _plain,
) -> Markup:
    """Horizontal bars, one group per label: one bar per series (two series: this period
    and the one before, say). Each label is written above its bars, each value after its
    bar, so long words need no room at the side."""
    _check(labels, series)
    bar, gap = 14.0, 12.0
    top = legend_height([s.name for s in series]) + 8 if len(series) > 1 else 0.0
    row = FONT + 6 + bar * len(series) + 2 * (len(series) - 1) + gap
    height = top + row * len(labels) + 4
    peak = max((_size(v) for s in series for v in s.values), default=0.0)
    scale = (WIDTH - 90) / (peak or 1)
    body = [_patterns(chart_id, len(series))]
    if len(series) > 1:
        body += _legend(chart_id, [s.name for s in series], 14)
    for index, label in enumerate(labels):
        y = top + index * row + FONT
        body.append(f'<text x="0" y="{_n(y)}">{escape(label)}</text>')
        y += 6
        for s_index, s in enumerate(series):
            value = s.values[index]
            length = _size(value) * scale
            body.append(
                f'<rect x="0" y="{_n(y)}" width="{_n(length)}" height="{_n(bar)}" '
                f'fill="{_fill(chart_id, s_index)}"/>'
            )
            body.append(
                f'<text x="{_n(length + 6)}" y="{_n(y + bar - 3)}">{escape(value_text(value))}'
                "</text>"
            )
            y += bar + 2
    return _frame(chart_id, title, desc, height, body)


def stacked_bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    value_text: ValueText = _plain,
) -> Markup:
    """One horizontal bar per label, split into the series (met, missed, open, say), all
    bars on one scale; a part wide enough for its number shows it."""
    _check(labels, series)
    bar, gap = 18.0, 12.0
    top = legend_height([s.name for s in series]) + 8
    row = FONT + 6 + bar + gap
    height = top + row * len(labels) + 4
    totals = [sum(_size(s.values[i]) for s in series) for i in range(len(labels))]
    scale = (WIDTH - 60) / (max(totals, default=0.0) or 1)
    body = [_patterns(chart_id, len(series))]
    body += _legend(chart_id, [s.name for s in series], 14)
    for index, label in enumerate(labels):
        y = top + index * row + FONT
        body.append(f'<text x="0" y="{_n(y)}">{escape(label)}</text>')
        y += 6
        x = 0.0
        for s_index, s in enumerate(series):
            length = _size(s.values[index]) * scale
            if length <= 0:
                continue
            body.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(length)}" height="{_n(bar)}" '
                f'fill="{_fill(chart_id, s_index)}" stroke="#fff" stroke-width="1"/>'
            )
            text = value_text(s.values[index])
            if len(text) * CHAR_WIDTH + 14 <= length:
                # White on the series colour with a dark outline: readable on any pattern.
                body.append(
                    f'<text x="{_n(x + 4)}" y="{_n(y + bar - 5)}" fill="#fff" stroke="{INK}" '
                    f'stroke-width="2.5" paint-order="stroke">{escape(text)}</text>'
                )
            x += length
        body.append(
            f'<text x="{_n(x + 6)}" y="{_n(y + bar - 5)}">{escape(value_text(totals[index]))}'
            "</text>"
        )
    return _frame(chart_id, title, desc, height, body)


def _check(labels: Sequence[str], series: Sequence[Series]) -> None:
    """Every series has one value per label."""
    if not series:
        raise ValueError("a chart needs at least one series")
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(labels)}")
