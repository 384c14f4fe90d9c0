"""The improvement loop's rules (policy clause 7, ISO 10002's "act" and "check"): when a
weekly count is rising well above its usual level, and a root cause's rate before and after
a corrective action. Pure, like domain.reports, whose periods and shares they use.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .reports import Period, share

# --- rising trends -----------------------------------------------------------------------

#: The rule: a week's count is rising when it is above the mean of the TREND_WEEKS weeks
#: before it by more than TREND_SIGMAS standard deviations and is at least TREND_MIN_COUNT.
TREND_WEEKS = 8
TREND_SIGMAS = 3.0
TREND_MIN_COUNT = 5
#: Fewer weeks of history than this say too little about the usual level: no alert.
TREND_MIN_HISTORY = 4


@dataclass(frozen=True)
class TrendCheck:
    """A week's count against its usual level."""

    count: int
    mean: float
    spread: float
    threshold: float
    rising: bool


def check_trend(history: Sequence[float], count: int) -> TrendCheck:
    """Whether `count` rises well above `history` (the weekly counts of the weeks before,
    at most TREND_WEEKS of them, oldest first; the older ones are ignored).

    The spread is the sample standard deviation, but never less than the square root of
    the mean, nor less than 1: weekly complaint counts are counts (roughly Poisson, whose
    standard deviation is the square root of the mean), so a flat history (zero variance)
    does not make one extra complaint an alarm. With a mean of 6 and no variance, 14 rises
    and 13 does not; after weeks of nothing, TREND_MIN_COUNT is what it takes.
    """
    weeks = list(history[-TREND_WEEKS:])
    if len(weeks) < TREND_MIN_HISTORY:
        return TrendCheck(count, 0.0, 0.0, math.inf, False)
    average = statistics.fmean(weeks)
    spread = max(statistics.stdev(weeks), math.sqrt(average), 1.0)
    threshold = average + TREND_SIGMAS * spread
    return TrendCheck(
        count, average, spread, threshold, count > threshold and count >= TREND_MIN_COUNT
    )


# --- corrective actions ------------------------------------------------------------------


@dataclass(frozen=True)
class RateChange:
    """A root cause's share of the complaints given a root cause, before and after an
    action was done, over two windows of the same length."""

    before: Period
    after: Period
    before_count: int
    before_total: int
    after_count: int
    after_total: int

    @property
    def before_rate(self) -> float | None:
        """The share before the action (None without complaints)."""
        return share(self.before_count, self.before_total)

    @property
    def after_rate(self) -> float | None:
        """The share since the action (None without complaints)."""
        return share(self.after_count, self.after_total)

    @property
    def change(self) -> float | None:
        """after_rate - before_rate (negative: the root cause became rarer)."""
        if self.before_rate is None or self.after_rate is None:
            return None
        return self.after_rate - self.before_rate


def effect_windows(done_on: date, interval_days: int, today: date) -> tuple[Period, Period]:
    """The windows a corrective action is judged on: `interval_days` before the day it was
    done, and from that day on for as long (cut at today while the interval runs)."""
    if interval_days < 1:
        raise ValueError("the check interval is at least one day")
    before = Period(done_on - timedelta(days=interval_days), done_on - timedelta(days=1))
    after_end = min(done_on + timedelta(days=interval_days - 1), max(today, done_on))
    return before, Period(done_on, after_end)
