"""Staff login and logout (/staff/login, /staff/logout): server-side sessions; the login
rate-limited per address (Flask-Limiter) and throttled per account and address with a
growing delay (services.login_throttle)."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Response,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ...extensions import limiter
from ...forms.staff import LoginForm
from ...models import Staff
from ...services import accounts, login_throttle
from ...web import render
from ...web.auth import StaffPrincipal, is_safe_next, staff_required
from ...web.security import security_event
from ...words.dates import duration
from .blueprint import bp


@bp.before_app_request
def _fresh_request_state() -> None:
    """Forget the user and CSRF token an earlier request cached on `g`.

    In production `g` is new for every request. When several requests share one app context
    (the test client inside a pushed context does), a cached user would skip the session-row
    check and a cached CSRF token would outlive the session cleared at login.
    """
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    g.pop("login_retry_after", None)


def _next_page(target: str | None) -> str:
    """Where to go after logging in: a safe local `next`, else the inbox."""
    return target if target and is_safe_next(target) else url_for("staff.inbox")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10/minute;60/hour", methods=["POST"])
def login() -> ResponseReturnValue:
    """Show the login form; on good credentials start a new session and go on."""
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(_next_page(request.args.get("next")))
        wanted = request.args.get("next")
        form.next.data = wanted if is_safe_next(wanted) else ""
    if form.validate_on_submit():
        email, address = form.email.data or "", request.remote_addr
        wait = _throttled(email, address)
        if wait:
            return _too_soon(form, wait)
        staff = accounts.authenticate(email, form.password.data or "")
        if staff is not None:
            login_throttle.forget_failures(email, address)
            _start(staff)
            return redirect(_next_page(form.next.data))
        _failed(email, address)
        form.form_errors.append(_("The email address or password is not correct."))
    return render("staff/login.html", form=form), 200


def _throttled(email: str, address: str | None) -> int:
    """Seconds this address must still wait before trying this account (0 when limits are off)."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return 0
    return login_throttle.seconds_to_wait(email, address)


def _failed(email: str, address: str | None) -> None:
    """Count a wrong email/password pair and log it with the wait it sets."""
    wait = 0
    if current_app.config["RATELIMIT_ENABLED"]:
        wait = login_throttle.record_failure(email, address)
    security_event("login_failed", email=email[:254], wait=wait)


def _too_soon(form: LoginForm, wait: int) -> ResponseReturnValue:
    """429 with the form, a message beside it and Retry-After (nothing was checked)."""
    security_event("login_throttled", email=(form.email.data or "")[:254], retry_after=wait)
    period = duration(timedelta(seconds=wait))
    form.form_errors.append(
        _(
            "Too many failed logins for this account from your address. "
            "Please wait %(period)s and try again.",
            period=period,
        )
    )
    g.login_retry_after = wait
    return render("staff/login.html", form=form), 429, {"Retry-After": str(wait)}


def _keep_retry_after(response: Response) -> Response:
    """The throttle's Retry-After, as the last word: Flask-Limiter's header hook (registered
    earlier, so it runs later) would replace it with its own window's reset, up to a minute
    for a wait of two seconds."""
    wait = g.get("login_retry_after")
    if wait and response.status_code == 429:
        response.headers["Retry-After"] = str(wait)
    return response


@bp.record_once
def _register_last_hook(state: BlueprintSetupState) -> None:
    # after_request hooks run in reverse order of registration: first in the list runs last.
    state.app.after_request_funcs.setdefault(None, []).insert(0, _keep_retry_after)


def _start(staff: Staff) -> None:
    """A brand-new session (nothing from before the login survives but the language)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    token = accounts.start_session(staff)
    login_user(StaffPrincipal.of(staff, token), remember=False)


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
    return redirect(url_for("staff.login"))
