"""`flask --app wsgi search …`: rebuild the index, check it against the database, and run
the background indexer that applies queued changes."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

import click
from flask.cli import AppGroup

from .base import CheckReport

if TYPE_CHECKING:
    from .indexing.indexer import Indexer

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


@search_cli.command("indexer")
@click.option("--once", is_flag=True, help="Apply what is queued now, then exit.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.01),
    default=0.2,
    show_default=True,
    help="Seconds between looks at an empty queue.",
)
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Most queued changes per index commit.",
)
@click.option("--quiet", is_flag=True, help="No progress bar with --once.")
def indexer_command(once: bool, interval: float, batch: int, quiet: bool) -> None:
    """Apply queued changes to the search index (one per deployment), until SIGTERM or
    Ctrl-C; with --once, what is queued now, then exit (1 when changes had to stay queued)."""
    from ..extensions import db
    from . import backend
    from .indexing.indexer import Indexer
    from .indexing.queue import state

    indexer = Indexer(backend(), db.engine, batch=batch, interval=interval)
    if once:
        with db.engine.connect() as conn:
            queued = state(conn).rows
        _run_once(indexer, queued, quiet)
        return
    click.echo(f"Indexing queued changes (every {interval:g} s when idle); Ctrl-C to stop.")
    stop = threading.Event()
    with _stop_on_signals(stop):
        indexer.run(stop)
    click.echo("Stopped.")


def _run_once(indexer: Indexer, queued: int, quiet: bool) -> None:
    """--once: drain with a progress bar; exit 1 with one line when changes had to stay."""
    from tqdm import tqdm

    started = time.monotonic()
    with tqdm(total=queued, unit="change", disable=quiet, desc="search indexer") as bar:
        indexer.on_batch = lambda outcome: bar.update(outcome.rows)
        applied = indexer.drain()
    click.echo(f"Applied {applied} queued changes in {time.monotonic() - started:.1f} s.")
    if indexer.stuck:
        click.echo(
            "search indexer: changes stay queued: the index is missing or broken, or the "
            "database is unavailable (see the log); `flask --app wsgi search reindex` "
            "mends the index.",
            err=True,
        )
        sys.exit(1)


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM (systemd, make run's trap) and SIGINT (Ctrl-C) end the loop between batches."""

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
