"""Customer sessions ended with "Leave": a copied cookie of one no longer opens the case.

A customer's opened case lives in the signed session cookie (web/tracking.py) with a random
session id. The cookie cannot be taken back, so "Leave" records the id here until the
cookie would have expired anyway; tracking refuses a session whose id is listed. Only the
id's SHA-256 is kept, and nothing that names the customer or the complaint.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class EndedCustomerSession(db.Model):  # type: ignore[name-defined,misc]
    """One ended customer session, kept until `expires_at` (when its cookie stops anyway)."""

    __tablename__ = "ended_customer_session"

    #: SHA-256 (hex) of the random session id in the cookie.
    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
