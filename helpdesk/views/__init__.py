"""Thin blueprints: parse the request, call a service, render."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint."""
    from . import auth, case_export, health, manager, public, resolution, staff

    for module in (health, public, resolution, auth, staff, manager, case_export):
        app.register_blueprint(module.bp)
