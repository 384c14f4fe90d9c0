"""`flask search …` commands (stub until its owner fills it in)."""

from __future__ import annotations

from flask.cli import AppGroup

search_cli = AppGroup("search", help="search commands.")
