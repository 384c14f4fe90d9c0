"""`flask staff …` commands (stub until its owner fills it in)."""

from __future__ import annotations

from flask.cli import AppGroup

staff_cli = AppGroup("staff", help="staff commands.")
