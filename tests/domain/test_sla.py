"""The business-day clock on real Dutch dates: holidays, weekends, time zones, DST and pauses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.domain.sla import (
    ACK_DAYS,
    RESPONSE_DAYS,
    BusinessCalendar,
    ClockState,
    clock,
    due_date,
    end_of_day,
    extend_for_pause,
    holiday_calendar,
    local_date,
)

AMS = ZoneInfo("Europe/Amsterdam")
NL = holiday_calendar("NL")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment given in Amsterdam time, as aware UTC (how the database holds it)."""
    return datetime(year, month, day, hour, minute, tzinfo=AMS).astimezone(UTC)


def ack_due(received: datetime) -> date:
    return due_date(received, ACK_DAYS, NL, AMS)


def response_due(received: datetime) -> date:
    return due_date(received, RESPONSE_DAYS, NL, AMS)


def test_promises_are_two_and_seven_business_days() -> None:
    assert (ACK_DAYS, RESPONSE_DAYS) == (2, 7)


def test_a_plain_week_skips_the_weekend() -> None:
    # Friday 9 January 2026: Monday and Tuesday are the two business days.
    received = at(2026, 1, 9)
    assert ack_due(received) == date(2026, 1, 13)
    assert response_due(received) == date(2026, 1, 20)


def test_received_on_a_saturday_counts_from_the_weekend() -> None:
    assert ack_due(at(2026, 1, 10, 15)) == date(2026, 1, 13)


def test_the_shop_date_decides_not_the_utc_date() -> None:
    # Thursday 23:00 in Amsterdam is still Thursday; 00:30 is already Friday.
    thursday_late = at(2026, 1, 8, 23, 0)
    friday_early = at(2026, 1, 9, 0, 30)
    assert thursday_late.date() == date(2026, 1, 8)
    assert friday_early.date() == date(2026, 1, 8)  # same UTC date, different shop date
    assert ack_due(thursday_late) == date(2026, 1, 12)
    assert ack_due(friday_early) == date(2026, 1, 13)


def test_kings_day_2026_is_a_monday_off() -> None:
    assert not NL.is_business_day(date(2026, 4, 27))
    # Received Friday 24 April: Monday is King's Day, so Tuesday and Wednesday count.
    assert ack_due(at(2026, 4, 24)) == date(2026, 4, 29)


def test_kings_day_2025_moved_to_saturday_26_april() -> None:
    import holidays

    days = holidays.country_holidays("NL", years=2025)
    assert days.get(date(2025, 4, 26)) == "King's Day"
    assert date(2025, 4, 27) not in days
    # So nothing moves the clock that week: Thursday 24 → Friday 25 and Monday 28.
    assert NL.is_business_day(date(2025, 4, 28))
    assert ack_due(at(2025, 4, 24)) == date(2025, 4, 28)


def test_good_friday_and_easter_monday_2026() -> None:
    assert not NL.is_business_day(date(2026, 4, 3))
    assert not NL.is_business_day(date(2026, 4, 6))
    received = at(2026, 4, 2)  # Maundy Thursday
    assert ack_due(received) == date(2026, 4, 8)
    assert response_due(received) == date(2026, 4, 15)


def test_good_friday_2024_in_march() -> None:
    assert ack_due(at(2024, 3, 28)) == date(2024, 4, 3)


def test_ascension_day_2026() -> None:
    assert not NL.is_business_day(date(2026, 5, 14))
    assert ack_due(at(2026, 5, 13)) == date(2026, 5, 18)


def test_whit_monday_2026() -> None:
    assert not NL.is_business_day(date(2026, 5, 25))
    assert ack_due(at(2026, 5, 22)) == date(2026, 5, 27)


def test_christmas_and_new_year_across_the_year_end() -> None:
    received = at(2025, 12, 24)
    assert ack_due(received) == date(2025, 12, 30)
    # 25, 26 December, the weekend and 1 January 2026 are all skipped.
    assert response_due(received) == date(2026, 1, 7)


def test_liberation_day_only_with_the_optional_category() -> None:
    assert NL.is_business_day(date(2026, 5, 5))
    with_optional = holiday_calendar("NL", categories=("public", "optional"))
    assert not with_optional.is_business_day(date(2026, 5, 5))
    assert not with_optional.is_business_day(date(2026, 4, 27))


def test_extra_and_removed_days_off() -> None:
    cal = holiday_calendar("NL", extra=[date(2026, 1, 9)], removed=[date(2026, 4, 27)])
    assert not cal.is_business_day(date(2026, 1, 9))
    assert cal.is_business_day(date(2026, 4, 27))
    assert due_date(at(2026, 1, 8), ACK_DAYS, cal, AMS) == date(2026, 1, 13)
    assert due_date(at(2026, 4, 24), ACK_DAYS, cal, AMS) == date(2026, 4, 28)
    # A removed day off never makes a weekend a business day.
    weekend = holiday_calendar("NL", removed=[date(2026, 4, 25)])
    assert not weekend.is_business_day(date(2026, 4, 25))


def test_each_year_of_holidays_is_asked_for_once() -> None:
    asked: list[int] = []

    def days_off(year: int) -> list[date]:
        asked.append(year)
        return [date(year, 12, 25)]

    cal = BusinessCalendar(days_off)
    cal.add_business_days(date(2025, 12, 1), 40)
    assert sorted(asked) == [2025, 2026]


def test_business_days_between() -> None:
    assert NL.business_days_between(date(2026, 4, 24), date(2026, 4, 29)) == 2
    assert NL.business_days_between(date(2026, 4, 29), date(2026, 4, 24)) == -2
    assert NL.business_days_between(date(2026, 4, 24), date(2026, 4, 24)) == 0


def test_end_of_day_across_the_march_dst_switch() -> None:
    # Sunday 29 March 2026 clocks go forward: the day before ends at 23:00 UTC, that day at 22:00.
    before = end_of_day(date(2026, 3, 28), AMS)
    after = end_of_day(date(2026, 3, 29), AMS)
    assert before.utcoffset() == timedelta(hours=1)
    assert after.utcoffset() == timedelta(hours=2)
    assert before.astimezone(UTC).hour == 22 and after.astimezone(UTC).hour == 21
    # A complaint at 01:30 that Sunday (still winter time) belongs to the Sunday.
    sunday_night = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert local_date(sunday_night, AMS) == date(2026, 3, 29)
    assert ack_due(sunday_night) == date(2026, 3, 31)


def test_end_of_day_across_the_october_dst_switch() -> None:
    assert end_of_day(date(2026, 10, 24), AMS).utcoffset() == timedelta(hours=2)
    assert end_of_day(date(2026, 10, 25), AMS).utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    ("done_utc", "state"),
    [
        (datetime(2026, 3, 30, 21, 30, tzinfo=UTC), ClockState.MET),  # 23:30 summer time
        (datetime(2026, 3, 30, 22, 30, tzinfo=UTC), ClockState.MISSED),  # 00:30 next day
        (datetime(2026, 10, 26, 22, 30, tzinfo=UTC), ClockState.MET),  # 23:30 winter time
        (datetime(2026, 10, 26, 23, 30, tzinfo=UTC), ClockState.MISSED),
    ],
)
def test_met_or_missed_uses_the_shop_day_after_a_dst_switch(
    done_utc: datetime, state: ClockState
) -> None:
    due = local_date(done_utc - timedelta(hours=3), AMS)  # Monday 30 March / 26 October
    assert due.weekday() == 0
    assert clock(due, done_utc, done_utc, NL, AMS).state == state


def test_clock_running_counts_business_days_left() -> None:
    result = clock(date(2026, 4, 29), None, at(2026, 4, 24, 12), NL, AMS)
    assert result.state == ClockState.RUNNING
    assert result.days_left == 2
    assert result.done_at is None


def test_clock_on_the_due_day_runs_until_midnight_shop_time() -> None:
    due = date(2026, 4, 29)
    assert clock(due, None, at(2026, 4, 29, 23, 59), NL, AMS).state == ClockState.RUNNING
    late = clock(due, None, at(2026, 4, 30, 0, 1), NL, AMS)
    assert late.state == ClockState.OVERDUE
    assert late.days_left == -1


def test_clock_met_and_missed() -> None:
    due = date(2026, 4, 29)
    met = clock(due, at(2026, 4, 28), at(2026, 5, 20), NL, AMS)
    assert met.state == ClockState.MET and met.done_at == at(2026, 4, 28)
    assert clock(due, at(2026, 4, 30), at(2026, 5, 20), NL, AMS).state == ClockState.MISSED


def test_paused_clock_shows_what_was_left_at_the_pause() -> None:
    result = clock(
        date(2026, 5, 6), None, at(2026, 6, 30), NL, AMS, paused_since=at(2026, 4, 24, 16)
    )
    # Long after the due date it is still paused, not overdue: we are waiting for the customer.
    assert result.state == ClockState.PAUSED
    assert result.days_left == NL.business_days_between(date(2026, 4, 24), date(2026, 5, 6))
    assert result.days_left == 7


def test_a_pause_across_kings_day_moves_the_due_date_by_business_days_only() -> None:
    due = date(2026, 5, 6)
    # Paused Friday 24 April, answered Tuesday 28: the weekend and King's Day do not count.
    moved = extend_for_pause(due, at(2026, 4, 24, 15), at(2026, 4, 28, 9), NL, AMS)
    assert moved == date(2026, 5, 7)


def test_a_pause_across_christmas() -> None:
    moved = extend_for_pause(date(2026, 1, 7), at(2025, 12, 24, 12), at(2025, 12, 29, 12), NL, AMS)
    assert moved == date(2026, 1, 8)


def test_a_pause_within_one_day_changes_nothing() -> None:
    due = date(2026, 5, 6)
    assert extend_for_pause(due, at(2026, 4, 28, 9), at(2026, 4, 28, 17), NL, AMS) == due


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        local_date(datetime(2026, 4, 24, 10), AMS)
