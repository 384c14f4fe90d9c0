"""Who is logged in on the staff side: the Flask-Login loader and the role decorators.

Flask-Login's user id IS the server-side session token (services.accounts); the loader
turns it back into a StaffPrincipal, or into nobody when the session was ended, went idle
or belongs to a deactivated account.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Response, abort, redirect, request, url_for
from flask_login import UserMixin, current_user

from ..extensions import login_manager
from ..models import Staff
from ..services import accounts
from . import is_htmx

F = TypeVar("F", bound=Callable[..., Any])


class StaffPrincipal(UserMixin):  # type: ignore[misc]
    """The logged-in staff member as Flask-Login sees them; get_id() is the session token."""

    def __init__(self, staff: Staff, token: str) -> None:
        self.staff = staff
        self.token = token

    @property
    def id(self) -> int:
        """The Staff row's id."""
        return int(self.staff.id)

    @property
    def name(self) -> str:
        """The staff member's name."""
        return str(self.staff.name)

    @property
    def role(self) -> str:
        """agent or manager."""
        return str(self.staff.role)

    @property
    def is_manager(self) -> bool:
        """Managers may do everything agents do, and more."""
        return bool(self.staff.is_manager)

    @property
    def is_active(self) -> bool:
        """Only active accounts are loaded at all."""
        return bool(self.staff.active)

    def get_id(self) -> str:
        """The session token (what the cookie carries)."""
        return self.token


def _load(token: str) -> StaffPrincipal | None:
    """Flask-Login's user loader: a live session's principal, else None."""
    staff = accounts.load_session(token)
    return StaffPrincipal(staff, token) if staff is not None else None


def is_safe_next(target: str | None) -> bool:
    """True for a local path only: one leading "/", no scheme, host, backslash or control chars."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def login_url(target: str | None = None) -> str:
    """/staff/login, with ?next= when `target` is a safe local path."""
    if is_safe_next(target):
        return url_for("staff.login", next=target)
    return url_for("staff.login")


def _unauthorized() -> Response:
    """Anonymous visitors go to the login page; htmx is told to load it as a whole page."""
    target = request.full_path if request.method == "GET" else request.path
    target = target.rstrip("?")
    location = login_url(target)
    if is_htmx():
        response = Response(status=401)
        response.headers["HX-Redirect"] = location
        return response
    return cast(Response, redirect(location))


def staff_required(view: F) -> F:
    """Only logged-in, active staff; anyone else is sent to the login page."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _unauthorized()
        return view(*args, **kwargs)

    return cast(F, wrapped)


def manager_required(view: F) -> F:
    """Only managers; agents get the 403 page."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _unauthorized()
        if not current_user.is_manager:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapped)


def current_staff() -> Staff:
    """The logged-in Staff row (inside a staff_required view)."""
    if not current_user.is_authenticated:
        raise RuntimeError("current_staff() outside a staff_required view")
    return cast(StaffPrincipal, current_user).staff


# The loader and the handler are set once, on import: views/staff/ imports
# this module, so every app that registers the staff blueprints uses them. Remember-me
# cookies are never issued (login_user(remember=False) everywhere).
login_manager.user_loader(_load)
login_manager.unauthorized_handler(_unauthorized)
login_manager.login_view = "staff.login"
