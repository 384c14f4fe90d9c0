"""`flask --app wsgi search …`: rebuild the index, check it against the database."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import AppGroup

from .base import CheckReport

search_cli = AppGroup("search", help="Search index commands.")


@search_cli.command("reindex")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def reindex_command(quiet: bool) -> None:
    """Rebuild the search index from the database (searches keep working meanwhile)."""
    from . import backend

    started = time.monotonic()
    try:
        count = backend().reindex(progress=not quiet)
    except RuntimeError as exc:
        click.echo(f"search reindex: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Indexed {count} complaints in {time.monotonic() - started:.1f} s.")


@search_cli.command("check")
@click.option("--fix", is_flag=True, help="Re-index what is missing or stale.")
def check_command(fix: bool) -> None:
    """Compare the index with the database; exit status 1 when something is off."""
    from . import backend

    report = backend().check(fix=False)
    _print(report)
    if report.ok:
        click.echo("The index matches the database.")
        return
    if not fix:
        click.echo("Run `flask --app wsgi search check --fix` (or `search reindex`) to repair it.")
        sys.exit(1)
    backend().check(fix=True)
    after = backend().check(fix=False)
    if not after.ok:
        _print(after)
        click.echo("Still not right after re-indexing: run `flask --app wsgi search reindex`.")
        sys.exit(1)
    click.echo("Fixed: the index matches the database again.")


def _print(report: CheckReport) -> None:
    """What a check found, in a few lines."""
    if report.problem:
        click.echo(f"Search index: {report.problem}.")
    else:
        click.echo(f"Checked {report.checked} complaints.")
    for label, ids in (
        ("missing from the index", report.missing),
        ("stale in the index", report.stale),
        ("in the index but not in the database", report.extra),
    ):
        if ids:
            shown = ", ".join(str(i) for i in ids[:20]) + (" …" if len(ids) > 20 else "")
            click.echo(f"{len(ids)} {label}: {shown}")
    if report.pending:
        click.echo(f"{report.pending} queued updates not yet in the index.")
