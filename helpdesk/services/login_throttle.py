"""The staff login throttle: failed logins counted per account and address in the database
(models.LoginFailure), so a delay holds whichever worker or server answers next; the rules
are domain.login_delay's.

Why the database and not Flask-Limiter's storage: with the default `memory://` storage each
worker counts for itself (the issue's 7 accepted against a limit of 5) and a restart forgets
everything, while every worker of every server already shares the database. A failed login
already costs a deliberately slow password hash (scrypt, about 0.1 s), so one small insert
beside it is noise.
"""

from __future__ import annotations

import hashlib
import ipaddress
from datetime import datetime

from sqlalchemy import delete, func, select

from ..domain import login_delay
from ..domain.login_delay import Failures
from ..extensions import db
from ..models import LoginFailure
from ..models.types import utcnow
from .accounts import normalise_email


def account_key(email: str) -> str:
    """What the table keeps of the email typed: its SHA-256 (the same for any case/spaces)."""
    return hashlib.sha256(normalise_email(email)[:320].encode("utf-8", "replace")).hexdigest()


def address_key(address: str | None) -> str:
    """The client's address; an IPv6 address by its /64 (one subscriber's usual share)."""
    if not address:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def count_failures(email: str, address: str | None, *, now: datetime | None = None) -> Failures:
    """The failures that decide whether this attempt may go ahead (one statement)."""
    moment = now or utcnow()
    account = account_key(email)
    pair = LoginFailure.address == address_key(address)
    recent = LoginFailure.failed_at > moment - login_delay.ACCOUNT_WINDOW
    row = db.session.execute(
        select(
            func.count().filter(pair),
            func.max(LoginFailure.failed_at).filter(pair),
            func.count().filter(recent),
        ).where(
            LoginFailure.account == account,
            LoginFailure.failed_at > moment - login_delay.PAIR_WINDOW,
        )
    ).one()
    return Failures(pair=int(row[0]), pair_last=row[1], account=int(row[2]))


def seconds_to_wait(email: str, address: str | None, *, now: datetime | None = None) -> int:
    """Whole seconds before this address may try this account again (0: go ahead)."""
    moment = now or utcnow()
    return login_delay.seconds_to_wait(count_failures(email, address, now=moment), moment)


def record_failure(email: str, address: str | None, *, now: datetime | None = None) -> int:
    """Count one wrong email/password pair; returns the wait it sets for the next attempt.

    Rows older than the longest window are deleted in the same commit, so the table holds
    at most a day of failures (and of the addresses they came from)."""
    moment = now or utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= moment - _KEEP))
    db.session.add(
        LoginFailure(account=account_key(email), address=address_key(address), failed_at=moment)
    )
    db.session.commit()
    return seconds_to_wait(email, address, now=moment)


def forget_failures(email: str, address: str | None) -> None:
    """The right password came from this address: its earlier failures no longer count."""
    db.session.execute(
        delete(LoginFailure).where(
            LoginFailure.account == account_key(email),
            LoginFailure.address == address_key(address),
        )
    )
    db.session.commit()


_KEEP = max(login_delay.PAIR_WINDOW, login_delay.ACCOUNT_WINDOW)
