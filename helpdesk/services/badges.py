"""SLA clocks as badges people read: "2 business days left", "due today", "paused",
"3 days overdue" (business days), "met", "missed" — for the inbox rows and the case page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import ngettext

from ..domain.sla import BusinessCalendar, Clock, ClockState
from ..models.types import utcnow
from ..runtime.clock import Clocked, acknowledgement_clock, response_clock


@dataclass(frozen=True)
class ClockBadge:
    """One SLA clock as a badge: the words, a CSS class, the due date and when it was met."""

    text: str
    css: str
    clock: Clock


#: Words already looked up while rendering one page: (state, days) → (text, css).
Words = dict[tuple[ClockState, int], tuple[str, str]]


def clock_badge(clock: Clock, words: Words | None = None) -> ClockBadge:
    """Badge words: N business days left, due today, paused, N days overdue, met, missed.

    `words` memoises the translated text across the rows of one page (an inbox page has
    fifty badges but only a handful of different texts).
    """
    key = (clock.state, clock.days_left)
    if words is not None and key in words:
        text, css = words[key]
    else:
        text, css = _describe(clock)
        if words is not None:
            words[key] = (text, css)
    return ClockBadge(text, css, clock)


def _describe(clock: Clock) -> tuple[str, str]:
    """The translated words and CSS class for one clock."""
    if clock.state == ClockState.MET:
        return _("met"), "met"
    if clock.state == ClockState.MISSED:
        return _("missed"), "missed"
    if clock.state == ClockState.PAUSED:
        return _("paused"), "paused"
    if clock.state == ClockState.OVERDUE:
        # Business days; a due date on Friday seen on Saturday is still "1 day overdue".
        late = max(1, -clock.days_left)
        return ngettext("%(num)d day overdue", "%(num)d days overdue", late), "overdue"
    if clock.days_left <= 0:
        return _("due today"), "soon"
    text = ngettext("%(num)d business day left", "%(num)d business days left", clock.days_left)
    return text, "soon" if clock.days_left <= 1 else "running"


def clock_badges(
    complaint: Clocked,
    now: datetime | None = None,
    words: Words | None = None,
    *,
    cal: BusinessCalendar | None = None,
    tz: ZoneInfo | None = None,
) -> tuple[ClockBadge, ClockBadge]:
    """The acknowledgement and the response clock of a complaint, as badges (`cal` and
    `tz`: the settings' calendar and time zone, looked up once for a page of rows)."""
    moment = now or utcnow()
    return (
        clock_badge(acknowledgement_clock(complaint, moment, cal=cal, tz=tz), words),
        clock_badge(response_clock(complaint, moment, cal=cal, tz=tz), words),
    )
