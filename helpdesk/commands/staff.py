"""`flask staff …`: create accounts, list them, switch them off, set passwords.

Passwords are asked twice with hidden input, or read as one line from stdin with
--password-stdin (for scripts: `printf '%s\\n' "$PW" | flask --app wsgi staff create …`).
Refusals print a clear message and exit with status 1.
"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..models import ROLES
from ..services import accounts

staff_cli = AppGroup("staff", help="Staff accounts: create, list, deactivate, set-password.")


def _password(from_stdin: bool) -> str:
    """One line from stdin, or a hidden prompt asked twice."""
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password"))


def _fail(error: accounts.AccountError) -> None:
    """Print the refusal and exit with status 1."""
    click.echo(f"Error: {error}", err=True)
    raise SystemExit(1)


@staff_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The name colleagues see.")
@click.option("--role", type=click.Choice(ROLES), required=True, help="agent or manager.")
@click.option("--password-stdin", is_flag=True, help="Read the password as one line from stdin.")
def create(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create a staff account (passwords need at least 12 characters)."""
    if accounts.find_staff(email) is not None:
        _fail(accounts.AccountError(f"There is already an account for {email.strip().lower()}."))
    try:
        staff = accounts.create_staff(email, name, role, _password(password_stdin))
    except accounts.AccountError as error:
        _fail(error)
        return
    click.echo(f"Created {staff.role} {staff.name} <{staff.email}>.")


@staff_cli.command("list")
def list_() -> None:
    """Every account: email, name, role, active or not, last login."""
    people = accounts.list_staff()
    if not people:
        click.echo("No staff accounts yet. Create one with: flask --app wsgi staff create EMAIL …")
        return
    for person in people:
        state = "active" if person.active else "deactivated"
        last = person.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if person.last_login_at else "-"
        click.echo(f"{person.email}\t{person.name}\t{person.role}\t{state}\tlast login {last}")


@staff_cli.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Switch an account off and log it out everywhere (kept for the audit trail)."""
    try:
        staff = accounts.deactivate_staff(email)
    except accounts.AccountError as error:
        _fail(error)
        return
    click.echo(f"Deactivated {staff.name} <{staff.email}>; their sessions have ended.")


@staff_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password as one line from stdin.")
def set_password(email: str, password_stdin: bool) -> None:
    """Give an account a new password (all its sessions end)."""
    try:
        if accounts.find_staff(email) is None:
            raise accounts.AccountError(f"There is no account for {email}.")
        staff = accounts.set_password(email, _password(password_stdin))
    except accounts.AccountError as error:
        _fail(error)
        return
    click.echo(f"New password set for {staff.email}; their sessions have ended.")
