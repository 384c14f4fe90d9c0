"""The `flask --app wsgi …` command groups, each defined beside the code it drives, and
Flask-Migrate's `flask db`: attached the first time a command is looked up.

A web worker never runs a command, but attaching them imported every command module and
Flask-Migrate with Alembic, Mako and Pygments: about 15 MB of each worker's memory
(docs/performance.md, "Page speed, eighth session"). `flask --help`, any `flask …` command
and `app.test_cli_runner()` look the commands up, so they attach them first; code that asks
for `app.extensions["migrate"]` (flask_migrate.upgrade, migrations/env.py) attaches them too.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from .config import ROOT


class _Commands(AppGroup):
    """The app's `app.cli`: its command groups attached on the first look-up."""

    def __init__(self, app: Flask) -> None:
        super().__init__(app.name)
        self._app = app
        self._attached = False

    def attach(self) -> None:
        """Flask-Migrate's `db` group and every command group of the helpdesk (once)."""
        if self._attached:
            return
        self._attached = True
        from flask_migrate import Migrate

        from .extensions import db

        Migrate(self._app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
        register_commands(self._app)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, after attaching them all."""
        self.attach()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, after attaching them all."""
        self.attach()
        return super().list_commands(ctx)


class _MigrateOnDemand:
    """`app.extensions["migrate"]` until the commands are attached; Flask-Migrate then puts
    its own there, which every attribute read here is passed on to."""

    def __init__(self, app: Flask, commands: _Commands) -> None:
        self._app = app
        self._commands = commands

    def __getattr__(self, name: str) -> Any:
        self._commands.attach()
        real = self._app.extensions["migrate"]
        if real is self:
            raise AttributeError(name)
        return getattr(real, name)


def init_app(app: Flask) -> None:
    """Make `app.cli` attach the commands when first asked for one."""
    commands = _Commands(app)
    commands.commands.update(app.cli.commands)
    app.cli = commands
    app.extensions["migrate"] = _MigrateOnDemand(app, commands)


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
