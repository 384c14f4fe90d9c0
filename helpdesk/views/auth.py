"""Staff login and logout (/staff/login, /staff/logout): server-side sessions, rate limited."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..auth import StaffPrincipal, is_safe_next, staff_required
from ..extensions import limiter
from ..forms.staff import LoginForm
from ..models import Staff
from ..security import security_event
from ..services import accounts
from ..web import render

bp = Blueprint("auth", __name__, url_prefix="/staff")


@bp.before_app_request
def _fresh_request_state() -> None:
    """Forget the user and CSRF token an earlier request cached on `g`.

    In production `g` is new for every request. When several requests share one app context
    (the test client inside a pushed context does), a cached user would skip the session-row
    check and a cached CSRF token would outlive the session cleared at login.
    """
    g.pop("_login_user", None)
    g.pop("csrf_token", None)


def _email_key() -> str:
    """Rate-limit key for one account: the email typed (so one address cannot be hammered)."""
    return "staff-login:" + accounts.normalise_email(str(request.form.get("email", "")))[:320]


def _next_page(target: str | None) -> str:
    """Where to go after logging in: a safe local `next`, else the inbox."""
    return target if target and is_safe_next(target) else url_for("staff.inbox")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
@limiter.limit("20/hour", methods=["POST"], key_func=_email_key)
def login() -> ResponseReturnValue:
    """Show the login form; on good credentials start a new session and go on."""
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(_next_page(request.args.get("next")))
        wanted = request.args.get("next")
        form.next.data = wanted if is_safe_next(wanted) else ""
    if form.validate_on_submit():
        staff = accounts.authenticate(form.email.data or "", form.password.data or "")
        if staff is not None:
            _start(staff)
            return redirect(_next_page(form.next.data))
        security_event("login_failed", email=(form.email.data or "")[:254])
        form.form_errors.append(_("The email address or password is not correct."))
    return render("staff/login.html", form=form), 200


def _start(staff: Staff) -> None:
    """A brand-new session (nothing from before the login survives but the language)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    token = accounts.start_session(staff)
    login_user(StaffPrincipal(staff, token), remember=False)


@bp.post("/logout")
@staff_required
def logout() -> ResponseReturnValue:
    """End the session: its row is deleted, so a copy of the cookie no longer works either."""
    accounts.end_session(current_user.get_id())
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    flash(_("You are logged out."), "success")
    return redirect(url_for("auth.login"))
