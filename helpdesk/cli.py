"""The `flask --app wsgi …` command groups, each defined beside the code it drives."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    """Attach every command group."""
    from .commands import backup, case_export  # noqa: F401 — add `db backup`, `cases export`
    from .commands.cases import cases_cli
    from .commands.demo import demo_cli
    from .commands.files import files_cli
    from .commands.privacy import privacy_cli
    from .commands.reports import reports_cli
    from .commands.staff import staff_cli
    from .mail.cli import mail_cli
    from .search.cli import search_cli

    groups = (staff_cli, demo_cli, cases_cli, mail_cli, search_cli, files_cli, privacy_cli,
              reports_cli)  # fmt: skip
    for group in groups:
        app.cli.add_command(group)
