"""The reports page's sections on what complaints ended with: the outcome mix, refunds,
reviews, mediation, the remedy sought against the remedy given, satisfaction with the
outcome and with the handling, and root causes; each from a period's services.reports.Report
and the one before.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from ...domain.mediation import DECISIONS
from ...domain.outcomes import PREFERRED_SOLUTIONS, OutcomeKind
from ...forms.mediation import DECISION_LABELS
from ...forms.outcomes import RATING_WORDS
from ...services.reports import NO_OUTCOME, NO_ROOT_CAUSE, NOT_STATED, Report
from ...web.charts import Series, bar_chart, stacked_bar_chart
from ...words import numbers as n
from ...words.labels import outcome_label, preferred_solution_label
from .report_figures import (
    Figure,
    Section,
    Table,
    averages,
    compare_head,
    compared_counts,
    count_text,
    counts,
    describe,
    money,
    shares,
    this_and_before,
)

#: The outcome kinds in the order staff see their buttons, then "no outcome yet".
ENDED = (*(kind.value for kind in OutcomeKind), NO_OUTCOME)
PENDING = "pending"


def _ended_word(key: str) -> str:
    return _("No outcome yet") if key == NO_OUTCOME else outcome_label(key)


def _sought_word(key: str) -> str:
    return _("Not stated") if key == NOT_STATED else preferred_solution_label(key)


def outcomes(now: Report, before: Report) -> Section:
    """The outcome each complaint ended with."""
    labels = [_ended_word(key) for key in ENDED]
    figure = compared_counts(
        "chart-outcomes",
        _("Outcome mix"),
        _(
            "Bars of the complaints by the outcome they ended with (the final response "
            "if there was one), this period and the period before."
        ),
        labels,
        [now.outcomes.get(key, 0) for key in ENDED],
        [before.outcomes.get(key, 0) for key in ENDED],
        row_head=_("Outcome"),
    )
    return Section("outcomes", _("Outcome mix"), [figure])


def refunds(now: Report, before: Report) -> Section:
    """Refunds: how many and how much (EUR)."""
    chart = bar_chart(
        "chart-refunds",
        _("Refund totals"),
        describe(_("Bars of the euros refunded, this period and the period before.")),
        [_("Refunded (EUR)")],
        this_and_before([now.refund_cents], [before.refund_cents]),
        lambda cents: n.euros(None if cents is None else int(cents)),
    )
    rows = [
        counts(_("Refunds"), now.refunds, before.refunds),
        money(_("Refunded (EUR)"), now.refund_cents, before.refund_cents),
    ]
    table = Table(_("Refund totals and counts"), compare_head(), rows)
    return Section("refunds", _("Refunds"), [Figure(chart, table)])


def reviews(now: Report, before: Report) -> Section:
    """Review requests, final responses, and how often the review changed the outcome."""
    labels = [_("Review requests"), _("Final responses"), _("Outcome changed by the review")]
    rates = [
        shares(
            _("Review rate (of complaints with an outcome)"), now.review_rate, before.review_rate
        ),
        shares(
            _("Outcome changed (of final responses)"),
            now.review_change_rate,
            before.review_change_rate,
        ),
    ]
    figure = compared_counts(
        "chart-reviews",
        _("Reviews"),
        _("Bars of the review requests and their results, this period and before."),
        labels,
        [now.review_requested, now.final_responses, now.review_changed],
        [before.review_requested, before.final_responses, before.review_changed],
        rows_below=rates,
    )
    return Section("reviews", _("Reviews"), [figure])


def mediation(now: Report, before: Report) -> Section:
    """Complaints taken to a dispute body, and the bodies' decisions."""
    keys = [*DECISIONS, PENDING]
    labels = [_("No decision yet") if key == PENDING else str(DECISION_LABELS[key]) for key in keys]
    referred = [
        counts(_("Referred to a dispute body"), now.referred, before.referred),
        shares(_("Mediation rate"), now.mediation_rate, before.mediation_rate),
    ]
    figure = compared_counts(
        "chart-mediation",
        _("Mediation decisions"),
        _("Bars of the dispute bodies' decisions, this period and the period before."),
        labels,
        [now.decisions.get(key, 0) for key in keys],
        [before.decisions.get(key, 0) for key in keys],
        caption=_("Mediation rate and decisions"),
        rows_above=referred,
    )
    return Section("mediation", _("Mediation"), [figure])


def remedies(now: Report, before: Report) -> Section:
    """What customers asked for against the outcome they ended with (this period), and how
    often they got what they asked for."""
    sought_keys = [
        key for key in (*PREFERRED_SOLUTIONS, NOT_STATED) if _sought(now.remedies, key)
    ] or [NOT_STATED]
    given_keys = [key for key in ENDED if any(g == key for _s, g in now.remedies)] or [NO_OUTCOME]
    sought_words = [_sought_word(key) for key in sought_keys]
    series = [
        Series(_ended_word(g), [now.remedies.get((s, g), 0) for s in sought_keys])
        for g in given_keys
    ]
    chart = stacked_bar_chart(
        "chart-remedies",
        _("Remedy sought and remedy given"),
        describe(
            _(
                "A bar per remedy customers asked for, split by the outcome their complaint "
                "ended with (this period)."
            )
        ),
        sought_words,
        series,
        count_text,
    )
    head = [_("Asked for"), *(s.name for s in series), _("All")]
    rows = [
        [word, *(n.count(now.remedies.get((key, g), 0)) for g in given_keys),
         n.count(_sought(now.remedies, key))]
        for key, word in zip(sought_keys, sought_words, strict=True)
    ]  # fmt: skip
    matrix = Table(_("Remedy sought and remedy given, this period"), head, rows)
    granted = Table(
        _("Asked for an outcome and got it"),
        compare_head(),
        [
            counts(_("Asked for an outcome"), now.remedy_asked, before.remedy_asked),
            counts(_("Got the outcome asked for"), now.remedy_granted, before.remedy_granted),
            shares(_("Share that got it"), now.remedy_granted_rate, before.remedy_granted_rate),
        ],
    )
    note = _(
        "Counted over complaints that have an outcome and whose customer chose one of the "
        "five outcomes on the form."
    )
    return Section(
        "remedies",
        _("Remedy sought and remedy given"),
        [Figure(chart, matrix), Figure(None, granted)],
        note,
    )


def _sought(remedies: Mapping[tuple[str, str], int], key: str) -> int:
    return sum(count for (sought, _given), count in remedies.items() if sought == key)


def satisfaction(now: Report, before: Report) -> Section:
    """Scores 1-5 for the outcome and for the handling: their spread and averages."""
    scores = range(1, 6)
    words = [str(RATING_WORDS[score]) for score in scores]
    series = [
        Series(_("The outcome"), [now.resolution_scores.counts.get(s, 0) for s in scores]),
        Series(_("The handling"), [now.handling_scores.counts.get(s, 0) for s in scores]),
    ]
    chart = bar_chart(
        "chart-satisfaction",
        _("Satisfaction with the outcome and with the handling"),
        describe(_("Bars of how many customers gave each score, 1 to 5, in this period.")),
        words,
        series,
        count_text,
    )
    head = [_("Score"), _("The outcome"), _("Before"), _("The handling"), _("Before")]
    rows = [
        [word, n.count(now.resolution_scores.counts.get(s, 0)),
         n.count(before.resolution_scores.counts.get(s, 0)),
         n.count(now.handling_scores.counts.get(s, 0)),
         n.count(before.handling_scores.counts.get(s, 0))]
        for s, word in zip(scores, words, strict=True)
    ]  # fmt: skip
    spread = Table(_("Scores given"), head, rows)
    summary = Table(
        _("Answers and averages"),
        compare_head(),
        [
            counts(
                _("Rated the outcome"),
                now.resolution_scores.answers,
                before.resolution_scores.answers,
            ),
            averages(
                _("Average for the outcome"),
                now.resolution_scores.average,
                before.resolution_scores.average,
            ),
            counts(
                _("Rated the handling"), now.handling_scores.answers, before.handling_scores.answers
            ),
            averages(
                _("Average for the handling"),
                now.handling_scores.average,
                before.handling_scores.average,
            ),
        ],
    )
    return Section(
        "satisfaction", _("Satisfaction"), [Figure(chart, spread), Figure(None, summary)]
    )


def root_causes(now: Report, before: Report, names: Mapping[str, str]) -> Section:
    """Complaints with an outcome by root cause, most frequent first; `names` are the
    root causes' words by key."""
    keys = sorted(
        set(now.root_causes) | set(before.root_causes),
        key=lambda key: (-now.root_causes.get(key, 0), key == NO_ROOT_CAUSE, key),
    )
    labels = [_("Not given") if key == NO_ROOT_CAUSE else names.get(key, key) for key in keys]
    figure = compared_counts(
        "chart-root-causes",
        _("Complaints by root cause"),
        _("Bars of the complaints with an outcome by root cause, this period and before."),
        labels,
        [now.root_causes.get(key, 0) for key in keys],
        [before.root_causes.get(key, 0) for key in keys],
        row_head=_("Root cause"),
    )
    return Section("root_causes", _("Complaints by root cause"), [figure])
