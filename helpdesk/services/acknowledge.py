"""The acknowledgement clock met by email: the acknowledgement was delivered, so say so."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm.exc import StaleDataError

from ..domain.lifecycle import Status
from ..extensions import db
from ..models import Complaint
from ..models.types import utcnow
from .lifecycle import change_status

#: A staff member may change the complaint at the same moment; try again once after that.
_TRIES = 2


def acknowledge_by_email(complaint: Complaint, now: datetime | None = None) -> bool:
    """Move a still-received complaint to acknowledged (one commit); True when it moved."""
    moment = now or utcnow()
    for _ in range(_TRIES):
        if complaint.status != Status.RECEIVED:
            return False  # acknowledged by hand already, or further along
        change_status(
            complaint,
            Status.ACKNOWLEDGED,
            now=moment,
            actor="system",
            detail={"by": "acknowledgement email"},
        )
        try:
            db.session.commit()
        except StaleDataError:
            # Someone changed the complaint between our read and our write: re-read it.
            db.session.rollback()
            continue
        return True
    return False
