"""Full-text search: a small backend interface (stub until the search work lands)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Hook indexing to commits (none yet)."""


def health() -> str:
    """'ok' when the index answers."""
    return "ok"
