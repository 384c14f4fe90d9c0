"""`flask mail …`: drain the outbox (`send [--loop]`), take email in (`ingest [--maildir]`),
look after the outbox (`status`, `retry`).

Exit codes of `ingest` follow sysexits.h, as mail servers expect from a pipe: 0 accepted
(stored, already stored, or deliberately ignored), 65 no message on stdin, 75 temporary
failure (database unreachable or an unexpected error): the mail server keeps the message
and tries again later, so nothing is lost.
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click
from flask.cli import AppGroup

from ..extensions import db
from ..outbox.queue import list_unsent, outbox_counts, requeue
from .inbound import TEMPORARY_ERRORS, ingest_message
from .maildir import ingest_maildir
from .sender import SendReport, send_pending
from .smtp import SMTPConfigError

EX_DATAERR = 65
EX_TEMPFAIL = 75

mail_cli = AppGroup("mail", help="Send queued emails and take in emails from customers.")


@mail_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep draining until interrupted (Ctrl-C or SIGTERM).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between drains with --loop.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Most emails per drain.",
)
def send_command(loop: bool, interval: float, limit: int) -> None:
    """Send the emails waiting in the outbox (a server that is down is not an error)."""
    if not loop:
        report = _drain(limit)
        if report is None:
            raise SystemExit(EX_TEMPFAIL)
        click.echo(report.summary())
        return
    click.echo(f"Sending every {interval:g} s; Ctrl-C to stop.")
    last_error: str | None = None
    with _sigterm_as_interrupt():
        try:
            while True:
                report = _drain(limit, quiet_error=last_error)
                if report is None:
                    last_error = "database"
                elif report.sent or report.failed:  # only a real try tells whether it is over
                    last_error = report.error
                if report and (report.sent or report.failed):
                    click.echo(f"{time.strftime('%H:%M:%S')} {report.summary()}")
                if not report or report.sent < limit:  # a full batch: go on at once
                    time.sleep(interval)
        except KeyboardInterrupt:
            click.echo("Stopped.")


def _drain(limit: int, *, quiet_error: str | None = None) -> SendReport | None:
    """One drain; problems go to stderr (each outage once in a loop); None when the DB is down."""
    try:
        report = send_pending(limit=limit)
    except SMTPConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except TEMPORARY_ERRORS as exc:
        db.session.rollback()
        if quiet_error != "database":
            click.echo(f"Database unavailable, nothing sent: {exc.__class__.__name__}", err=True)
        return None
    finally:
        db.session.remove()
    if report.error and report.error != quiet_error:
        click.echo(f"{report.error}; {report.waiting} emails wait for the next run.", err=True)
    return report


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Let `kill` (SIGTERM, as from systemd) end the loop like Ctrl-C, between two sends."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@mail_cli.command("ingest")
@click.option(
    "--maildir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Process the Maildir at PATH instead of one message on stdin.",
)
def ingest_command(maildir: Path | None) -> None:
    """Take in one email from stdin (as an MTA pipe), or every new message of a Maildir."""
    if maildir is not None:
        _ingest_maildir(maildir)
        return
    raw = sys.stdin.buffer.read()
    if not raw.strip():
        click.echo("No message on stdin.", err=True)
        raise SystemExit(EX_DATAERR)
    try:
        result = ingest_message(raw)
    except TEMPORARY_ERRORS as exc:
        db.session.rollback()
        click.echo(f"Database unavailable, try again later: {exc.__class__.__name__}", err=True)
        raise SystemExit(EX_TEMPFAIL) from None
    except Exception as exc:  # noqa: BLE001 — keep the message with the MTA rather than lose it
        db.session.rollback()
        click.echo(f"Could not take in the message, try again later: {exc!r}", err=True)
        raise SystemExit(EX_TEMPFAIL) from None
    click.echo(result.summary())


def _ingest_maildir(path: Path) -> None:
    """Process a Maildir with a progress bar; 75 when the database went away mid-run."""
    try:
        report = ingest_maildir(path)
    except FileNotFoundError as exc:
        raise click.BadParameter(str(exc), param_hint="--maildir") from None
    except TEMPORARY_ERRORS as exc:
        click.echo(f"Database unavailable, the rest waits: {exc.__class__.__name__}", err=True)
        raise SystemExit(EX_TEMPFAIL) from None
    click.echo(report.summary())
    for line in report.errors:
        click.echo(f"error: {line}", err=True)
    if report.errors:
        raise SystemExit(1)


@mail_cli.command("status")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
def status_command(limit: int) -> None:
    """Counts of waiting, sent and failed emails, and the ones not sent with their last error."""
    counts = outbox_counts()
    click.echo(f"waiting {counts['waiting']}, sent {counts['sent']}, failed {counts['failed']}")
    for email in list_unsent(limit):
        state = "FAILED" if email.failed_at else f"next try {email.next_attempt_at:%Y-%m-%d %H:%M}Z"
        click.echo(
            f"#{email.id} {email.kind} to {email.to_addr}: {state}, {email.attempts} attempts"
            + (f" — {email.last_error}" if email.last_error else "")
        )


@mail_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all-failed", is_flag=True, help="Every email that was given up.")
def retry_command(ids: tuple[int, ...], all_failed: bool) -> None:
    """Send given-up emails again (by id, or --all-failed) at the next `mail send`."""
    if not ids and not all_failed:
        raise click.UsageError("name email ids or use --all-failed")
    click.echo(f"{requeue(ids, all_failed=all_failed)} emails queued again.")
