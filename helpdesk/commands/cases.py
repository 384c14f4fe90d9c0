"""`flask cases …` commands: closing quiet cases (for cron), checking the audit trail."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import AppGroup
from sqlalchemy import select
from tqdm import tqdm

from ..database.stats import refresh_statistics
from ..domain.audit_chain import ChainBreak
from ..domain.reference import format_reference, normalise_reference
from ..extensions import db
from ..models import Complaint
from ..models.types import utcnow
from ..services.audit_trail import (
    BrokenChain,
    chain_head,
    count_complaints,
    stored_events,
    verify_all,
    verify_complaint,
)
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


class BadInput(click.ClickException):
    """Bad input: one line on stderr ("Error: ..."), exit status 2, as click's own usage errors."""

    exit_code = 2


def parse_day(value: str | None, option: str) -> date | None:
    """An option's YYYY-MM-DD date (None when not given); BadInput naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{option} wants a date as YYYY-MM-DD, not {value!r}.") from None


@cases_cli.command("verify")
@click.argument("reference", required=False)
def verify_command(reference: str | None) -> None:
    """Recompute the audit trail's hash chains (all complaints, or the one REFERENCE);
    exit status 1 names every complaint whose chain is broken."""
    if reference is not None:
        _verify_one(reference)
        return
    total = count_complaints()
    with tqdm(
        total=total, desc="Verifying", unit="case", file=sys.stderr, disable=not total
    ) as bar:
        report = verify_all(progress=bar.update)
    for chain in report.broken:
        click.echo(_broken_line(chain))
    if report.intact:
        click.echo(f"All {report.complaints} audit chains intact.")
        return
    click.echo(
        f"{len(report.broken)} of {report.complaints} audit chains broken "
        f"({report.events} events checked)."
    )
    raise SystemExit(1)


def _verify_one(typed: str) -> None:
    """Check one complaint's chain and print its head and length; exit 1 when broken."""
    code = normalise_reference(typed)
    if code is None:
        raise BadInput(f"{typed!r} is not a reference code (XXXX-XXXX-XXXX).")
    complaint = db.session.scalar(select(Complaint).where(Complaint.reference == code))
    if complaint is None:
        raise BadInput(f"No complaint has the reference {format_reference(code)}.")
    shown = format_reference(code)
    breaks = verify_complaint(complaint)
    for item in breaks:
        click.echo(f"{shown}: {_reason(item)}")
    state = "broken" if breaks else "intact"
    count = len(stored_events(complaint.id))
    click.echo(f"{shown}: audit chain {state}, {count} events, head {chain_head(complaint)}")
    if breaks:
        raise SystemExit(1)


def _broken_line(chain: BrokenChain) -> str:
    """One line per broken complaint: its reference and the first reason."""
    line = f"{format_reference(chain.reference)}: {_reason(chain.breaks[0])}"
    more = len(chain.breaks) - 1
    return line + (f" (and {more} more)" if more else "")


def _reason(item: ChainBreak) -> str:
    """A break as the operator reads it: which event (when there is one) and why."""
    return f"event {item.event_id}: {item.reason}" if item.event_id else item.reason
