"""The referral clock on real Dutch dates: 4 weeks, moved past weekends and public holidays
(Algemene termijnenwet), the countdown and when a reply is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from helpdesk.domain.mediation import (
    DECISIONS,
    DEFAULT_REPLY_DAYS,
    countdown,
    days_left,
    is_decision,
    is_open,
    is_reply_overdue,
    reply_deadline,
)
from helpdesk.domain.sla import holiday_calendar

NL = holiday_calendar("NL")


@dataclass
class Ref:
    reply_due_on: date
    replied_on: date | None = None
    decision: str | None = None


def test_four_weeks_by_default() -> None:
    assert DEFAULT_REPLY_DAYS == 28
    # Monday 2 March 2026 + 28 days: Monday 30 March, an ordinary business day.
    assert reply_deadline(date(2026, 3, 2), calendar=NL) == date(2026, 3, 30)
    assert reply_deadline(date(2026, 3, 4), 28, NL) == date(2026, 4, 1)


def test_christmas_moves_to_the_monday_after() -> None:
    # Friday 27 November 2026 + 28 days = Friday 25 December (Christmas Day); Saturday 26 is
    # the Second Day of Christmas, Sunday 27 a Sunday: Monday 28 December.
    assert reply_deadline(date(2026, 11, 27), 28, NL) == date(2026, 12, 28)


def test_a_saturday_moves_to_monday() -> None:
    # A referral filed on Saturday 7 February 2026 ends on Saturday 7 March: Monday 9 March.
    assert reply_deadline(date(2026, 2, 7), 28, NL) == date(2026, 3, 9)
    # A period of 17 days from Wednesday 11 March 2026 ends on Saturday 28 March: Monday 30.
    assert reply_deadline(date(2026, 3, 11), 17, NL) == date(2026, 3, 30)


def test_kings_day_moves_to_the_next_day() -> None:
    # Tuesday 30 March 2027 + 28 days = Tuesday 27 April 2027, King's Day: Wednesday 28 April.
    assert reply_deadline(date(2027, 3, 30), 28, NL) == date(2027, 4, 28)


def test_without_a_calendar_only_weekends_move() -> None:
    assert reply_deadline(date(2026, 11, 27), 28) == date(2026, 12, 25)
    assert reply_deadline(date(2026, 2, 7), 28) == date(2026, 3, 9)


def test_countdown_running_due_today_and_overdue() -> None:
    ref = Ref(reply_due_on=date(2026, 12, 28))
    assert days_left(ref.reply_due_on, date(2026, 12, 1)) == 27
    running = countdown(ref, date(2026, 12, 1))
    assert (running.state, running.days, running.due) == ("running", 27, date(2026, 12, 28))
    assert countdown(ref, date(2026, 12, 28)).days == 0
    assert not is_reply_overdue(ref, date(2026, 12, 28))
    late = countdown(ref, date(2027, 1, 4))
    assert (late.state, late.days) == ("overdue", 7)
    assert is_reply_overdue(ref, date(2026, 12, 29))


def test_a_recorded_reply_stops_the_clock() -> None:
    ref = Ref(reply_due_on=date(2026, 12, 28), replied_on=date(2026, 12, 20))
    assert countdown(ref, date(2027, 1, 4)).state == "replied"
    assert not is_reply_overdue(ref, date(2027, 1, 4))
    # A late reply is still a reply: no longer overdue.
    late = Ref(reply_due_on=date(2026, 12, 28), replied_on=date(2027, 1, 2))
    assert not is_reply_overdue(late, date(2027, 1, 4))


def test_a_decision_closes_the_referral() -> None:
    ref = Ref(reply_due_on=date(2026, 12, 28))
    assert is_open(ref)
    decided = Ref(reply_due_on=date(2026, 12, 28), decision="settled")
    assert not is_open(decided)
    assert not is_reply_overdue(decided, date(2027, 2, 1))
    assert countdown(decided, date(2027, 2, 1)).state == "closed"


@pytest.mark.parametrize("value", DECISIONS)
def test_decisions(value: str) -> None:
    assert is_decision(value)


def test_unknown_decisions() -> None:
    assert DECISIONS == ("upheld", "partly_upheld", "rejected", "settled", "withdrawn")
    assert not is_decision("won") and not is_decision(None) and not is_decision("")
