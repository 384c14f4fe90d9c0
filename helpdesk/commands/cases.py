"""`flask cases …` commands (stub until its owner fills it in)."""

from __future__ import annotations

from flask.cli import AppGroup

cases_cli = AppGroup("cases", help="cases commands.")
