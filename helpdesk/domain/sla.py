"""Business-day arithmetic for the two SLA clocks: due dates, pauses, days left, met or missed.

A due date is a *local date* in the shop's time zone: "within 2 business days" of a
complaint received on Monday means by the end of Wednesday, shop time. Days off are
weekends plus a configurable set of dates (public holidays), given as a `BusinessCalendar`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

ACK_DAYS = 2
RESPONSE_DAYS = 7
#: How many (start, end) pairs a calendar remembers the business days between.
_SPANS_KEPT = 4096


@dataclass
class BusinessCalendar:
    """Which dates are business days: Monday to Friday, minus the days off.

    `days_off_for_year` returns the public holidays of one year; it is asked once a year
    and remembered, so any span of years works without building a table up front.
    """

    days_off_for_year: Callable[[int], Iterable[date]]
    extra_days_off: frozenset[date] = frozenset()
    removed_days_off: frozenset[date] = frozenset()
    _years: dict[int, frozenset[date]] = field(default_factory=dict, repr=False)
    _spans: dict[tuple[date, date], int] = field(default_factory=dict, repr=False)

    def is_business_day(self, day: date) -> bool:
        """True for a weekday that is not a day off."""
        if day.weekday() >= 5:
            return False
        if day in self.extra_days_off:
            return False
        if day in self.removed_days_off:
            return True
        year = self._years.get(day.year)
        if year is None:
            year = frozenset(self.days_off_for_year(day.year))
            self._years[day.year] = year
        return day not in year

    def add_business_days(self, start: date, count: int) -> date:
        """The `count`-th business day after `start` (start itself never counts)."""
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_business_day(day):
                remaining -= 1
        return day

    def business_days_between(self, start: date, end: date) -> int:
        """Business days in (start, end]; negative when end is before start.

        Remembered for the last few thousand pairs: an inbox page asks for fifty clocks,
        most of them between today and one of a handful of due dates."""
        key = (start, end)
        found = self._spans.get(key)
        if found is None:
            found = self._count_between(start, end)
            if len(self._spans) >= _SPANS_KEPT:
                self._spans.clear()
            self._spans[key] = found
        return found

    def _count_between(self, start: date, end: date) -> int:
        """business_days_between, counted day by day."""
        if end < start:
            return -self._count_between(end, start)
        total = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_business_day(day):
                total += 1
        return total


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """The shop's calendar date at an aware moment."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one (UTC)")
    return moment.astimezone(tz).date()


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The last microsecond of a local day, as an aware datetime (handles DST)."""
    return datetime.combine(day, time.max, tzinfo=tz)


def due_date(received_at: datetime, days: int, cal: BusinessCalendar, tz: ZoneInfo) -> date:
    """Local date by which something promised within `days` business days must happen."""
    return cal.add_business_days(local_date(received_at, tz), days)


def extend_for_pause(
    due: date, paused_at: datetime, resumed_at: datetime, cal: BusinessCalendar, tz: ZoneInfo
) -> date:
    """Move a due date on by the business days spent waiting for the customer."""
    waited = cal.business_days_between(local_date(paused_at, tz), local_date(resumed_at, tz))
    return cal.add_business_days(due, waited) if waited > 0 else due


class ClockState(StrEnum):
    """What an SLA clock shows."""

    RUNNING = "running"
    PAUSED = "paused"
    OVERDUE = "overdue"
    MET = "met"
    MISSED = "missed"


@dataclass(frozen=True)
class Clock:
    """One SLA clock as people see it."""

    due: date
    state: ClockState
    days_left: int  # business days from today to the due date; negative when overdue
    done_at: datetime | None = None


def is_on_time(due: date, done_at: datetime, tz: ZoneInfo) -> bool:
    """True when a clock due on `due` was met by something done at `done_at` (shop time)."""
    return local_date(done_at, tz) <= due


def clock(
    due: date,
    done_at: datetime | None,
    now: datetime,
    cal: BusinessCalendar,
    tz: ZoneInfo,
    *,
    paused_since: datetime | None = None,
) -> Clock:
    """The state of a clock due on `due`, done at `done_at` (None while still running)."""
    if done_at is not None:
        met = is_on_time(due, done_at, tz)
        return Clock(due, ClockState.MET if met else ClockState.MISSED, 0, done_at)
    if paused_since is not None:
        # The due date will move on by the pause when it ends; show what is left as of the pause.
        left = cal.business_days_between(local_date(paused_since, tz), due)
        return Clock(due, ClockState.PAUSED, left)
    today = local_date(now, tz)
    left = cal.business_days_between(today, due)
    state = ClockState.OVERDUE if today > due else ClockState.RUNNING
    return Clock(due, state, left)


def holiday_calendar(
    country: str,
    *,
    categories: tuple[str, ...] = (),
    extra: Iterable[date] = (),
    removed: Iterable[date] = (),
) -> BusinessCalendar:
    """A calendar with the public holidays of `country` from the `holidays` package."""
    import holidays

    def for_year(year: int) -> Iterable[date]:
        kwargs: dict[str, object] = {"years": year}
        if categories:
            kwargs["categories"] = categories
        return holidays.country_holidays(country, **kwargs).keys()  # type: ignore[arg-type]

    return BusinessCalendar(for_year, frozenset(extra), frozenset(removed))
