"""What a case file says about the clocks: the SLA table, with every pause, in business days.

Pure: the complaint's dates and its status transitions come in, rows come out. Three rows at
most: the acknowledgement, the full response (paused while waiting for the customer), and,
after a review request, the final response.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from .lifecycle import Status
from .sla import ACK_DAYS, RESPONSE_DAYS, BusinessCalendar, due_date, local_date


class Promise(StrEnum):
    """The three promises a case file reports on."""

    ACKNOWLEDGEMENT = "acknowledgement"
    RESPONSE = "response"
    FINAL_RESPONSE = "final_response"


class Kept(StrEnum):
    """Whether a promise was kept: met or missed once done, open or overdue until then."""

    MET = "met"
    MISSED = "missed"
    OPEN = "open"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Transition:
    """One status change from the audit trail."""

    at: datetime
    from_status: str | None
    to_status: str | None


@dataclass(frozen=True)
class Pause:
    """A stretch of waiting for the customer (end None while still waiting)."""

    start: datetime
    end: datetime | None
    business_days: int


@dataclass(frozen=True)
class SlaRow:
    """One promise: when it was due, when it was kept, and how long it took."""

    promise: Promise
    business_days_promised: int
    promised: date  # the due date as first promised
    due: date  # the due date after pauses (equal to `promised` without pauses)
    done_at: datetime | None
    kept: Kept
    business_days_taken: int | None  # business days from the start, pauses left out
    pauses: tuple[Pause, ...] = ()


@dataclass(frozen=True)
class ClockFacts:
    """What the SLA table is computed from (read off a complaint and its audit trail)."""

    received_at: datetime
    ack_due_on: date
    acknowledged_at: datetime | None
    response_due_on: date  # after pauses; after a review request, the review's due date
    responded_at: datetime | None
    first_response_due_on: date | None  # kept in the review_requested event
    review_requested_at: datetime | None
    final_at: datetime | None
    transitions: Sequence[Transition]


def pauses(
    transitions: Sequence[Transition], now: datetime, cal: BusinessCalendar, tz: ZoneInfo
) -> list[Pause]:
    """Every wait for the customer, from the status changes into and out of it."""
    found: list[Pause] = []
    started: datetime | None = None
    waiting = Status.AWAITING_CUSTOMER.value
    for change in transitions:
        if change.to_status == waiting and started is None:
            started = change.at
        elif change.from_status == waiting and started is not None:
            found.append(_pause(started, change.at, cal, tz))
            started = None
    if started is not None:
        days = cal.business_days_between(local_date(started, tz), local_date(now, tz))
        found.append(Pause(started, None, max(days, 0)))
    return found


def _pause(start: datetime, end: datetime, cal: BusinessCalendar, tz: ZoneInfo) -> Pause:
    days = cal.business_days_between(local_date(start, tz), local_date(end, tz))
    return Pause(start, end, max(days, 0))


def _kept(due: date, done_at: datetime | None, now: datetime, tz: ZoneInfo) -> Kept:
    if done_at is not None:
        return Kept.MET if local_date(done_at, tz) <= due else Kept.MISSED
    return Kept.OVERDUE if local_date(now, tz) > due else Kept.OPEN


def _taken(
    start: datetime, done_at: datetime | None, paused: int, cal: BusinessCalendar, tz: ZoneInfo
) -> int | None:
    if done_at is None:
        return None
    days = cal.business_days_between(local_date(start, tz), local_date(done_at, tz))
    return max(days - paused, 0)


def sla_table(
    facts: ClockFacts, now: datetime, cal: BusinessCalendar, tz: ZoneInfo
) -> list[SlaRow]:
    """The acknowledgement and response rows, and the final response's after a review."""
    received = facts.received_at
    ack = SlaRow(
        Promise.ACKNOWLEDGEMENT,
        ACK_DAYS,
        facts.ack_due_on,
        facts.ack_due_on,
        facts.acknowledged_at,
        _kept(facts.ack_due_on, facts.acknowledged_at, now, tz),
        _taken(received, facts.acknowledged_at, 0, cal, tz),
    )
    before_review = [
        t
        for t in facts.transitions
        if facts.review_requested_at is None or t.at <= facts.review_requested_at
    ]
    waits = tuple(pauses(before_review, now, cal, tz))
    due = facts.first_response_due_on or facts.response_due_on
    if facts.review_requested_at is None:
        due = facts.response_due_on
    response = SlaRow(
        Promise.RESPONSE,
        RESPONSE_DAYS,
        due_date(received, RESPONSE_DAYS, cal, tz),
        due,
        facts.responded_at,
        _kept(due, facts.responded_at, now, tz),
        _taken(received, facts.responded_at, sum(p.business_days for p in waits), cal, tz),
        waits,
    )
    rows = [ack, response]
    if facts.review_requested_at is not None:
        rows.append(_final_row(facts, facts.review_requested_at, now, cal, tz))
    return rows


def _final_row(
    facts: ClockFacts, requested: datetime, now: datetime, cal: BusinessCalendar, tz: ZoneInfo
) -> SlaRow:
    promised = due_date(requested, RESPONSE_DAYS, cal, tz)
    return SlaRow(
        Promise.FINAL_RESPONSE,
        RESPONSE_DAYS,
        promised,
        facts.response_due_on,
        facts.final_at,
        _kept(facts.response_due_on, facts.final_at, now, tz),
        _taken(requested, facts.final_at, 0, cal, tz),
    )
