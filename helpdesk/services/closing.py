"""Closing quiet cases: resolved and final complaints with no activity for CLOSE_AFTER_DAYS.

A resolved complaint closes only once its review period has passed as well, so nobody
loses the right to a review by being quiet. A complaint in mediation (a referral the
dispute body has not decided) stays open however quiet: the case is not over. Each
complaint is closed in its own commit through the lifecycle, with an audit event; one that
changed meanwhile is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..domain.lifecycle import Status
from ..extensions import db
from ..models import Complaint
from ..models.types import utcnow
from .lifecycle import change_status
from .mediation import has_open_referral


@dataclass(frozen=True)
class ClosingRule:
    """When a quiet case closes: idle for `idle_days`; resolved ones also past their review."""

    idle_days: int
    review_days: int

    def idle_before(self, now: datetime) -> datetime:
        """Cases whose last activity is before this moment are idle."""
        return now - timedelta(days=self.idle_days)

    def responded_before(self, now: datetime) -> datetime:
        """Resolved cases answered before this moment can no longer ask for a review."""
        return now - timedelta(days=self.review_days)


def closing_rule(days: int | None = None) -> ClosingRule:
    """The rule from the settings (CLOSE_AFTER_DAYS, REVIEW_PERIOD_DAYS); `days` overrides."""
    cfg = current_app.config
    idle = int(cfg["CLOSE_AFTER_DAYS"]) if days is None else days
    return ClosingRule(idle_days=max(idle, 0), review_days=int(cfg["REVIEW_PERIOD_DAYS"]))


def find_idle(rule: ClosingRule, now: datetime | None = None) -> list[int]:
    """Ids of the complaints the rule closes now, oldest activity first."""
    now = now or utcnow()
    query = (
        select(Complaint.id)
        .where(
            Complaint.last_activity_at < rule.idle_before(now),
            ~has_open_referral(),
            or_(
                Complaint.status == Status.FINAL.value,
                and_(
                    Complaint.status == Status.RESOLVED.value,
                    Complaint.responded_at < rule.responded_before(now),
                ),
            ),
        )
        .order_by(Complaint.last_activity_at, Complaint.id)
    )
    return list(db.session.scalars(query))


def is_idle(complaint: Complaint, rule: ClosingRule, now: datetime) -> bool:
    """The same test as find_idle, for one loaded complaint (checked again before closing)."""
    if complaint.last_activity_at >= rule.idle_before(now):
        return False
    if any(referral.decision is None for referral in complaint.referrals):
        return False
    if complaint.status == Status.FINAL:
        return True
    return (
        complaint.status == Status.RESOLVED
        and complaint.responded_at is not None
        and complaint.responded_at < rule.responded_before(now)
    )


def close_idle_complaint(complaint_id: int, rule: ClosingRule, now: datetime) -> Complaint | None:
    """Close one complaint if it is still idle; None when it changed meanwhile or is gone."""
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None or not is_idle(complaint, rule, now):
        return None
    quiet_since = complaint.last_activity_at
    change_status(
        complaint,
        Status.CLOSED,
        now=now,
        actor="system",
        detail={
            "reason": "idle",
            "idle_days": rule.idle_days,
            "quiet_since": quiet_since.isoformat(),
        },
    )
    try:
        db.session.commit()
    except (StaleDataError, OperationalError):
        # Someone answered, rated or reviewed at this very moment: leave it open.
        db.session.rollback()
        return None
    return complaint


def close_idle(
    ids: list[int], rule: ClosingRule, now: datetime | None = None
) -> Iterator[tuple[int, Complaint | None]]:
    """Close each listed complaint in turn, yielding (id, the closed complaint or None)."""
    now = now or utcnow()
    for complaint_id in ids:
        yield complaint_id, close_idle_complaint(complaint_id, rule, now)
