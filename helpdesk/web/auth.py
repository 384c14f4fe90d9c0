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
    """The logged-in staff member as Flask-Login sees them; get_id() is the session token.
    Made from what the session check reads (id, name, role): the Staff row is loaded only
    when a view asks for it (`staff`), since most pages need no more than those."""

    def __init__(self, who: accounts.SessionStaff, token: str, staff: Staff | None = None) -> None:
        self.who = who
        self.token = token
        self._staff = staff

    @classmethod
    def of(cls, staff: Staff, token: str) -> StaffPrincipal:
        """The principal of a Staff row just logged in."""
        return cls(accounts.SessionStaff.of(staff), token, staff)

    @property
    def staff(self) -> Staff:
        """The Staff row (loaded when first asked for)."""
        if self._staff is None:
            staff = accounts.get_staff(self.who.id)
            if staff is None:
                raise RuntimeError(f"staff member {self.who.id} of a live session is gone")
            self._staff = staff
        return self._staff

    @property
    def id(self) -> int:
        """The Staff row's id."""
        return self.who.id

    @property
    def name(self) -> str:
        """The staff member's name."""
        return self.who.name

    @property
    def role(self) -> str:
        """agent or manager."""
        return self.who.role

    @property
    def is_manager(self) -> bool:
        """Managers may do everything agents do, and more."""
        return self.who.is_manager

    @property
    def is_active(self) -> bool:
        """Only active accounts are loaded at all."""
        return self.who.active

    def get_id(self) -> str:
        """The session token (what the cookie carries)."""
        return self.token


def _load(token: str) -> StaffPrincipal | None:
    """Flask-Login's user loader: a live session's principal, else None."""
    who = accounts.find_session_staff(token)
    return StaffPrincipal(who, token) if who is not None else None


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
    """The logged-in Staff row (inside a staff_required view; loaded when first asked for:
    `current_user.id`, `.name` and `.is_manager` need no Staff row)."""
    if not current_user.is_authenticated:
        raise RuntimeError("current_staff() outside a staff_required view")
    return cast(StaffPrincipal, current_user).staff


def current_staff_id() -> int:
    """The logged-in staff member's id (inside a staff_required view), without the Staff row."""
    if not current_user.is_authenticated:
        raise RuntimeError("current_staff_id() outside a staff_required view")
    return cast(StaffPrincipal, current_user).id


# The loader and the handler are set once, on import: views/staff/ imports
# this module, so every app that registers the staff blueprints uses them. Remember-me
# cookies are never issued (login_user(remember=False) everywhere).
login_manager.user_loader(_load)
login_manager.unauthorized_handler(_unauthorized)
login_manager.login_view = "staff.login"
