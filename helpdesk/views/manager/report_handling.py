"""The reports page's first sections: where complaints come from and how fast they were
handled (key figures, complaints per category and per week, both SLA clocks, business days
taken), each built from a period's services.reports.Report and the one before.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ...services.reports import ClockFigures, Report
from ...web.charts import Series, stacked_bar_chart
from ...web.line_chart import line_chart
from ...words import numbers as n
from ...words.dates import short_day
from ...words.labels import CATEGORIES, category_label
from .report_figures import (
    Figure,
    Section,
    Table,
    averages,
    compare_head,
    compared_counts,
    count_rows,
    count_text,
    counts,
    describe,
    money,
    shares,
)


def overview(now: Report, before: Report) -> Section:
    """The figures a manager looks at first."""
    ack, ack_before = now.acknowledgement.compliance, before.acknowledgement.compliance
    response, response_before = now.response.compliance, before.response.compliance
    rows = [
        counts(_("Complaints"), now.complaints, before.complaints),
        shares(_("Acknowledged in time"), ack.rate, ack_before.rate),
        shares(_("Responded in time"), response.rate, response_before.rate),
        counts(
            _("Median business days to respond"),
            now.response.median_days,
            before.response.median_days,
        ),
        money(_("Refunded (EUR)"), now.refund_cents, before.refund_cents),
        shares(_("Review rate"), now.review_rate, before.review_rate),
        shares(_("Mediation rate"), now.mediation_rate, before.mediation_rate),
        averages(
            _("Satisfaction with the outcome (1–5)"),
            now.resolution_scores.average,
            before.resolution_scores.average,
        ),
    ]
    table = Table(_("Key figures"), compare_head(), rows)
    return Section("overview", _("Key figures"), [Figure(None, table)])


def categories(now: Report, before: Report) -> Section:
    """Complaints per category: the period against the one before, and week by week."""
    shown = [key for key in CATEGORIES if now.filters.category in (None, key)]
    totals_now, totals_before = now.per_week.by_category(), before.per_week.by_category()
    labels = [category_label(key, short=True) for key in shown]
    values_now = [totals_now.get(key, 0) for key in shown]
    values_before = [totals_before.get(key, 0) for key in shown]
    everything = [counts(_("All categories"), now.complaints, before.complaints)]
    figure = compared_counts(
        "chart-categories",
        _("Complaints per category"),
        _("Bars of the complaints per category, this period and the period before."),
        labels,
        values_now,
        values_before,
        row_head=_("Category"),
        rows_below=everything if len(shown) > 1 else (),
    )
    return Section("categories", _("Complaints per category"), [figure, weekly(now)])


def weekly(report: Report) -> Figure:
    """Complaints per category per week of the period: a line per category seen."""
    totals = report.per_week.by_category()
    seen = [key for key in CATEGORIES if totals.get(key)]
    weeks = report.per_week.weeks
    words = [short_day(week) for week in weeks]
    series = [
        Series(category_label(key, short=True), [report.per_week.count(w, key) for w in weeks])
        for key in seen
    ]
    chart = None
    if series:
        chart = line_chart(
            "chart-weekly",
            _("Complaints per category per week"),
            describe(
                _("Lines of the complaints received each week (from Monday), one per category.")
            ),
            words,
            series,
            count_text,
        )
    head = [_("Week of"), *(s.name for s in series), _("All categories")]
    rows = [
        [word, *(n.count(report.per_week.count(week, key)) for key in seen),
         n.count(sum(report.per_week.count(week, key) for key in seen))]
        for week, word in zip(weeks, words, strict=True)
    ]  # fmt: skip
    return Figure(chart, Table(_("Complaints per category per week"), head, rows))


def _clock_rows(
    now: ClockFigures, before: ClockFigures, words: list[str], rate: str
) -> list[list[str]]:
    a, b = now.compliance, before.compliance
    rows = count_rows(
        words,
        [a.met, a.missed, a.open_overdue, a.open_in_time],
        [b.met, b.missed, b.open_overdue, b.open_in_time],
    )
    return [*rows, shares(rate, a.rate, b.rate)]


def sla(now: Report, before: Report) -> Section:
    """Both clocks: met, missed, open and overdue, open in time; the share met."""
    bars = [
        (_("Acknowledgement, this period"), now.acknowledgement.compliance),
        (_("Acknowledgement, period before"), before.acknowledgement.compliance),
        (_("Response, this period"), now.response.compliance),
        (_("Response, period before"), before.response.compliance),
    ]
    states = [
        Series(_("Met"), [c.met for _label, c in bars]),
        Series(_("Missed"), [c.missed for _label, c in bars]),
        Series(_("Open, overdue"), [c.open_overdue for _label, c in bars]),
        Series(_("Open, in time"), [c.open_in_time for _label, c in bars]),
    ]
    chart = stacked_bar_chart(
        "chart-sla",
        _("SLA compliance of both clocks"),
        describe(
            _(
                "Stacked bars of the acknowledgement and the response clocks: met, missed, "
                "open and overdue, open in time."
            )
        ),
        [label for label, _c in bars],
        states,
        count_text,
    )
    ack_words = [_("Acknowledged in time"), _("Acknowledged late"),
                 _("Not acknowledged, overdue"), _("Not acknowledged, still in time")]  # fmt: skip
    response_words = [_("Responded in time"), _("Responded late"),
                      _("No response, overdue"), _("No response, still in time")]  # fmt: skip
    rows = _clock_rows(
        now.acknowledgement, before.acknowledgement, ack_words, _("Acknowledgement SLA met")
    ) + _clock_rows(now.response, before.response, response_words, _("Response SLA met"))
    note = _(
        "The share met counts the clocks that are decided: met, missed, or open and already "
        "overdue. A clock still in time, or paused while we wait for the customer, is not "
        "decided yet."
    )
    table = Table(_("SLA compliance of both clocks"), compare_head(), rows)
    return Section("sla", _("SLA compliance"), [Figure(chart, table)], note)


def speed(now: Report, before: Report) -> Section:
    """Median and 90th percentile business days to acknowledge and to respond."""
    labels = [_("To acknowledge: median"), _("To acknowledge: 90th percentile"),
              _("To respond: median"), _("To respond: 90th percentile")]  # fmt: skip

    def figures(report: Report) -> list[int | None]:
        ack, response = report.acknowledgement, report.response
        return [ack.median_days, ack.p90_days, response.median_days, response.p90_days]

    heading = _("Business days to acknowledge and to respond")
    figure = compared_counts(
        "chart-speed",
        heading,
        _(
            "Bars of the median and the 90th percentile of the business days taken, this "
            "period and the period before."
        ),
        labels,
        figures(now),
        figures(before),
    )
    note = _(
        "Business days after the day of receipt, without weekends, public holidays and the "
        "days the clock was paused (0 is the same day). Nearest-rank percentiles: each is a "
        "number of days some complaint really took."
    )
    return Section("speed", heading, [figure], note)
