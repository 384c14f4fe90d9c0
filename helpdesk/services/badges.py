"""SLA clocks as badges people read: "2 business days left", "due today", "paused",
"3 days overdue" (business days), "met", "missed" — for the inbox rows and the case page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from ..clock import acknowledgement_clock, response_clock
from ..domain.sla import Clock, ClockState
from ..models import Complaint
from ..models.types import utcnow


@dataclass(frozen=True)
class ClockBadge:
    """One SLA clock as a badge: the words, a CSS class, the due date and when it was met."""

    text: str
    css: str
    clock: Clock


def clock_badge(clock: Clock) -> ClockBadge:
    """Badge words: N business days left, due today, paused, N days overdue, met, missed."""
    if clock.state == ClockState.MET:
        return ClockBadge(_("met"), "met", clock)
    if clock.state == ClockState.MISSED:
        return ClockBadge(_("missed"), "missed", clock)
    if clock.state == ClockState.PAUSED:
        return ClockBadge(_("paused"), "paused", clock)
    if clock.state == ClockState.OVERDUE:
        # Business days; a due date on Friday seen on Saturday is still "1 day overdue".
        late = max(1, -clock.days_left)
        return ClockBadge(
            ngettext("%(num)d day overdue", "%(num)d days overdue", late), "overdue", clock
        )
    if clock.days_left <= 0:
        return ClockBadge(_("due today"), "soon", clock)
    text = ngettext("%(num)d business day left", "%(num)d business days left", clock.days_left)
    return ClockBadge(text, "soon" if clock.days_left <= 1 else "running", clock)


def clock_badges(
    complaint: Complaint, now: datetime | None = None
) -> tuple[ClockBadge, ClockBadge]:
    """The acknowledgement and the response clock of a complaint, as badges."""
    moment = now or utcnow()
    return (
        clock_badge(acknowledgement_clock(complaint, moment)),
        clock_badge(response_clock(complaint, moment)),
    )
