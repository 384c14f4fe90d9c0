"""Friendly error pages (and fragments for htmx) instead of stack traces."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db


def _page(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    return render_template("errors/error.html", code=code, error=error), code


def _csrf(error: CSRFError) -> tuple[str, int]:
    return render_template("errors/error.html", code=400, error=error, csrf=True), 400


def _unexpected(error: Exception) -> tuple[str, int]:
    db.session.rollback()
    return _page(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _page)
    if not app.testing:
        app.register_error_handler(Exception, _unexpected)
