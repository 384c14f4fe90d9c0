"""Report arithmetic (policy clause 7, ISO 10002's "analyse" and "check"): report periods,
percentiles, business days taken, SLA compliance and the outcome a complaint ended with. The
improvement loop's rules (rising trends, a corrective action's effect) are domain.improvement's.

Pure: no Flask, no SQLAlchemy; today and the business calendar are passed in. The services
count in SQL and hand the counts to these functions, so every rule has one home here.

Definitions the reports state:

- A period is a span of *local* dates (shop time), both ends included; a complaint belongs
  to the period in which it was received. Quick picks end today, but for "last quarter"
  (the whole quarter before this one); "this month", "this quarter", "last quarter" and
  "this year" are compared with the same span of the month, quarter or year before (1-17
  December against 1-17 November), other periods with as many days right before them. A
  custom period spans at most three years (MAX_PERIOD_YEARS).
- Percentiles are nearest-rank: the p-th percentile of n values is the ceil(p/100 * n)-th
  smallest. The median is the 50th percentile, so for an even count it is the lower of the
  two middle values. Both are always a number of business days some complaint really took.
- Business days taken (to acknowledge, to respond) count the business days after the day of
  receipt up to and including the day it happened, minus the business days the clock stood
  still while waiting for the customer: 0 means the same day.
- SLA compliance: a clock is met, missed, open and already overdue, or open in time. The
  rate is met / (met + missed + open overdue): an overdue clock can no longer be met, so it
  counts against the rate at once; a clock still in time is not decided yet and is left out.
  A paused clock (waiting for the customer) is open in time: its due date moves on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .sla import BusinessCalendar

#: The longest custom period: three calendar years (a weekly chart stays readable).
MAX_PERIOD_YEARS = 3
#: The years a period may lie in (its comparison may reach a few years before).
FIRST_YEAR, LAST_YEAR = 1900, 2999


class PeriodError(ValueError):
    """A period that cannot be reported on; the message says why."""


class PeriodKind(StrEnum):
    """The quick picks, and a custom from/to."""

    MONTH = "month"
    LAST_30 = "30d"
    LAST_90 = "90d"
    QUARTER = "quarter"
    LAST_QUARTER = "last_quarter"
    YEAR = "year"
    CUSTOM = "custom"


#: Calendar periods and how many months one of them spans.
_CALENDAR_MONTHS = {
    PeriodKind.MONTH: 1,
    PeriodKind.QUARTER: 3,
    PeriodKind.LAST_QUARTER: 3,
    PeriodKind.YEAR: 12,
}


@dataclass(frozen=True)
class Period:
    """Local dates from `start` to `end`, both included."""

    start: date
    end: date
    kind: PeriodKind = PeriodKind.CUSTOM

    @property
    def days(self) -> int:
        """How many days the period spans."""
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        """True when `day` lies in the period."""
        return self.start <= day <= self.end

    def previous(self) -> Period:
        """The period to compare with (see the module's docstring)."""
        months = _CALENDAR_MONTHS.get(self.kind)
        if months is None:
            end = self.start - timedelta(days=1)
            return Period(end - timedelta(days=self.days - 1), end, self.kind)
        start = _add_months(self.start, -months)
        end = min(_add_months(self.end, -months), self.start - timedelta(days=1))
        return Period(start, end, self.kind)

    def weeks(self) -> list[date]:
        """The Mondays of the weeks the period touches, oldest first."""
        first, last = week_start(self.start), week_start(self.end)
        return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def _add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clipped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def week_start(day: date) -> date:
    """The Monday of the (ISO) week of `day`."""
    return day - timedelta(days=day.weekday())


def quick_period(kind: PeriodKind | str, today: date) -> Period:
    """A quick pick ending today; raises PeriodError for an unknown one or "custom"."""
    try:
        chosen = PeriodKind(kind)
    except ValueError:
        raise PeriodError(f"unknown period {kind!r}") from None
    if chosen == PeriodKind.MONTH:
        return Period(today.replace(day=1), today, chosen)
    quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    if chosen == PeriodKind.QUARTER:
        return Period(quarter, today, chosen)
    if chosen == PeriodKind.LAST_QUARTER:
        return Period(_add_months(quarter, -3), quarter - timedelta(days=1), chosen)
    if chosen == PeriodKind.YEAR:
        return Period(date(today.year, 1, 1), today, chosen)
    if chosen in (PeriodKind.LAST_30, PeriodKind.LAST_90):
        length = 30 if chosen == PeriodKind.LAST_30 else 90
        return Period(today - timedelta(days=length - 1), today, chosen)
    raise PeriodError("a custom period needs its dates")


def custom_period(start: date, end: date) -> Period:
    """From `start` to `end`; raises PeriodError when reversed or longer than allowed."""
    if end < start:
        raise PeriodError(f"the period ends ({end}) before it starts ({start})")
    if start.year < FIRST_YEAR or end.year > LAST_YEAR:
        raise PeriodError(f"a period lies between {FIRST_YEAR} and {LAST_YEAR}")
    if end >= _add_months(start, 12 * MAX_PERIOD_YEARS):
        raise PeriodError(f"a period can span at most {MAX_PERIOD_YEARS} years")
    return Period(start, end)


# --- percentiles -------------------------------------------------------------------------


def percentile(counts: Mapping[int, int], p: float) -> int | None:
    """The nearest-rank p-th percentile (0 < p <= 100) of values given as {value: how many};
    None when there are none."""
    if not 0 < p <= 100:
        raise ValueError("p must be above 0 and at most 100")
    total = sum(counts.values())
    if total == 0:
        return None
    rank = math.ceil(p / 100 * total)
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable: the ranks add up to the total")


def median(counts: Mapping[int, int]) -> int | None:
    """The nearest-rank median (the lower middle value for an even count)."""
    return percentile(counts, 50)


def mean(counts: Mapping[int, int]) -> float | None:
    """The average of values given as {value: how many}; None when there are none."""
    total = sum(counts.values())
    if total == 0:
        return None
    return sum(value * n for value, n in counts.items()) / total


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when whole is 0 (nothing to divide)."""
    return part / whole if whole else None


# --- business days taken -----------------------------------------------------------------


def business_days_taken(due: date, done_on: date, promised: int, cal: BusinessCalendar) -> int:
    """Business days from receipt to `done_on`, less those the clock stood still.

    `due` is the clock's due date as it stands when it stops: `promised` business days
    after the day of receipt, moved on by every business day of every pause
    (sla.extend_for_pause). Counting from the due date gives the same number without
    keeping the pauses: with B(d) the business days up to d, B(due) = B(received) + promised
    + paused, so B(done) - B(received) - paused = promised + B(done) - B(due).
    """
    return promised + cal.business_days_between(due, done_on)


# --- SLA compliance ----------------------------------------------------------------------


@dataclass(frozen=True)
class Compliance:
    """One clock over a set of complaints."""

    met: int = 0
    missed: int = 0
    open_overdue: int = 0
    open_in_time: int = 0

    @property
    def total(self) -> int:
        """Every complaint counted."""
        return self.met + self.missed + self.open_overdue + self.open_in_time

    @property
    def decided(self) -> int:
        """The clocks whose result is known: met, missed, or overdue so can no longer be met."""
        return self.met + self.missed + self.open_overdue

    @property
    def rate(self) -> float | None:
        """Share of decided clocks that were met; None when none is decided."""
        return share(self.met, self.decided)


# --- the outcome a complaint ended with --------------------------------------------------


@dataclass(frozen=True)
class GivenOutcome:
    """What the reports need of one outcome."""

    kind: str
    amount_cents: int | None
    root_cause_id: int | None


def ended_with(first: GivenOutcome, final: GivenOutcome | None) -> dict[str, object]:
    """The complaint columns for the outcome it ended with: the final response if there is
    one, else the first outcome; and whether the final response changed the first (its kind
    or its refund), None without one."""
    ended = final or first
    changed = None
    if final is not None:
        changed = final.kind != first.kind or final.amount_cents != first.amount_cents
    return {
        "outcome_kind": ended.kind,
        "outcome_refund_cents": ended.amount_cents,
        "outcome_root_cause_id": ended.root_cause_id,
        "review_changed": changed,
    }
