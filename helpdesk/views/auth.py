"""Blueprint stub for 'auth' (filled in by its owner)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/staff" or None)
