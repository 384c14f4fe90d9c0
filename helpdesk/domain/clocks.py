"""What a status change does to a complaint's two clocks and its timestamps: the one home of
that rule, used by the lifecycle service, the review service (through it) and the demo seeder.

A complaint has two clocks (PRODUCT.md, clauses 3 and 4): the acknowledgement, due
ACK_DAYS business days after receipt, and the response, due RESPONSE_DAYS business days
after receipt. The response clock stops while the customer owes us information (PAUSED)
and its due date moves on by the business days it stood still. A review request is a new
promise: the final response is due RESPONSE_DAYS business days after the request.
`sla_due_on` is the due date of the clock that runs now, so the inbox can sort and filter
on one column. When a clock stops (the acknowledgement, the first response) the business days
it took and whether it was on time are kept beside it, and `received_on` is the shop's date of
receipt: the reports count them in SQL (domain.reports defines them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .lifecycle import OPEN, PAUSED, Status, check_transition
from .reports import business_days_taken
from .sla import (
    ACK_DAYS,
    RESPONSE_DAYS,
    BusinessCalendar,
    due_date,
    extend_for_pause,
    is_on_time,
    local_date,
)

#: The timestamp each status sets (only the first time, for the two "first" ones).
_FIRST_TIME = {Status.ACKNOWLEDGED: "acknowledged_at", Status.RESOLVED: "responded_at"}
_EVERY_TIME = {
    Status.REVIEW_REQUESTED: "review_requested_at",
    Status.FINAL: "final_at",
    Status.CLOSED: "closed_at",
}


@dataclass(frozen=True)
class Clocks:
    """A complaint's status, due dates and the timestamps the clocks are read from."""

    status: Status
    ack_due_on: date
    response_due_on: date
    acknowledged_at: datetime | None = None
    paused_since: datetime | None = None
    responded_at: datetime | None = None
    review_requested_at: datetime | None = None
    final_at: datetime | None = None
    closed_at: datetime | None = None
    sla_due_on: date | None = None
    received_on: date | None = None
    days_to_acknowledge: int | None = None
    acknowledged_on_time: bool | None = None
    days_to_respond: int | None = None
    responded_on_time: bool | None = None

    def columns(self) -> dict[str, object]:
        """The values as complaint columns (the status as its stored string)."""
        return {**self.__dict__, "status": self.status.value}


#: The complaint columns a transition may change.
COLUMNS = tuple(Clocks.__dataclass_fields__)


def opening_clocks(received_at: datetime, cal: BusinessCalendar, tz: ZoneInfo) -> Clocks:
    """The clocks of a complaint just received: both due dates set, the acknowledgement running."""
    clocks = Clocks(
        status=Status.RECEIVED,
        ack_due_on=due_date(received_at, ACK_DAYS, cal, tz),
        response_due_on=due_date(received_at, RESPONSE_DAYS, cal, tz),
        received_on=local_date(received_at, tz),
    )
    return replace(clocks, sla_due_on=running_due(clocks))


def running_due(clocks: Clocks) -> date | None:
    """The due date of the clock that runs now; None when none runs (paused, or done)."""
    status = clocks.status
    if status in PAUSED or status not in OPEN:
        return None
    if clocks.acknowledged_at is None:
        return clocks.ack_due_on
    if clocks.responded_at is None or status == Status.REVIEW_REQUESTED:
        return clocks.response_due_on
    return None


def transition(
    clocks: Clocks, target: Status | str, at: datetime, cal: BusinessCalendar, tz: ZoneInfo
) -> Clocks:
    """The clocks after one allowed step to `target` at `at`; raises TransitionError."""
    current = clocks.status
    goal = check_transition(current, target)
    changes: dict[str, object] = {"status": goal}
    response_due = clocks.response_due_on
    if current in PAUSED and goal not in PAUSED and clocks.paused_since is not None:
        response_due = extend_for_pause(response_due, clocks.paused_since, at, cal, tz)
        changes["response_due_on"] = response_due
        changes["paused_since"] = None
    if goal in PAUSED:
        changes["paused_since"] = at
    if goal in _FIRST_TIME and getattr(clocks, _FIRST_TIME[goal]) is None:
        changes[_FIRST_TIME[goal]] = at
        changes.update(_stopped(goal, clocks.ack_due_on, response_due, at, cal, tz))
    if goal in _EVERY_TIME:
        changes[_EVERY_TIME[goal]] = at
    if goal == Status.REVIEW_REQUESTED:
        changes["response_due_on"] = due_date(at, RESPONSE_DAYS, cal, tz)
    moved = replace(clocks, **changes)  # type: ignore[arg-type]
    return replace(moved, sla_due_on=running_due(moved))


def _stopped(
    goal: Status,
    ack_due: date,
    response_due: date,
    at: datetime,
    cal: BusinessCalendar,
    tz: ZoneInfo,
) -> dict[str, object]:
    """What the reports keep of a clock that stops at `at`: business days taken, on time."""
    done_on = local_date(at, tz)
    if goal == Status.ACKNOWLEDGED:
        return {
            "days_to_acknowledge": business_days_taken(ack_due, done_on, ACK_DAYS, cal),
            "acknowledged_on_time": is_on_time(ack_due, at, tz),
        }
    return {
        "days_to_respond": business_days_taken(response_due, done_on, RESPONSE_DAYS, cal),
        "responded_on_time": is_on_time(response_due, at, tz),
    }
