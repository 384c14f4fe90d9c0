"""Ending a customer's session on the server ("Leave"), and asking whether one was ended.

The opened case lives in the customer's signed session cookie (web/tracking.py), which the
server cannot take back: a copy of it kept working after "Leave". So each opening gets a
random session id, and "Leave" lists that id (as its SHA-256) until the cookie would have
expired anyway. Leaving ends this browser's session only: the same customer's phone, opened
with its own code + email or emailed link, has its own id and stays open (it expires by
itself after tracking.MAX_AGE_SECONDS).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import String, bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import EndedCustomerSession
from ..models.types import utcnow


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


#: Asked on every page of an opened case: built once, a column row (no ORM object).
_ENDED = select(EndedCustomerSession.session_hash).where(
    EndedCustomerSession.session_hash == bindparam("session_hash", type_=String)
)


def is_ended(session_id: str) -> bool:
    """True when this session was ended with "Leave" (one primary-key lookup)."""
    found = db.session.connection().execute(_ENDED, {"session_hash": _hash(session_id)})
    return found.first() is not None


def end_session(session_id: str, *, expires_at: datetime, now: datetime | None = None) -> None:
    """List the session as ended until `expires_at`, and forget ended sessions that have
    expired by now (their cookies no longer work anyway). One commit; ending twice is fine."""
    moment = now or utcnow()
    db.session.execute(delete(EndedCustomerSession).where(EndedCustomerSession.expires_at < moment))
    if expires_at > moment and not is_ended(session_id):
        db.session.add(EndedCustomerSession(session_hash=_hash(session_id), expires_at=expires_at))
    try:
        db.session.commit()
    except IntegrityError:  # the same cookie left twice at once: ended either way
        db.session.rollback()
