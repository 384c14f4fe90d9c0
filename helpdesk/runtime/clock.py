"""The shop's business calendar and time zone from the settings, and a complaint's two clocks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from flask import current_app

from ..domain.lifecycle import Status
from ..domain.sla import BusinessCalendar, Clock, clock, holiday_calendar
from ..models.types import utcnow


class Clocked(Protocol):
    """What the two clocks read of a complaint (a Complaint, or an inbox row of one)."""

    @property
    def status(self) -> str: ...
    @property
    def ack_due_on(self) -> date: ...
    @property
    def acknowledged_at(self) -> datetime | None: ...
    @property
    def response_due_on(self) -> date: ...
    @property
    def paused_since(self) -> datetime | None: ...
    @property
    def responded_at(self) -> datetime | None: ...
    @property
    def review_requested_at(self) -> datetime | None: ...
    @property
    def final_at(self) -> datetime | None: ...


def shop_timezone() -> ZoneInfo:
    """HELPDESK_TIMEZONE as a ZoneInfo."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def business_calendar() -> BusinessCalendar:
    """The days off from the settings, built once per app."""
    cal = current_app.extensions.get("helpdesk_calendar")
    if cal is None:
        cfg = current_app.config
        cal = holiday_calendar(
            cfg["HOLIDAY_COUNTRY"],
            categories=cfg["HOLIDAY_CATEGORIES"],
            extra=cfg["EXTRA_DAYS_OFF"],
            removed=cfg["REMOVED_DAYS_OFF"],
        )
        current_app.extensions["helpdesk_calendar"] = cal
    return cal


def acknowledgement_clock(
    complaint: Clocked,
    now: datetime | None = None,
    *,
    cal: BusinessCalendar | None = None,
    tz: ZoneInfo | None = None,
) -> Clock:
    """The 2-business-day acknowledgement clock of a complaint (`cal` and `tz`: the
    settings' calendar and time zone, when the caller has them already)."""
    return clock(
        complaint.ack_due_on,
        complaint.acknowledged_at,
        now or utcnow(),
        cal or business_calendar(),
        tz or shop_timezone(),
    )


def response_clock(
    complaint: Clocked,
    now: datetime | None = None,
    *,
    cal: BusinessCalendar | None = None,
    tz: ZoneInfo | None = None,
) -> Clock:
    """The 7-business-day full-response clock; paused while waiting for the customer.

    After a review request the clock runs again towards the review's due date and is met
    by the final response (the first response's due date stays in the audit trail).
    """
    paused = complaint.paused_since if complaint.status == Status.AWAITING_CUSTOMER else None
    done = complaint.final_at if complaint.review_requested_at else complaint.responded_at
    return clock(
        complaint.response_due_on,
        done,
        now or utcnow(),
        cal or business_calendar(),
        tz or shop_timezone(),
        paused_since=paused,
    )
