"""domain.clocks: what each status change does to the two clocks, on a fixed calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from helpdesk.domain.clocks import Clocks, opening_clocks, running_due, transition
from helpdesk.domain.lifecycle import Status, TransitionError
from helpdesk.domain.sla import BusinessCalendar

TZ = ZoneInfo("Europe/Amsterdam")
# Christmas 2026: Friday 25 and Saturday 26 December are days off.
CAL = BusinessCalendar(lambda year: {date(year, 12, 25), date(year, 12, 26)})


def at(day: int, month: int = 12, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def test_a_new_complaint_runs_the_acknowledgement_clock() -> None:
    clocks = opening_clocks(at(1), CAL, TZ)  # Tuesday 1 December
    assert clocks.status is Status.RECEIVED
    assert clocks.ack_due_on == date(2026, 12, 3)
    assert clocks.response_due_on == date(2026, 12, 10)  # seven business days
    assert clocks.sla_due_on == clocks.ack_due_on


def test_acknowledging_switches_to_the_response_clock_and_stamps_once() -> None:
    clocks = transition(opening_clocks(at(1), CAL, TZ), Status.ACKNOWLEDGED, at(2), CAL, TZ)
    assert clocks.acknowledged_at == at(2)
    assert clocks.sla_due_on == date(2026, 12, 10)


def _assessing() -> Clocks:
    clocks = opening_clocks(at(1), CAL, TZ)
    for step, when in ((Status.ACKNOWLEDGED, at(2)), (Status.ASSESSING, at(2, hour=11))):
        clocks = transition(clocks, step, when, CAL, TZ)
    return clocks


def test_a_pause_stops_the_clock_and_moves_the_due_date_by_the_business_days_it_stood() -> None:
    clocks = _assessing()
    paused = transition(clocks, Status.AWAITING_CUSTOMER, at(7), CAL, TZ)  # Monday
    assert paused.paused_since == at(7) and paused.sla_due_on is None
    back = transition(paused, Status.ASSESSING, at(9), CAL, TZ)  # Wednesday: 2 business days
    assert back.paused_since is None
    assert back.response_due_on == date(2026, 12, 14)  # Thursday 10th + 2: Monday 14th
    assert back.sla_due_on == date(2026, 12, 14)


def test_a_pause_over_christmas_counts_only_business_days() -> None:
    paused = transition(_assessing(), Status.AWAITING_CUSTOMER, at(24), CAL, TZ)  # Thursday
    back = transition(paused, Status.ASSESSING, at(28), CAL, TZ)  # Monday: only the 24th counts
    assert back.response_due_on == date(2026, 12, 11)


def test_a_review_request_is_a_new_promise_and_the_final_response_stops_the_clock() -> None:
    resolved = transition(_assessing(), Status.RESOLVED, at(4), CAL, TZ)
    assert resolved.responded_at == at(4) and resolved.sla_due_on is None
    review = transition(resolved, Status.REVIEW_REQUESTED, at(18), CAL, TZ)  # Friday
    assert review.review_requested_at == at(18)
    # Seven business days from Friday 18 December skip two weekends and Christmas Day.
    assert review.response_due_on == date(2026, 12, 30)
    assert running_due(review) == review.sla_due_on == date(2026, 12, 30)
    final = transition(review, Status.FINAL, at(21), CAL, TZ)
    assert final.final_at == at(21) and final.sla_due_on is None
    assert final.responded_at == at(4)  # the first response's time is kept


def test_a_step_the_lifecycle_does_not_allow_raises() -> None:
    with pytest.raises(TransitionError):
        transition(opening_clocks(at(1), CAL, TZ), Status.RESOLVED, at(2), CAL, TZ)
