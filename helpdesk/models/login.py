"""Failed staff logins, one row each: what the login throttle (services.login_throttle)
counts to decide how long an address must wait before trying an account again.

The table is the shared state of every worker and every server on one database, so a
delay holds whichever process answers the next attempt. The account is kept as the
SHA-256 of the email typed (no stranger's typing is stored as text); rows older than a
day are deleted as new failures come in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class LoginFailure(db.Model):  # type: ignore[name-defined,misc]
    """One wrong email/password pair typed for `account` from `address`."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_pair", "account", "address", "failed_at"),
        Index("ix_login_failure_account", "account", "failed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: SHA-256 (hex) of the normalised email typed, whether or not such an account exists.
    account: Mapped[str] = mapped_column(String(64))
    #: The client's address (an IPv6 address by its /64 network).
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
