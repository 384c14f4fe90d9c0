"""A story's status changes replayed into the complaint's clocks and timestamps.

This follows services.lifecycle.change_status step by step (pauses extend the response due
date, each status sets its timestamp) and then calls the real `refresh_sla_due`, so demo rows
look exactly like rows the services would have written. One rule comes from the review use
case rather than the lifecycle: a review is owed within RESPONSE_DAYS business days of the
request, so `response_due_on` is set again when a review is requested.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo

from ..domain.lifecycle import PAUSED, Status, check_transition
from ..domain.sla import ACK_DAYS, RESPONSE_DAYS, BusinessCalendar, due_date, extend_for_pause
from ..services.lifecycle import refresh_sla_due
from .story import STEP_STATUS, Story

if TYPE_CHECKING:
    from ..models import Complaint


@dataclass
class Clocks:
    """The clock columns of a complaint (duck-typed like Complaint for refresh_sla_due)."""

    status: str
    ack_due_on: date
    response_due_on: date
    acknowledged_at: datetime | None = None
    paused_since: datetime | None = None
    responded_at: datetime | None = None
    review_requested_at: datetime | None = None
    final_at: datetime | None = None
    closed_at: datetime | None = None
    sla_due_on: date | None = None

    def columns(self) -> dict[str, object]:
        """The values as complaint columns."""
        return dict(self.__dict__)


def replay(story: Story, cal: BusinessCalendar, tz: ZoneInfo) -> Clocks:
    """The clocks after every status change of `story`; raises TransitionError on a bad step."""
    received = story.received_at
    state = Clocks(
        status=Status.RECEIVED.value,
        ack_due_on=due_date(received, ACK_DAYS, cal, tz),
        response_due_on=due_date(received, RESPONSE_DAYS, cal, tz),
    )
    for step in story.steps:
        if step.what != STEP_STATUS or step.status is None:
            continue
        current = Status(state.status)
        target = check_transition(current, step.status)
        if current in PAUSED and target not in PAUSED and state.paused_since is not None:
            state.response_due_on = extend_for_pause(
                state.response_due_on, state.paused_since, step.at, cal, tz
            )
            state.paused_since = None
        if target in PAUSED:
            state.paused_since = step.at
        if target == Status.ACKNOWLEDGED and state.acknowledged_at is None:
            state.acknowledged_at = step.at
        elif target == Status.RESOLVED and state.responded_at is None:
            state.responded_at = step.at
        elif target == Status.REVIEW_REQUESTED:
            state.review_requested_at = step.at
            state.response_due_on = due_date(step.at, RESPONSE_DAYS, cal, tz)
        elif target == Status.FINAL:
            state.final_at = step.at
        elif target == Status.CLOSED:
            state.closed_at = step.at
        state.status = target.value
    # The real rule, on a stand-in that has exactly the attributes it reads and writes.
    refresh_sla_due(cast("Complaint", state))
    return state
