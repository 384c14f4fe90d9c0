"""Blueprint stub for 'resolution' (filled in by its owner)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("resolution", __name__, url_prefix="" or None)
