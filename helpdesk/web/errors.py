"""Friendly error pages (and fragments for htmx) instead of stack traces; every unexpected
error logged with its traceback, refusals (403, 429, CSRF) as security events.

Under /staff the page keeps the staff layout (the inbox in the header, a way back to it);
elsewhere it is the public one.

A database that is busy beyond its timeout, full, read-only or unreachable is no bug: the
page answers 503 with Retry-After and says that nothing was saved (the transaction is
rolled back, with any file it wrote), and the error is logged with its traceback."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..database import retry_after, unavailable_reason
from ..extensions import db
from .security import security_event

log = logging.getLogger("helpdesk.errors")
#: Refusals worth a security line (404s are ordinary and stay out of it).
_SECURITY_CODES = {401: "unauthorized", 403: "forbidden", 429: "rate_limited"}
STAFF_LAYOUT, PUBLIC_LAYOUT = "staff/layout.html", "base.html"


def _render(code: int, error: Exception, **context: Any) -> str:
    """errors/error.html in the staff layout under /staff, else in the public one.

    The staff layout asks the database who is logged in: when the database is what failed
    (503), or asking fails, the public layout is used (an error page must not fail itself)."""
    staff = request.path == "/staff" or request.path.startswith("/staff/")
    if staff and code != 503:
        try:
            return render_template(
                "errors/error.html", code=code, error=error, layout=STAFF_LAYOUT, **context
            )
        except Exception:
            db.session.rollback()
            log.exception("the staff error page failed; showing the public one")
    return render_template(
        "errors/error.html", code=code, error=error, layout=PUBLIC_LAYOUT, **context
    )


def _page(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    if code in _SECURITY_CODES:
        security_event(_SECURITY_CODES[code], status=code, detail=error.description)
    return _render(code, error), code


def _csrf(error: CSRFError) -> tuple[str, int]:
    security_event("csrf_failed", status=400, detail=error.description)
    return _render(400, error, csrf=True), 400


def _unexpected(error: Exception) -> tuple[str, int]:
    db.session.rollback()
    log.error("unexpected error on %s %s", request.method, request.path, exc_info=error)
    return _page(InternalServerError())


def _database(error: DBAPIError) -> tuple[str, int] | Response:
    """503 with Retry-After when the database cannot take the work now; else a 500."""
    reason = unavailable_reason(error)
    if reason is None:
        if current_app.testing:
            raise error  # tests see the real error, as with every other one
        return _unexpected(error)
    db.session.rollback()
    log.error(
        "database unavailable (%s) on %s %s", reason, request.method, request.path, exc_info=error
    )
    page = _render(503, error, reason=reason)
    response = Response(page, status=503)
    response.headers["Retry-After"] = str(retry_after(reason))
    return response


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(DBAPIError, _database)
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _page)
    if not app.testing:
        app.register_error_handler(Exception, _unexpected)
