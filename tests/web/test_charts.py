"""web.charts: the reports' SVG charts, read back as XML. Each is one accessible picture
(role="img", named by its <title>, described by its <desc>), writes its words as text,
escapes what it is given, scales its shapes to the numbers, tells series apart by more than
colour, and keeps its colours at 3:1 against white."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from helpdesk.web.charts import (
    PALETTE,
    Series,
    axis_ticks,
    bar_chart,
    nice_ceiling,
    stacked_bar_chart,
)
from helpdesk.web.line_chart import line_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    """The chart as XML (it must be well-formed)."""
    return ET.fromstring(str(markup))  # noqa: S314 - our own output, not untrusted input


def texts(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


def bars(svg: ET.Element) -> list[ET.Element]:
    """The value rectangles (not the legend's swatches or the patterns' tiles)."""
    return [
        r
        for r in svg.iter(f"{SVG}rect")
        if r.get("height") not in ("6", "12") and r.get("fill", "").startswith("url(")
    ]


def contrast(colour: str, background: str = "#ffffff") -> float:
    """WCAG contrast ratio of two sRGB colours."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(colour), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_a_bar_chart_is_one_named_and_described_picture() -> None:
    svg = parse(
        bar_chart(
            "c1",
            "Complaints per category",
            "Bars per category.",
            ["Billing", "Account"],
            [Series("This period", [3, 1])],
        )
    )
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title"
    assert svg.get("aria-describedby") == "c1-desc"
    assert svg.find(f"{SVG}title").get("id") == "c1-title"  # type: ignore[union-attr]
    assert svg.find(f"{SVG}title").text == "Complaints per category"  # type: ignore[union-attr]
    assert svg.find(f"{SVG}desc").text == "Bars per category."  # type: ignore[union-attr]
    assert texts(svg) == ["Billing", "3", "Account", "1"]
    widths = [float(r.get("width", "0")) for r in bars(svg)]
    assert widths[0] == pytest.approx(3 * widths[1], abs=0.2)  # to scale (0.1 px steps)
    assert "style" not in str(bar_chart("c", "t", "d", ["a"], [Series("s", [1])]))  # the CSP


def test_everything_given_is_escaped() -> None:
    evil = '<script>alert("x")</script> & "quotes"'
    markup = str(
        bar_chart(
            'id"><script>',
            evil,
            evil,
            [evil],
            [Series(evil, [1]), Series("b", [2])],
            lambda v: evil,
        )
    )
    assert "<script>" not in markup
    svg = parse(markup)  # still well-formed
    assert evil in texts(svg)
    assert svg.find(f"{SVG}title").text == evil  # type: ignore[union-attr]


def test_two_series_differ_by_pattern_and_have_a_legend() -> None:
    svg = parse(
        bar_chart(
            "c2",
            "t",
            "d",
            ["Refund", "Replacement file"],
            [Series("This period", [4, 2]), Series("Period before", [1, 0])],
        )
    )
    patterns = {p.get("id"): p for p in svg.iter(f"{SVG}pattern")}
    assert set(patterns) == {"c2-p0", "c2-p1"}
    # The second series' tiles carry white marks: told apart without seeing colour.
    assert len(list(patterns["c2-p0"])) == 1 and len(list(patterns["c2-p1"])) == 2
    fills = [r.get("fill") for r in bars(svg)]
    assert fills == ["url(#c2-p0)", "url(#c2-p1)", "url(#c2-p0)", "url(#c2-p1)"]
    assert texts(svg)[:2] == ["This period", "Period before"]  # the legend comes first


def test_a_missing_value_has_no_bar_and_reads_as_a_dash() -> None:
    svg = parse(bar_chart("c3", "t", "d", ["Median", "90th percentile"], [Series("s", [None, 4])]))
    widths = [float(r.get("width", "0")) for r in bars(svg)]
    assert widths[0] == 0 and widths[1] > 0
    assert texts(svg) == ["Median", "–", "90th percentile", "4"]


def test_a_stacked_bar_splits_one_total_and_labels_wide_parts() -> None:
    svg = parse(
        stacked_bar_chart(
            "c4",
            "SLA",
            "d",
            ["Acknowledgement", "Response"],
            [Series("Met", [30, 10]), Series("Missed", [10, 0]), Series("Open", [0, 1])],
        )
    )
    parts = bars(svg)
    assert len(parts) == 4  # zero-width parts are left out
    first = [float(r.get("width", "0")) for r in parts[:2]]
    assert first[0] == pytest.approx(3 * first[1], abs=0.2)
    assert float(parts[1].get("x", "0")) == pytest.approx(first[0])  # stacked end to end
    words = texts(svg)
    assert words[:3] == ["Met", "Missed", "Open"]
    assert "40" in words and "11" in words  # each bar's total after it
    assert "30" in words  # wide enough to carry its number


def test_a_line_chart_has_a_line_per_series_with_its_own_dash_and_marker() -> None:
    weeks = ["4 May 2026", "11 May 2026", "18 May 2026"]
    svg = parse(
        line_chart(
            "c5",
            "Per week",
            "d",
            weeks,
            [Series("Billing", [1, 4, 2]), Series("Account", [0, 0, 3])],
        )
    )
    lines = list(svg.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    assert lines[0].get("stroke") == PALETTE[0] and lines[1].get("stroke") == PALETTE[1]
    assert lines[0].get("stroke-dasharray") is None and lines[1].get("stroke-dasharray")
    points = [tuple(map(float, p.split(","))) for p in lines[0].get("points", "").split()]
    ys = [y for _x, y in points]
    assert ys[1] < ys[2] < ys[0]  # 4 is highest, 1 lowest (SVG's y grows downwards)
    # One marker per point: circles for the first series, squares for the second.
    assert len([c for c in svg.iter(f"{SVG}circle") if c.get("fill") == PALETTE[0]]) >= 3
    assert len([r for r in svg.iter(f"{SVG}rect") if r.get("fill") == PALETTE[1]]) >= 3
    words = texts(svg)
    assert all(week in words for week in weeks)
    assert {"0", "1", "2", "3", "4", "5"} <= set(words)  # the y axis: 0 to 5 in whole steps


def test_a_long_line_chart_thins_its_axis_labels() -> None:
    weeks = [f"{day} Jan 2026" for day in range(1, 106)]
    svg = parse(line_chart("c6", "t", "d", weeks, [Series("All", list(range(105)))]))
    shown = [w for w in texts(svg) if w.endswith("2026")]
    assert 3 <= len(shown) < 20
    assert len(list(svg.iter(f"{SVG}circle"))) == 1  # the legend's: too many points to mark


def test_series_must_fit_the_labels() -> None:
    with pytest.raises(ValueError, match="2 values for 3"):
        bar_chart("c", "t", "d", ["a", "b", "c"], [Series("s", [1, 2])])
    with pytest.raises(ValueError, match="at least one series"):
        line_chart("c", "t", "d", ["a"], [])


def test_colours_keep_3_to_1_against_white_and_text_is_dark() -> None:
    for colour in PALETTE:
        assert contrast(colour) >= 3.0, colour
    markup = str(bar_chart("c", "t", "d", ["a"], [Series("s", [1])]))
    assert re.search(r'<svg[^>]* fill="#1d2430"', markup)
    assert contrast("#1d2430") >= 4.5


def test_round_axis_tops() -> None:
    assert [nice_ceiling(v) for v in (0, 0.3, 1, 3, 4.2, 7, 11, 26, 180, 1001)] == [
        1,
        0.5,
        1,
        5,
        5,
        10,
        20,
        50,
        200,
        2000,
    ]


def test_axis_ticks_are_whole_steps_to_a_round_top() -> None:
    assert axis_ticks(0) == [0, 1, 2, 3, 4, 5]
    assert axis_ticks(7) == [0, 2, 4, 6, 8, 10]
    assert axis_ticks(13) == [0, 5, 10, 15, 20]
    assert axis_ticks(21) == [0, 5, 10, 15, 20, 25]
    assert axis_ticks(160) == [0, 50, 100, 150, 200]
