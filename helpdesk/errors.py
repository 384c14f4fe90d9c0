"""Friendly error pages (and fragments for htmx) instead of stack traces; every unexpected
error logged with its traceback, refusals (403, 429, CSRF) as security events."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db
from .security import security_event

log = logging.getLogger("helpdesk.errors")
#: Refusals worth a security line (404s are ordinary and stay out of it).
_SECURITY_CODES = {401: "unauthorized", 403: "forbidden", 429: "rate_limited"}


def _page(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    if code in _SECURITY_CODES:
        security_event(_SECURITY_CODES[code], status=code, detail=error.description)
    return render_template("errors/error.html", code=code, error=error), code


def _csrf(error: CSRFError) -> tuple[str, int]:
    security_event("csrf_failed", status=400, detail=error.description)
    return render_template("errors/error.html", code=400, error=error, csrf=True), 400


def _unexpected(error: Exception) -> tuple[str, int]:
    db.session.rollback()
    log.error("unexpected error on %s %s", request.method, request.path, exc_info=error)
    return _page(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _page)
    if not app.testing:
        app.register_error_handler(Exception, _unexpected)
