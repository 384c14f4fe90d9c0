"""Blueprint stub for 'staff' (filled in by its owner)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff" or None)
