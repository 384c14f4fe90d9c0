"""A few demo cases in mediation, so the referral panel, the inbox's "In mediation" filter
and the case file have something to show. Recorded through services.mediation, as a
manager would (each with its audit event)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..domain.lifecycle import Status
from ..extensions import db
from ..models import Complaint, Referral, Staff
from ..services.mediation import record_referral, record_reply, shop_today

#: How many of the newest final complaints are taken to De Geschillencommissie.
REFERRED = 3
BODY = "De Geschillencommissie"


def refer_some(manager_email: str, now: datetime) -> int:
    """Record referrals for the newest final complaints (none already referred); the first
    also gets the shop's reply. Returns how many were recorded."""
    manager = db.session.scalar(select(Staff).where(Staff.email == manager_email))
    if manager is None:
        return 0
    referred = select(Referral.complaint_id)
    query = (
        select(Complaint)
        .where(Complaint.status == Status.FINAL.value, Complaint.id.not_in(referred))
        .order_by(Complaint.final_at.desc())
        .limit(REFERRED)
    )
    today = shop_today(now)
    made = 0
    for complaint in list(db.session.scalars(query)):
        assert complaint.final_at is not None
        day = min(complaint.final_at.date() + timedelta(days=5), today)
        referral = record_referral(
            complaint,
            manager,
            body=BODY,
            referred_on=day,
            body_reference=f"GC-{day.year}-{4100 + complaint.id}",
            now=now,
        )
        if made == 0 and day + timedelta(days=10) <= today:
            record_reply(referral, manager, replied_on=day + timedelta(days=10), now=now)
        made += 1
    return made
