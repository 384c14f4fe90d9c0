"""Blueprint stub for 'public' (filled in by its owner)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="" or None)
