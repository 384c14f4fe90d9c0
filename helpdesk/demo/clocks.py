"""A story's status changes replayed into the complaint's clocks and timestamps, through the
same rule the services use (domain.clocks.transition), so demo rows look exactly like rows
the services would have written."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from ..domain.clocks import Clocks, opening_clocks, transition
from ..domain.sla import BusinessCalendar
from .story import STEP_STATUS, Story


def replay(story: Story, cal: BusinessCalendar, tz: ZoneInfo) -> Clocks:
    """The clocks after every status change of `story`; raises TransitionError on a bad step."""
    clocks = opening_clocks(story.received_at, cal, tz)
    for step in story.steps:
        if step.what == STEP_STATUS and step.status is not None:
            clocks = transition(clocks, step.status, step.at, cal, tz)
    return clocks
