"""What the reports page draws, as the template reads it: a section (a heading, a note)
holds figures, each a chart (web.charts' SVG) with the table of the same numbers beside it.
The helpers here write the comparison rows every section uses: a figure in this period, in
the period before, and the change, formatted for the page's language (words.numbers); and
the figure most sections draw, counts per label with their bars (`compared_counts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from ...web.charts import Series, bar_chart
from ...words import numbers as n


@dataclass(frozen=True)
class Table:
    """A table: its caption, the column heads, and rows whose first cell heads the row."""

    caption: str
    head: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True)
class Figure:
    """A chart (None: nothing to draw) and the table of its numbers."""

    chart: Markup | None
    table: Table


@dataclass(frozen=True)
class Section:
    """One heading of the page, its figures and a note on how they are counted."""

    key: str
    heading: str
    figures: Sequence[Figure]
    note: str = ""


def compare_head(first: str | None = None) -> list[str]:
    """Column heads of a comparison table; `first` names the rows (default "Figure")."""
    return [first or _("Figure"), _("This period"), _("Period before"), _("Difference")]


def counts(label: str, now: int | None, before: int | None) -> list[str]:
    """A row of counts (or whole days) and their change."""
    return [label, n.count(now), n.count(before), n.change(now, before)]


def shares(label: str, now: float | None, before: float | None) -> list[str]:
    """A row of shares and their change in percentage points."""
    return [label, n.percent(now), n.percent(before), n.point_change(now, before)]


def averages(label: str, now: float | None, before: float | None) -> list[str]:
    """A row of averages (two decimals) and their change."""
    return [label, n.decimal(now, 2), n.decimal(before, 2), n.change(now, before, places=2)]


def money(label: str, now: int, before: int) -> list[str]:
    """A row of euro amounts (cents) and their change."""
    return [label, n.euros(now), n.euros(before), n.money_change(now, before)]


def count_rows(
    labels: Sequence[str], now: Sequence[int | None], before: Sequence[int | None]
) -> list[list[str]]:
    """counts() for each label."""
    return [counts(*row) for row in zip(labels, now, before, strict=True)]


def compared_counts(
    chart_id: str,
    heading: str,
    description: str,
    labels: Sequence[str],
    now: Sequence[int | None],
    before: Sequence[int | None],
    *,
    row_head: str | None = None,
    caption: str | None = None,
    rows_above: Sequence[list[str]] = (),
    rows_below: Sequence[list[str]] = (),
) -> Figure:
    """Counts per label in this period and the one before: a bar chart titled `heading`
    (none when there are no labels) beside their comparison table, captioned `caption`
    (default: the heading), with `rows_above` and `rows_below` around the count rows."""
    chart = None
    if labels:
        bars = this_and_before(now, before)
        chart = bar_chart(chart_id, heading, describe(description), labels, bars, count_text)
    rows = [*rows_above, *count_rows(labels, now, before), *rows_below]
    return Figure(chart, Table(caption or heading, compare_head(row_head), rows))


def describe(what: str) -> str:
    """A chart's description: what it shows, and that the table has the numbers."""
    return str(_("%(what)s The table beside the chart gives every number.", what=what))


def this_and_before(now: Sequence[float | None], before: Sequence[float | None]) -> list[Series]:
    """The two series of a comparison chart."""
    return [Series(_("This period"), now), Series(_("Period before"), before)]


def count_text(value: float | None) -> str:
    """A chart's value as a count."""
    return n.count(None if value is None else int(value))


def share_text(value: float | None) -> str:
    """A chart's value as a percentage."""
    return n.percent(value)
