"""`flask demo …` commands (stub until its owner fills it in)."""

from __future__ import annotations

from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="demo commands.")
