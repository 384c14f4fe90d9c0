"""Referrals to a dispute body (policy clause 6): the decisions, the shop's reply deadline and
its countdown. Pure: the calendar and today are passed in.

The reply deadline is a period in days counted from the referral. Under the Dutch Algemene
termijnenwet a period that ends on a Saturday, a Sunday or a public holiday is extended to
the next day that is none of these, so the due date moves to the next business day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from .sla import BusinessCalendar

#: What a dispute body can decide, in the order the form offers them.
DECISIONS = ("upheld", "partly_upheld", "rejected", "settled", "withdrawn")
#: Four weeks, the common period a body gives the trader to answer.
DEFAULT_REPLY_DAYS = 28


def is_decision(value: str | None) -> bool:
    """True for one of DECISIONS."""
    return value in DECISIONS


def reply_deadline(
    referred_on: date, days: int = DEFAULT_REPLY_DAYS, calendar: BusinessCalendar | None = None
) -> date:
    """`referred_on` + `days`, moved on to the next business day when that is a day off.

    Without a calendar only weekends count as days off.
    """
    due = referred_on + timedelta(days=days)
    while not _is_business_day(due, calendar):
        due += timedelta(days=1)
    return due


def _is_business_day(day: date, calendar: BusinessCalendar | None) -> bool:
    """The calendar's answer, or Monday to Friday without one."""
    if calendar is None:
        return day.weekday() < 5
    return calendar.is_business_day(day)


def days_left(reply_due_on: date, today: date) -> int:
    """Calendar days until the reply is due: 0 on the day itself, negative once past."""
    return (reply_due_on - today).days


class ReferralState(Protocol):
    """What the countdown reads of a referral (the model, or a row of one)."""

    @property
    def reply_due_on(self) -> date: ...
    @property
    def replied_on(self) -> date | None: ...
    @property
    def decision(self) -> str | None: ...


def is_open(referral: ReferralState) -> bool:
    """True while the body has not decided (the case is in mediation)."""
    return referral.decision is None


def is_reply_overdue(referral: ReferralState, today: date) -> bool:
    """True when the reply deadline has passed, no reply is recorded and the case is open."""
    return is_open(referral) and referral.replied_on is None and referral.reply_due_on < today


@dataclass(frozen=True)
class Countdown:
    """The reply clock of one referral as of a day.

    `state` is "replied" (replied_on set), "closed" (decided without a recorded reply),
    "overdue" or "running"; `days` are the days left (running) or past (overdue).
    """

    state: str
    days: int
    due: date


def countdown(referral: ReferralState, today: date) -> Countdown:
    """Where the reply clock of `referral` stands on `today`."""
    due = referral.reply_due_on
    left = days_left(due, today)
    if referral.replied_on is not None:
        return Countdown("replied", 0, due)
    if not is_open(referral):
        return Countdown("closed", 0, due)
    if left < 0:
        return Countdown("overdue", -left, due)
    return Countdown("running", left, due)
