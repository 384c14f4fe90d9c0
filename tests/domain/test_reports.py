"""domain.reports: periods, nearest-rank percentiles, business days taken (with a holiday and a
pause, through domain.clocks), SLA compliance; and domain.improvement's rising-trend rule
and before/after rates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from helpdesk.domain.clocks import opening_clocks, transition
from helpdesk.domain.improvement import RateChange, check_trend, effect_windows
from helpdesk.domain.lifecycle import Status
from helpdesk.domain.reports import (
    Compliance,
    Period,
    PeriodError,
    PeriodKind,
    business_days_taken,
    custom_period,
    mean,
    median,
    percentile,
    quick_period,
    week_start,
)
from helpdesk.domain.sla import BusinessCalendar

TZ = ZoneInfo("Europe/Amsterdam")
# Christmas 2026: Friday 25 and Saturday 26 December are days off.
CAL = BusinessCalendar(lambda year: {date(year, 12, 25), date(year, 12, 26)})
TODAY = date(2026, 12, 17)  # a Thursday


# --- periods -------------------------------------------------------------------------------


def test_quick_picks_end_today() -> None:
    assert quick_period("month", TODAY) == Period(date(2026, 12, 1), TODAY, PeriodKind.MONTH)
    assert quick_period("quarter", TODAY).start == date(2026, 10, 1)
    assert quick_period("year", TODAY).start == date(2026, 1, 1)
    assert quick_period("30d", TODAY) == Period(date(2026, 11, 18), TODAY, PeriodKind.LAST_30)
    assert quick_period("90d", TODAY).days == 90
    assert quick_period("last_quarter", TODAY) == Period(
        date(2026, 7, 1), date(2026, 9, 30), PeriodKind.LAST_QUARTER
    )
    assert quick_period("last_quarter", date(2026, 2, 10)) == Period(
        date(2025, 10, 1), date(2025, 12, 31), PeriodKind.LAST_QUARTER
    )


def test_a_calendar_period_is_compared_with_the_same_span_before() -> None:
    assert quick_period("month", TODAY).previous() == Period(
        date(2026, 11, 1), date(2026, 11, 17), PeriodKind.MONTH
    )
    assert quick_period("quarter", TODAY).previous() == Period(
        date(2026, 7, 1), date(2026, 9, 17), PeriodKind.QUARTER
    )
    assert quick_period("last_quarter", TODAY).previous() == Period(
        date(2026, 4, 1), date(2026, 6, 30), PeriodKind.LAST_QUARTER
    )
    assert quick_period("last_quarter", date(2026, 5, 1)).previous() == Period(
        date(2025, 10, 1), date(2025, 12, 31), PeriodKind.LAST_QUARTER
    )
    assert quick_period("year", date(2024, 2, 29)).previous() == Period(
        date(2023, 1, 1), date(2023, 2, 28), PeriodKind.YEAR
    )


def test_the_month_before_a_31st_ends_on_the_last_day_of_a_shorter_month() -> None:
    previous = quick_period("month", date(2026, 3, 31)).previous()
    assert previous == Period(date(2026, 2, 1), date(2026, 2, 28), PeriodKind.MONTH)


def test_other_periods_are_compared_with_as_many_days_right_before() -> None:
    assert quick_period("30d", TODAY).previous() == Period(
        date(2026, 10, 19), date(2026, 11, 17), PeriodKind.LAST_30
    )
    custom = custom_period(date(2026, 12, 10), date(2026, 12, 16))
    assert custom.previous() == Period(date(2026, 12, 3), date(2026, 12, 9))


def test_weeks_are_the_mondays_the_period_touches() -> None:
    assert week_start(date(2026, 12, 20)) == date(2026, 12, 14)  # a Sunday
    weeks = custom_period(date(2026, 11, 30), date(2026, 12, 14)).weeks()
    assert weeks == [date(2026, 11, 30), date(2026, 12, 7), date(2026, 12, 14)]
    assert Period(date(2026, 12, 16), date(2026, 12, 16)).weeks() == [date(2026, 12, 14)]


def test_a_period_cannot_run_backwards_or_span_too_long() -> None:
    with pytest.raises(PeriodError, match="before it starts"):
        custom_period(date(2026, 12, 2), date(2026, 12, 1))
    with pytest.raises(PeriodError, match="at most 3 years"):
        custom_period(date(2020, 1, 1), date(2023, 1, 1))  # three years and a day
    assert custom_period(date(2020, 1, 1), date(2022, 12, 31)).days == 1096
    assert custom_period(date(2020, 2, 29), date(2023, 2, 27)).days == 1095
    with pytest.raises(PeriodError, match="at most 3 years"):
        custom_period(date(2020, 2, 29), date(2023, 2, 28))
    with pytest.raises(PeriodError, match="between 1900 and 2999"):
        custom_period(date(9999, 12, 1), date(9999, 12, 31))  # no overflow past year 9999
    with pytest.raises(PeriodError, match="between 1900 and 2999"):
        custom_period(date(1, 1, 1), date(1, 1, 5))  # nor before year 1 (the period before)
    with pytest.raises(PeriodError, match="unknown period"):
        quick_period("fortnight", TODAY)


# --- percentiles ---------------------------------------------------------------------------


def test_nearest_rank_percentiles_by_hand() -> None:
    # 1, 2, 2, 3, 3, 3, 4, 9, 10, 12 (ten values)
    counts = {1: 1, 2: 2, 3: 3, 4: 1, 9: 1, 10: 1, 12: 1}
    assert median(counts) == 3  # rank ceil(5) = 5th value
    assert percentile(counts, 90) == 10  # rank 9
    assert percentile(counts, 100) == 12
    assert mean(counts) == pytest.approx(49 / 10)


def test_an_even_count_has_the_lower_middle_as_its_median() -> None:
    assert median({1: 1, 2: 1, 3: 1, 4: 1}) == 2
    assert percentile({1: 1, 2: 1, 3: 1, 4: 1}, 90) == 4  # rank ceil(3.6) = 4


def test_no_values_no_percentile() -> None:
    assert median({}) is None and mean({}) is None and percentile({5: 0}, 90) is None
    with pytest.raises(ValueError):
        percentile({1: 1}, 0)


# --- business days taken -------------------------------------------------------------------


def at(day: int, hour: int = 10, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def test_days_taken_across_christmas_and_a_pause() -> None:
    # Received Wednesday 23 December; acknowledged Monday 28th: 24th, 28th = 2 business days.
    clocks = opening_clocks(at(23), CAL, TZ)
    clocks = transition(clocks, Status.ACKNOWLEDGED, at(28), CAL, TZ)
    assert clocks.received_on == date(2026, 12, 23)
    assert (clocks.days_to_acknowledge, clocks.acknowledged_on_time) == (2, True)
    clocks = transition(clocks, Status.ASSESSING, at(28, 11), CAL, TZ)
    # Waiting for the customer from Tuesday 29th to Thursday 31st: 2 business days still.
    clocks = transition(clocks, Status.AWAITING_CUSTOMER, at(29), CAL, TZ)
    clocks = transition(clocks, Status.ASSESSING, at(31), CAL, TZ)
    # Resolved Tuesday 5 January 2027: business days 24, 28, 29, 30, 31, 1 Jan (a holiday in
    # reality, not in this calendar), 4, 5 = 8, less 2 paused = 6.
    done = datetime(2027, 1, 5, 10, tzinfo=UTC)
    clocks = transition(clocks, Status.RESOLVED, done, CAL, TZ)
    direct = CAL.business_days_between(date(2026, 12, 23), date(2027, 1, 5)) - 2
    assert clocks.days_to_respond == direct == 6
    assert clocks.responded_on_time is True


def test_a_late_response_on_a_weekend_is_missed_without_an_extra_business_day() -> None:
    clocks = opening_clocks(at(1), CAL, TZ)  # Tuesday 1 December: response due Thursday 10th
    for step, when in ((Status.ACKNOWLEDGED, at(4)), (Status.ASSESSING, at(4, 11))):
        clocks = transition(clocks, step, when, CAL, TZ)
    assert (clocks.days_to_acknowledge, clocks.acknowledged_on_time) == (3, False)
    clocks = transition(clocks, Status.RESOLVED, at(12), CAL, TZ)  # Saturday 12th
    assert clocks.days_to_respond == 8 and clocks.responded_on_time is False  # as on Friday


def test_the_same_day_is_zero_days() -> None:
    clocks = transition(opening_clocks(at(2, 8), CAL, TZ), Status.ACKNOWLEDGED, at(2, 9), CAL, TZ)
    assert clocks.days_to_acknowledge == 0


def test_a_review_keeps_the_first_response_figures() -> None:
    clocks = opening_clocks(at(1), CAL, TZ)
    for step, when in (
        (Status.ACKNOWLEDGED, at(1, 11)),
        (Status.ASSESSING, at(1, 12)),
        (Status.RESOLVED, at(3)),
        (Status.REVIEW_REQUESTED, at(7)),
        (Status.FINAL, at(21)),
    ):
        clocks = transition(clocks, step, when, CAL, TZ)
    assert (clocks.days_to_respond, clocks.responded_on_time) == (2, True)


def test_business_days_taken_equals_counting_from_receipt_for_many_due_dates() -> None:
    received = date(2026, 12, 18)
    for paused in range(4):
        due = CAL.add_business_days(CAL.add_business_days(received, 7), paused)
        for offset in range(-3, 20):
            done = date.fromordinal(due.toordinal() + offset)
            expected = CAL.business_days_between(received, done) - paused
            assert business_days_taken(due, done, 7, CAL) == expected


# --- compliance ----------------------------------------------------------------------------


def test_compliance_counts_overdue_open_clocks_as_missed_and_leaves_the_rest_out() -> None:
    result = Compliance(met=6, missed=1, open_overdue=1, open_in_time=4)
    assert result.total == 12 and result.decided == 8
    assert result.rate == pytest.approx(6 / 8)
    assert Compliance(open_in_time=3).rate is None


# --- rising trends -------------------------------------------------------------------------


def test_a_spike_well_above_a_noisy_history_alerts() -> None:
    history = [4, 6, 5, 7, 5, 6, 4, 5]  # mean 5.25, sample sd 1.035, spread sqrt(5.25) 2.29
    check = check_trend(history, 13)
    assert check.mean == pytest.approx(5.25)
    assert check.threshold == pytest.approx(5.25 + 3 * 5.25**0.5)  # 12.12
    assert check.rising
    assert not check_trend(history, 12).rising


def test_the_standard_deviation_counts_when_it_is_larger() -> None:
    history = [0, 20, 0, 20, 0, 20, 0, 20]  # mean 10, sample sd 10.69
    check = check_trend(history, 40)
    assert check.spread == pytest.approx(10.690, abs=0.001)
    assert not check.rising  # threshold 42.07
    assert check_trend(history, 43).rising


def test_zero_variance_does_not_make_one_more_an_alarm() -> None:
    flat = [6] * 8
    assert not check_trend(flat, 7).rising
    assert not check_trend(flat, 13).rising  # 6 + 3 * sqrt(6) = 13.35
    assert check_trend(flat, 14).rising


def test_after_weeks_of_nothing_five_complaints_alert_and_four_do_not() -> None:
    quiet = [0] * 8
    assert check_trend(quiet, 5).rising
    assert not check_trend(quiet, 4).rising  # above the threshold of 3, below the minimum


def test_only_the_last_eight_weeks_count_and_four_are_needed() -> None:
    assert check_trend([100, 100, 0, 0, 0, 0, 0, 0, 0, 0], 6).mean == 0
    assert not check_trend([0, 0, 0], 50).rising


# --- corrective actions --------------------------------------------------------------------


def test_effect_windows_are_as_long_before_and_after_the_action() -> None:
    before, after = effect_windows(date(2026, 10, 1), 30, today=date(2026, 12, 17))
    assert before == Period(date(2026, 9, 1), date(2026, 9, 30))
    assert after == Period(date(2026, 10, 1), date(2026, 10, 30))
    _, running = effect_windows(date(2026, 12, 10), 30, today=TODAY)
    assert running == Period(date(2026, 12, 10), TODAY)


def test_a_rate_change_compares_shares() -> None:
    before, after = effect_windows(date(2026, 10, 1), 30, today=TODAY)
    change = RateChange(before, after, before_count=12, before_total=40, after_count=3,
                        after_total=30)  # fmt: skip
    assert change.before_rate == pytest.approx(0.3)
    assert change.after_rate == pytest.approx(0.1)
    assert change.change == pytest.approx(-0.2)
    assert RateChange(before, after, 0, 0, 1, 4).change is None
