"""Blueprint stub for 'manager' (filled in by its owner)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("manager", __name__, url_prefix="/staff/manage" or None)
