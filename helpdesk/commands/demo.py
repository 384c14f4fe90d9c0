"""`flask demo seed`: demo staff logins and realistic complaints for trying the helpdesk out,
and the 100,000-complaint data set of the benchmark."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import AppGroup
from tqdm import tqdm

from ..demo.seeding import SeedReport, demo_logins, is_empty, seed_demo

demo_cli = AppGroup("demo", help="Demo data: staff logins and complaints.")


def _parse_now(value: str | None) -> datetime | None:
    """--now as an aware UTC moment (a naive value is read as UTC)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO date and time: {value!r}") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _print_logins() -> None:
    """The demo staff logins, as people type them at /staff/login."""
    logins = demo_logins()
    if not logins:
        click.echo("There are no demo logins in this database.")
        return
    click.echo("Demo staff logins (at /staff/login):")
    for login, note in logins:
        extra = f"  ({note})" if note else ""
        click.echo(f"  {login.role:<8} {login.email:<24} password: {login.password}{extra}")


def _print_report(report: SeedReport) -> None:
    """One line of what was added, one of the statuses."""
    click.echo(
        f"Added {report.complaints:,} complaints with {report.messages:,} messages, "
        f"{report.events:,} audit events, {report.outcomes:,} outcomes, {report.ratings:,} "
        f"ratings and {report.attachments:,} attachments in {report.seconds:.1f} s."
    )
    statuses = ", ".join(f"{key} {value}" for key, value in sorted(report.by_status.items()))
    click.echo(f"By status: {statuses}.")
    if not report.reindexed:
        click.echo("Search index not rebuilt here: run `flask --app wsgi search reindex`.")


@demo_cli.command("seed")
@click.option(
    "--complaints",
    "count",
    type=click.IntRange(0, 2_000_000),
    default=60,
    show_default=True,
    help="How many complaints to add.",
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Only seed a database without complaints and staff (for `make run`).",
)
@click.option(
    "--seed",
    type=int,
    default=42,
    show_default=True,
    help="Random seed: the same seed gives the same data.",
)
@click.option(
    "--now",
    "now_text",
    metavar="ISO-DATETIME",
    help="Pretend it is this moment (default: now); dates are spread before it.",
)
@click.option("--no-reindex", is_flag=True, help="Skip rebuilding the search index at the end.")
@click.option(
    "--chunk-size",
    type=click.IntRange(100, 50_000),
    default=2000,
    show_default=True,
    help="Complaints per transaction.",
)
def seed_command(
    count: int,
    if_empty: bool,
    seed: int,
    now_text: str | None,
    no_reindex: bool,
    chunk_size: int,
) -> None:
    """Add demo staff logins and COMPLAINTS complaints with their whole history."""
    now = _parse_now(now_text)
    if if_empty and not is_empty():
        click.echo("The database already has data: nothing was added.")
        _print_logins()
        return
    quiet = count < 1000
    with (
        tqdm(total=count, unit="complaint", desc="Planning", disable=quiet) as planning,
        tqdm(total=count, unit="complaint", desc="Writing ", disable=quiet) as writing,
    ):
        bars = {"plan": planning, "write": writing}
        report = seed_demo(
            count,
            seed=seed,
            now=now,
            chunk_size=chunk_size,
            progress=lambda stage, done: bars[stage].update(done),
            reindex=not no_reindex,
        )
    _print_report(report)
    _print_logins()
