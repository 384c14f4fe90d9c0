"""`flask cases …` commands: closing quiet cases (for cron)."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from tqdm import tqdm

from ..db_stats import refresh_statistics
from ..domain.reference import format_reference
from ..extensions import db
from ..models import Complaint
from ..models.types import utcnow
from ..services.closing import close_idle, closing_rule, find_idle

cases_cli = AppGroup("cases", help="Work on many complaints at once.")


@cases_cli.command("close-idle")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Close after this many days without activity (default: CLOSE_AFTER_DAYS, 14).",
)
@click.option("--dry-run", is_flag=True, help="Only list what would be closed.")
def close_idle_command(days: int | None, dry_run: bool) -> None:
    """Close quiet resolved and final complaints (resolved ones after their review period),
    then refresh the database's planner statistics."""
    rule = closing_rule(days)
    now = utcnow()
    ids = find_idle(rule, now)
    if dry_run:
        for complaint_id in ids:
            complaint = db.session.get(Complaint, complaint_id)
            if complaint is not None:
                click.echo(
                    f"would close {format_reference(complaint.reference)} ({complaint.status})"
                )
        click.echo(f"{len(ids)} complaint(s) would be closed (dry run, nothing changed).")
        return
    closed: list[str] = []
    skipped = 0
    with tqdm(
        total=len(ids),
        desc="Closing",
        unit="case",
        file=sys.stderr,
        disable=not ids,
    ) as bar:
        for _id, complaint in close_idle(ids, rule, now):
            if complaint is None:
                skipped += 1
            else:
                closed.append(format_reference(complaint.reference))
            bar.update(1)
    for reference in closed:
        click.echo(f"closed {reference}")
    summary = f"{len(closed)} complaint(s) closed"
    if skipped:
        summary += f", {skipped} skipped (changed meanwhile)"
    click.echo(summary + ".")
    # The nightly job also keeps the planner statistics fresh as the shop grows (SQLite
    # gathers none by itself; the inbox's first page depends on them).
    refresh_statistics()
