"""`flask privacy …`: a person's data exported or erased (GDPR), closed cases purged after the
retention period, and a manager's legal hold.

    flask --app wsgi privacy export EMAIL --out PATH [--without-internal-notes]
    flask --app wsgi privacy erase EMAIL [--dry-run]
    flask --app wsgi privacy purge [--older-than DAYS] [--dry-run]
    flask --app wsgi privacy hold REF --reason TEXT
    flask --app wsgi privacy release REF

Cases in mediation, under a legal hold or within LEGAL_HOLD_DAYS of the shop's last answer
are kept and listed with the reason. Bad input is one line and exit status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from tqdm import tqdm

from ..domain.reference import format_reference, normalise_reference
from ..domain.retention import MANUAL, MEDIATION, OPEN, WINDOW, Hold, looks_like_email
from ..extensions import db
from ..models import Complaint
from ..models.types import utcnow
from ..services.privacy import (
    PrivacyReport,
    Removed,
    erase_person,
    purge,
    purge_candidates,
)
from ..services.privacy_export import ExportPathError, collect, write_export
from ..services.privacy_lookup import find_cases, release_legal_hold, set_legal_hold
from .cases import BadInput

privacy_cli = AppGroup("privacy", help="Export or erase a person's data; purge old cases.")


def _email(typed: str) -> str:
    if not looks_like_email(typed):
        raise BadInput(f"{typed!r} is not an email address.")
    return typed.strip()


def _bar(total: int, desc: str) -> tqdm:
    return tqdm(total=total, desc=desc, unit="case", file=sys.stderr, disable=total < 2)


@privacy_cli.command("export")
@click.argument("email")
@click.option("--out", required=True, metavar="PATH", help="The ZIP file to write.")
@click.option(
    "--without-internal-notes",
    is_flag=True,
    help="Leave staff-only notes out (when they would reveal others' data or a legal defence).",
)
def export_command(email: str, out: str, without_internal_notes: bool) -> None:
    """Write everything held about EMAIL to a ZIP: data.json, their files, README.txt."""
    address, target = _email(email), Path(out)
    try:
        person = collect(address, internal_notes=not without_internal_notes)
        with tqdm(
            total=len(person.members),
            desc="Exporting",
            unit="file",
            file=sys.stderr,
            disable=len(person.members) < 2,
        ) as bar:
            summary = write_export(person, target, progress=bar.update)
    except ExportPathError as exc:
        raise BadInput(str(exc)) from None
    if not summary.complaints and not person.members and not _has_other(person.data):
        click.echo(f"No personal data held for {address}; {target} says so.")
    click.echo(
        f"Wrote {target}: {summary.complaints} complaint(s), {summary.files} file(s), "
        f"{summary.size:,} bytes."
    )


def _has_other(data: dict[str, object]) -> bool:
    return bool(data.get("other_emails_to_you") or data.get("quarantined_emails_from_you"))


@privacy_cli.command("erase")
@click.argument("email")
@click.option("--dry-run", is_flag=True, help="Only list what would be erased.")
def erase_command(email: str, dry_run: bool) -> None:
    """Erase EMAIL's personal data from every case no legal hold keeps (anonymised for the
    statistics), their files, raw emails, outbox emails and the search index."""
    address = _email(email)
    with _bar(len(find_cases(address)), "Erasing") as bar:
        report = erase_person(address, dry_run=dry_run, progress=bar.update)
    if not report.found_anything:
        click.echo(f"No personal data held for {address} (nothing to erase, or erased already).")
        return
    _print(report)


@privacy_cli.command("purge")
@click.option(
    "--older-than",
    "days",
    default=None,
    metavar="DAYS",
    help="Cases closed more than DAYS days ago (default: HELPDESK_RETENTION_DAYS).",
)
@click.option("--dry-run", is_flag=True, help="Only list what would be anonymised.")
def purge_command(days: str | None, dry_run: bool) -> None:
    """Anonymise closed cases past the retention period (cases on hold are kept and listed)."""
    older_than = _days(days)
    with _bar(len(purge_candidates(older_than, utcnow())), "Purging") as bar:
        report = purge(older_than, dry_run=dry_run, progress=bar.update)
    _print(report)


def _days(typed: str | None) -> int:
    """--older-than as a number of days (else HELPDESK_RETENTION_DAYS); BadInput otherwise."""
    if typed is None:
        setting = current_app.config.get("RETENTION_DAYS")
        if setting is None:
            raise BadInput("Give --older-than DAYS (HELPDESK_RETENTION_DAYS is off).")
        return int(setting)
    try:
        days = int(typed)
    except ValueError:
        raise BadInput(f"--older-than wants a number of days, not {typed!r}.") from None
    if days < 0:
        raise BadInput(f"--older-than wants a number of days of 0 or more, not {days}.")
    return days


def _print(report: PrivacyReport) -> None:
    """One line per case, then the totals."""
    verb = "would erase" if report.dry_run else "erased"
    for case in report.erased:
        click.echo(f"{verb} {case.reference}: {_removed(case.removed or Removed())}")
    for case in report.kept:
        if case.hold is not None:
            click.echo(f"kept {case.reference}: {hold_text(case.hold)}")
    for reference in report.skipped:
        click.echo(f"skipped {reference}: changed while erasing; run the command again")
    other = report.other
    if other.outbox or other.quarantined:
        click.echo(f"{verb} {other.outbox} other email(s) to and {other.quarantined} "
                   "quarantined email(s) from this address")  # fmt: skip
    done = "would be erased" if report.dry_run else "erased"
    summary = f"{len(report.erased)} case(s) {done}, {len(report.kept)} kept"
    if report.skipped:
        summary += f", {len(report.skipped)} skipped"
    click.echo(summary + (" (dry run: nothing changed)." if report.dry_run else "."))
    if not report.index_files_clean:
        click.echo(
            "The search index was busy: its files keep the erased words (not searchable) "
            "until the next erase or purge, or `flask search reindex`."
        )


def _removed(removed: Removed) -> str:
    return (
        f"{removed.texts} text(s), {removed.files} file(s), {removed.raw_emails} raw email(s), "
        f"{removed.outbox} outbox email(s), {removed.events} audit event(s) redacted"
    )


def hold_text(hold: Hold) -> str:
    """Why a case is kept, as the operator reads it."""
    if hold.kind == OPEN:
        return f"still being handled ({hold.about}); erase it once it is resolved or closed"
    if hold.kind == MEDIATION:
        return f"in mediation ({hold.about}, no decision yet)"
    if hold.kind == MANUAL:
        return f"legal hold: {hold.about} (lift it with `privacy release`)"
    if hold.kind == WINDOW:
        return (
            f"within the legal hold period until {hold.until} (counted from {hold.about}, "
            "the last answer or decision; HELPDESK_LEGAL_HOLD_DAYS)"
        )
    return hold.kind


def _complaint(typed: str) -> Complaint:
    code = normalise_reference(typed)
    if code is None:
        raise BadInput(f"{typed!r} is not a reference code (XXXX-XXXX-XXXX).")
    complaint: Complaint | None = db.session.scalar(
        select(Complaint).where(Complaint.reference == code)
    )
    if complaint is None:
        raise BadInput(f"No complaint has the reference {format_reference(code)}.")
    return complaint


@privacy_cli.command("hold")
@click.argument("reference")
@click.option("--reason", required=True, help="Why the case must be kept (a court case...).")
def hold_command(reference: str, reason: str) -> None:
    """Keep the case REFERENCE from erase and purge until released."""
    complaint = _complaint(reference)
    if not reason.strip():
        raise BadInput("--reason must say why the case is kept.")
    set_legal_hold(complaint, reason)
    click.echo(f"{complaint.display_reference}: legal hold set ({complaint.legal_hold}).")


@privacy_cli.command("release")
@click.argument("reference")
def release_command(reference: str) -> None:
    """Lift the legal hold of the case REFERENCE."""
    complaint = _complaint(reference)
    if release_legal_hold(complaint):
        click.echo(f"{complaint.display_reference}: legal hold lifted.")
    else:
        click.echo(f"{complaint.display_reference}: had no legal hold.")
