"""The managers' report for a period (policy clause 7): where complaints come from, how fast
and how well they were handled, what customers asked for and got, and why they happened.

`get_report(period, filters)` returns plain dataclasses; views draw them, report_csv writes
them. The counting happens in SQL (services.report_queries), the arithmetic in
domain.reports, so every figure has one definition. Which complaints a report covers: those
received (shop date) in the period, narrowed by category, channel and language. Rates whose
denominator is 0 are None.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app

from ..domain.outcomes import PREFERRED_SOLUTIONS, OutcomeKind
from ..domain.reports import Compliance, Period, mean, median, percentile, share
from ..domain.sla import local_date
from ..models.types import utcnow
from ..runtime.clock import shop_timezone
from ..words.labels import CATEGORIES
from . import report_counts
from . import report_queries as q
from .report_queries import GroupKey, RatingComment, ReportFilters

__all__ = ["Report", "ReportFilters", "ReportInputError", "check_filters", "get_report"]

CHANNELS = ("web", "email")
#: The remedy sought of a complaint that did not say (an email complaint, or from before).
NOT_STATED = "not_stated"
#: The outcome of a complaint that has none yet.
NO_OUTCOME = "none"
#: The root cause of an outcome given before root causes existed.
NO_ROOT_CAUSE = "not_given"
#: The remedies a customer can ask for that are outcomes (not "not sure", not unstated).
OUTCOME_KINDS = frozenset(kind.value for kind in OutcomeKind)


class ReportInputError(ValueError):
    """A filter value the report does not know; the message says which and what is allowed."""


def check_filters(category: str | None, channel: str | None, language: str | None) -> ReportFilters:
    """Filters from typed values ("" and None mean all); raises ReportInputError."""
    allowed = {
        "category": tuple(CATEGORIES),
        "channel": CHANNELS,
        "language": tuple(current_app.config["LANGUAGES"]),
    }
    given = {"category": category or None, "channel": channel or None, "language": language or None}
    for name, value in given.items():
        if value is not None and value not in allowed[name]:
            raise ReportInputError(f"Unknown {name} {value!r}; one of: {', '.join(allowed[name])}.")
    return ReportFilters(**given)


@dataclass(frozen=True)
class WeeklyCounts:
    """Complaints per category per week (weeks start on Monday; the first and last week of
    the period may be partial)."""

    weeks: list[date]
    counts: dict[tuple[date, str], int]

    def count(self, week: date, category: str) -> int:
        """Complaints of `category` received in the week starting `week`."""
        return self.counts.get((week, category), 0)

    def by_category(self) -> dict[str, int]:
        """Complaints per category over the whole period."""
        totals: Counter[str] = Counter()
        for (_week, category), n in self.counts.items():
            totals[category] += n
        return dict(totals)


@dataclass(frozen=True)
class ClockFigures:
    """One SLA clock: compliance and business days taken (nearest-rank median and p90)."""

    compliance: Compliance
    days: dict[int, int]

    @property
    def median_days(self) -> int | None:
        """Median business days taken."""
        return median(self.days)

    @property
    def p90_days(self) -> int | None:
        """90th percentile of business days taken."""
        return percentile(self.days, 90)


@dataclass(frozen=True)
class Scores:
    """One satisfaction question: how many gave each score 1-5."""

    counts: dict[int, int]

    @property
    def answers(self) -> int:
        """How many answered."""
        return sum(self.counts.values())

    @property
    def average(self) -> float | None:
        """The mean score."""
        return mean(self.counts)


@dataclass(frozen=True)
class Report:
    """Every figure of the report for one period and filters."""

    period: Period
    filters: ReportFilters
    today: date
    complaints: int
    per_week: WeeklyCounts
    acknowledgement: ClockFigures
    response: ClockFigures
    #: Complaints by the outcome they ended with (NO_OUTCOME: none yet).
    outcomes: dict[str, int]
    refunds: int
    refund_cents: int
    review_requested: int
    final_responses: int
    review_changed: int
    referred: int
    decisions: dict[str, int]
    #: (remedy sought or NOT_STATED, outcome ended with or NO_OUTCOME): complaints.
    remedies: dict[tuple[str, str], int]
    resolution_scores: Scores
    handling_scores: Scores
    comments: list[RatingComment]
    #: Complaints with an outcome by root cause key (NO_ROOT_CAUSE: not given).
    root_causes: dict[str, int]
    root_cause_names: dict[str, str | None] = field(default_factory=dict)

    @property
    def with_outcome(self) -> int:
        """Complaints that have had an outcome."""
        return self.complaints - self.outcomes.get(NO_OUTCOME, 0)

    @property
    def review_rate(self) -> float | None:
        """Share of complaints with an outcome whose customer asked for a review."""
        return share(self.review_requested, self.with_outcome)

    @property
    def review_change_rate(self) -> float | None:
        """Share of final responses that changed the first outcome (kind or refund)."""
        return share(self.review_changed, self.final_responses)

    @property
    def mediation_rate(self) -> float | None:
        """Share of the period's complaints taken to a dispute body."""
        return share(self.referred, self.complaints)

    @property
    def remedy_asked(self) -> int:
        """Complaints with an outcome whose customer asked for one of the five outcomes."""
        return sum(
            n for (sought, given), n in self.remedies.items()
            if sought in OUTCOME_KINDS and given != NO_OUTCOME
        )  # fmt: skip

    @property
    def remedy_granted(self) -> int:
        """Of those, the complaints that ended with the outcome asked for."""
        return sum(n for (sought, given), n in self.remedies.items() if sought == given)

    @property
    def remedy_granted_rate(self) -> float | None:
        """Share of the complaints that asked for an outcome and got it."""
        return share(self.remedy_granted, self.remedy_asked)


def shop_today(now: datetime | None = None) -> date:
    """Today (or the day of `now`) in the shop's time zone."""
    return local_date(now or utcnow(), shop_timezone())


def get_report(period: Period, filters: ReportFilters, *, today: date | None = None) -> Report:
    """The report of the complaints received in `period` that match `filters`; open clocks
    are judged overdue or not as of `today` (the shop's today by default). The counts come
    from services.report_counts (kept per month, exactly as the database has them)."""
    today = today or shop_today()
    found = report_counts.counts(period, filters)
    clocks = Counter(found.clocks)
    clocks["ack_overdue"] = sum(n for due, n in found.ack_open_due.items() if due < today)
    clocks["response_overdue"] = sum(n for due, n in found.response_open_due.items() if due < today)
    ack_days, response_days = _days_taken(found.taken)
    groups = found.groups
    resolution, handling = _scores(found.ratings)
    keys = q.root_cause_keys()
    complaints = sum(found.weeks.values())
    return Report(
        period=period,
        filters=filters,
        today=today,
        complaints=complaints,
        per_week=WeeklyCounts(period.weeks(), dict(found.weeks)),
        acknowledgement=ClockFigures(_compliance(clocks, "ack", complaints), ack_days),
        response=ClockFigures(_compliance(clocks, "response", complaints), response_days),
        outcomes=_tally(groups, lambda g: g.kind or NO_OUTCOME),
        refunds=sum(refunds for _n, refunds, _cents in groups.values()),
        refund_cents=sum(cents for _n, _refunds, cents in groups.values()),
        review_requested=clocks["review_requested"],
        final_responses=sum(n for g, (n, _r, _c) in groups.items() if g.changed is not None),
        review_changed=sum(n for g, (n, _r, _c) in groups.items() if g.changed),
        referred=found.referred,
        decisions={key or "pending": n for key, n in found.decisions.items()},
        remedies=_remedies(groups),
        resolution_scores=resolution,
        handling_scores=handling,
        comments=found.comments,
        root_causes=_root_causes(groups, keys),
        root_cause_names=dict(keys.values()),
    )


Groups = Mapping[GroupKey, tuple[int, int, int]]


def _days_taken(
    taken: Mapping[tuple[int | None, int | None], int],
) -> tuple[dict[int, int], dict[int, int]]:
    ack: Counter[int] = Counter()
    response: Counter[int] = Counter()
    for (ack_days, response_days), n in taken.items():
        if ack_days is not None:
            ack[ack_days] += n
        if response_days is not None:
            response[response_days] += n
    return dict(ack), dict(response)


def _compliance(clocks: Counter[str], clock: str, complaints: int) -> Compliance:
    met, missed = clocks[f"{clock}_met"], clocks[f"{clock}_missed"]
    overdue = clocks[f"{clock}_overdue"]
    return Compliance(met, missed, overdue, complaints - met - missed - overdue)


def _tally(groups: Groups, key: Callable[[GroupKey], str]) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for group, (n, _refunds, _cents) in groups.items():
        totals[key(group)] += n
    return dict(totals)


def _remedies(groups: Groups) -> dict[tuple[str, str], int]:
    """Complaints by (remedy sought, outcome ended with)."""
    totals: Counter[tuple[str, str]] = Counter()
    for group, (n, _refunds, _cents) in groups.items():
        sought = group.sought if group.sought in PREFERRED_SOLUTIONS else NOT_STATED
        totals[(sought or NOT_STATED, group.kind or NO_OUTCOME)] += n
    return dict(totals)


def _root_causes(groups: Groups, keys: dict[int, tuple[str, str | None]]) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for group, (n, _refunds, _cents) in groups.items():
        if group.kind is None:
            continue  # no outcome yet, so no root cause yet
        found = keys.get(group.root_cause_id) if group.root_cause_id is not None else None
        totals[found[0] if found else NO_ROOT_CAUSE] += n
    return dict(totals)


def _scores(ratings: Mapping[tuple[int, int | None], int]) -> tuple[Scores, Scores]:
    resolution: Counter[int] = Counter()
    handling: Counter[int] = Counter()
    for (score, handling_score), n in ratings.items():
        resolution[score] += n
        if handling_score is not None:
            handling[handling_score] += n
    return Scores(dict(resolution)), Scores(dict(handling))
