"""Staff accounts and their server-side sessions: create, list, deactivate, passwords, login.

A logged-in browser holds only a random session token; the row in `staff_session` is the
truth. Logging out, deactivating an account or changing its password deletes rows, so a
copied cookie stops working at once. A session idle for IDLE_LIMIT ends by itself, and
every session ends STAFF_SESSION_HOURS after the login. The database keeps only the
tokens' SHA-256.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import String, bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..database.reads import read
from ..extensions import db
from ..models import ROLES, Staff, StaffSession
from ..models.types import utcnow

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
#: A session nobody used for this long is over (PRODUCT: staff sessions end after 12 h idle).
IDLE_LIMIT = timedelta(hours=12)
#: last_seen_at is written at most this often, so pages do not each cost a database write.
SEEN_EVERY = timedelta(minutes=5)
_EMAIL_RE = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")
_dummy_hash: str | None = None


class AccountError(ValueError):
    """A refused account change; the message is meant for people."""


def normalise_email(email: str) -> str:
    """Staff emails compare without case or surrounding spaces."""
    return email.strip().lower()


def hash_password(password: str) -> str:
    """scrypt hash of a password (werkzeug)."""
    return generate_password_hash(password, method="scrypt")


def check_password_rules(password: str) -> None:
    """Raise AccountError for a password that is too short (or absurdly long)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(
            _("The password must be at least %(num)d characters long.", num=MIN_PASSWORD)
        )
    if len(password) > MAX_PASSWORD:
        raise AccountError(_("The password is too long."))


def find_staff(email: str) -> Staff | None:
    """The account with this email (any case), active or not."""
    return db.session.scalar(select(Staff).where(func.lower(Staff.email) == normalise_email(email)))


def create_staff(email: str, name: str, role: str, password: str) -> Staff:
    """Create an active account; refuses a bad email, role or password and an existing email."""
    address = normalise_email(email)
    if not _EMAIL_RE.match(address) or len(address) > 320:
        raise AccountError(_("%(email)s is not a valid email address.", email=email))
    if role not in ROLES:
        raise AccountError(_("The role must be agent or manager."))
    if not name.strip() or len(name) > 200:
        raise AccountError(_("Please give a name of at most 200 characters."))
    check_password_rules(password)
    if find_staff(address) is not None:
        raise AccountError(_("There is already an account for %(email)s.", email=address))
    staff = Staff(
        email=address, name=name.strip(), role=role, password_hash=hash_password(password)
    )
    db.session.add(staff)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AccountError(_("There is already an account for %(email)s.", email=address)) from None
    return staff


def list_staff(*, active_only: bool = False) -> list[Staff]:
    """Every account (or only active ones), by name."""
    query = select(Staff).order_by(Staff.name, Staff.id)
    if active_only:
        query = query.where(Staff.active.is_(True))
    return list(db.session.scalars(query))


def _require(email: str) -> Staff:
    """The account for `email`, or AccountError."""
    staff = find_staff(email)
    if staff is None:
        raise AccountError(_("There is no account for %(email)s.", email=email))
    return staff


def deactivate_staff(email: str) -> Staff:
    """Switch an account off and end all its sessions (it is kept for the audit trail)."""
    staff = _require(email)
    staff.active = False
    db.session.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id))
    db.session.commit()
    return staff


def set_password(email: str, password: str) -> Staff:
    """Give an account a new password; every session it had ends."""
    staff = _require(email)
    check_password_rules(password)
    staff.password_hash = hash_password(password)
    db.session.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id))
    db.session.commit()
    return staff


def authenticate(email: str, password: str) -> Staff | None:
    """The active account for these credentials, else None.

    An unknown email still costs one hash check, so the time taken does not tell
    whether an address has an account.
    """
    staff = find_staff(email) if len(email) <= 320 else None
    if staff is None or not staff.active or len(password) > MAX_PASSWORD:
        check_password_hash(_dummy(), password[:MAX_PASSWORD])
        return None
    if not check_password_hash(staff.password_hash, password):
        return None
    return staff


def _dummy() -> str:
    """A hash to check unknown emails against, so they take as long as known ones."""
    global _dummy_hash  # computed once per process
    if _dummy_hash is None:
        _dummy_hash = hash_password(secrets.token_urlsafe(16))
    return _dummy_hash


def token_digest(token: str) -> str:
    """What the database keeps of a session token: its SHA-256, so a copy of the table (a
    backup, a leak) holds no cookie that logs anyone in."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def session_lifetime() -> timedelta:
    """How long a session lasts at most, however busy (STAFF_SESSION_HOURS, default 24)."""
    return timedelta(hours=int(current_app.config.get("STAFF_SESSION_HOURS", 24)))


def start_session(staff: Staff, *, now: datetime | None = None) -> str:
    """A new session for `staff` after a successful login; returns its token."""
    moment = now or utcnow()
    token = secrets.token_urlsafe(32)
    digest = token_digest(token)
    db.session.add(
        StaffSession(token=digest, staff_id=staff.id, created_at=moment, last_seen_at=moment)
    )
    staff.last_login_at = moment
    db.session.commit()
    return token


def end_session(token: str) -> None:
    """Log out: the session row is deleted, so the cookie is worthless from now on."""
    db.session.execute(delete(StaffSession).where(StaffSession.token == token_digest(token)))
    db.session.commit()


@dataclass(frozen=True, slots=True)
class SessionStaff:
    """Who a live session belongs to, as every staff page reads them (not an ORM object)."""

    id: int
    name: str
    role: str
    active: bool = True

    @classmethod
    def of(cls, staff: Staff) -> SessionStaff:
        """The same facts of a Staff row."""
        return cls(int(staff.id), str(staff.name), str(staff.role), bool(staff.active))

    @property
    def is_manager(self) -> bool:
        """As Staff.is_manager."""
        return self.role == "manager"


#: A session's times and its staff member's id, name, role and state, by token; built once
#: (it runs on every staff page). Plain columns: loading the session row and the Staff row
#: as ORM objects cost about three times as much, and most pages need neither.
_LIVE_SESSION = (
    select(
        StaffSession.created_at,
        StaffSession.last_seen_at,
        Staff.id,
        Staff.name,
        Staff.role,
        Staff.active,
    )
    .join(Staff, Staff.id == StaffSession.staff_id)
    .where(StaffSession.token == bindparam("token", type_=String))
)


def find_session_staff(token: str, *, now: datetime | None = None) -> SessionStaff | None:
    """Who the live session of `token` belongs to (an active account), else None (idle or
    expired sessions, and those of deactivated accounts, are ended here)."""
    if not token or len(token) > 64:
        return None
    digest = token_digest(token)
    row = read(_LIVE_SESSION, {"token": digest}).one_or_none()
    if row is None:
        return None
    created_at, last_seen_at, staff_id, name, role, active = row
    moment = now or utcnow()
    idle, age = moment - last_seen_at, moment - created_at
    if idle > IDLE_LIMIT or age > session_lifetime() or not active:
        db.session.execute(delete(StaffSession).where(StaffSession.token == digest))
        db.session.commit()
        return None
    if idle > SEEN_EVERY:
        seen = update(StaffSession).where(StaffSession.token == digest)
        db.session.execute(seen.values(last_seen_at=moment))
        db.session.commit()
    return SessionStaff(int(staff_id), str(name), str(role), bool(active))


def load_session(token: str, *, now: datetime | None = None) -> Staff | None:
    """The active staff member of a live session, else None (idle sessions are ended here)."""
    found = find_session_staff(token, now=now)
    return get_staff(found.id) if found is not None else None


def get_staff(staff_id: int) -> Staff | None:
    """The Staff row of this id."""
    return db.session.get(Staff, staff_id)
