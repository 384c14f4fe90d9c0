"""`flask mail …` commands (stub until its owner fills it in)."""

from __future__ import annotations

from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="mail commands.")
