"""The line chart of the reports page (weekly series): a line per series, each with its own
dash pattern and marker shape so no series is told apart by colour alone. The frame, axes,
legend and palette are web/charts.py's, shared with the bar charts."""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from .charts import (
    CHAR_WIDTH,
    GRID,
    MAX_MARKED_POINTS,
    MUTED,
    PALETTE,
    WIDTH,
    Series,
    ValueText,
    _check,
    _frame,
    _legend,
    _n,
    _plain,
    _size,
    axis_ticks,
    legend_height,
)

#: Per series: a dash pattern ("" solid) and a marker shape.
_DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
_MARKERS = ("circle", "square", "triangle", "diamond", "cross", "bar")


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    """A small shape centred on (x, y)."""
    if kind == "circle":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{colour}"/>'
    if kind == "square":
        return f'<rect x="{_n(x - 3)}" y="{_n(y - 3)}" width="6" height="6" fill="{colour}"/>'
    if kind == "triangle":
        points = f"{_n(x)},{_n(y - 4)} {_n(x + 4)},{_n(y + 3)} {_n(x - 4)},{_n(y + 3)}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if kind == "diamond":
        points = f"{_n(x)},{_n(y - 4)} {_n(x + 4)},{_n(y)} {_n(x)},{_n(y + 4)} {_n(x - 4)},{_n(y)}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if kind == "cross":
        path = f"M{_n(x - 3.5)},{_n(y - 3.5)} l7,7 M{_n(x + 3.5)},{_n(y - 3.5)} l-7,7"
        return f'<path d="{path}" stroke="{colour}" stroke-width="2"/>'
    return f'<rect x="{_n(x - 1.5)}" y="{_n(y - 4)}" width="3" height="8" fill="{colour}"/>'


def _line_sample(index: int, x: float, y: float) -> str:
    colour = PALETTE[index % len(PALETTE)]
    dash = _DASHES[index % len(_DASHES)]
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path d="M{_n(x)},{_n(y - 4)} h16" stroke="{colour}" stroke-width="2.5"{dashed}/>'
        + _marker(_MARKERS[index % len(_MARKERS)], x + 8, y - 4, colour)
    )


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    value_text: ValueText = _plain,
) -> Markup:
    """A line per series over the labels (weeks, say), on a y axis from 0 with grid lines at
    round values (axis_ticks); x labels thinned so they never overlap."""
    _check(labels, series)
    left, right, plot_h = 44.0, 12.0, 200.0
    top = legend_height([s.name for s in series]) + 14
    bottom = top + plot_h
    height = bottom + 24
    ticks = axis_ticks(max((_size(v) for s in series for v in s.values), default=0.0))
    peak = ticks[-1]
    step_x = (WIDTH - left - right) / max(len(labels) - 1, 1)
    body = _legend(chart_id, [s.name for s in series], 14, _line_sample)
    for value in ticks:
        y = bottom - plot_h * value / peak
        body.append(f'<path d="M{_n(left)},{_n(y)} H{WIDTH - right}" stroke="{GRID}"/>')
        body.append(
            f'<text x="{_n(left - 6)}" y="{_n(y + 4)}" text-anchor="end" fill="{MUTED}">'
            f"{escape(value_text(value))}</text>"
        )
    widest = max((len(label) for label in labels), default=1) * CHAR_WIDTH + 8
    every = max(1, math.ceil(widest / step_x)) if len(labels) > 1 else 1
    for index, label in enumerate(labels):
        if index % every:
            continue
        x = left + index * step_x
        anchor = "start" if len(labels) == 1 else "middle"
        body.append(
            f'<text x="{_n(x)}" y="{_n(bottom + 16)}" text-anchor="{anchor}" fill="{MUTED}">'
            f"{escape(label)}</text>"
        )
    marked = len(labels) <= MAX_MARKED_POINTS
    for s_index, s in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        points = [
            (left + i * step_x, bottom - plot_h * (_size(value) / peak))
            for i, value in enumerate(s.values)
        ]
        dash = _DASHES[s_index % len(_DASHES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        path = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dashed}/>'
        )
        if marked or len(points) == 1:
            kind = _MARKERS[s_index % len(_MARKERS)]
            body += [_marker(kind, x, y, colour) for x, y in points]
    return _frame(chart_id, title, desc, height, body)
