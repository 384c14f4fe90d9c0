"""`flask cases export`: one evidence bundle (ZIP) per matching case, for mediation or a lawyer.

    flask --app wsgi cases export [--ref REF] [--status S] [--category C]
                                  [--from DATE] [--to DATE] [--internal] --out DIR

Dates are the day the complaint was received, in shop time, both ends included. Bundles are
written as evidence-REF.zip (…-internal.zip with --internal) next to a `.part` name first, so
DIR never holds half a ZIP; one that is already there is replaced.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import click
from flask import current_app
from sqlalchemy import select
from tqdm import tqdm

from ..clock import shop_timezone
from ..documents.bundle import bundle_name, evidence_bundle, write_bundle
from ..documents.casefile import case_file_pdf, file_name
from ..domain.lifecycle import Status
from ..domain.reference import format_reference, normalise_reference
from ..extensions import db
from ..labels import CATEGORIES
from ..models import Complaint
from ..services.casefile import load_case_file
from .cases import BadInput, cases_cli


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{option} wants a date as YYYY-MM-DD, not {value!r}.") from None


def _checked(
    ref: str | None, status: str | None, category: str | None, start: date | None, end: date | None
) -> str | None:
    """The normalised reference; raises BadInput for anything that can never match."""
    code = None
    if ref is not None:
        code = normalise_reference(ref)
        if code is None:
            raise BadInput(f"{ref!r} is not a reference code (XXXX-XXXX-XXXX).")
    if status is not None and status not in {s.value for s in Status}:
        raise BadInput(f"Unknown status {status!r}; one of: {', '.join(s.value for s in Status)}.")
    if category is not None and category not in CATEGORIES:
        raise BadInput(f"Unknown category {category!r}; one of: {', '.join(CATEGORIES)}.")
    if start is not None and end is not None and start > end:
        raise BadInput(f"--from {start} is after --to {end}.")
    return code


def matching_references(
    code: str | None, status: str | None, category: str | None, start: date | None, end: date | None
) -> list[str]:
    """The references of the cases to export, oldest first."""
    query = select(Complaint.reference).order_by(Complaint.received_at, Complaint.id)
    if code is not None:
        query = query.where(Complaint.reference == code)
    if status is not None:
        query = query.where(Complaint.status == status)
    if category is not None:
        query = query.where(Complaint.category == category)
    zone = shop_timezone()
    if start is not None:
        query = query.where(Complaint.received_at >= datetime.combine(start, time.min, zone))
    if end is not None:
        after = datetime.combine(end, time.max, zone)
        query = query.where(Complaint.received_at <= after)
    return list(db.session.scalars(query))


def _out_dir(out: str) -> Path:
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"Cannot use {out!r} as the output folder: {exc.strerror}.") from None
    if not folder.is_dir():
        raise BadInput(f"{out!r} is not a folder.")
    return folder


def export_one(reference: str, folder: Path, internal: bool) -> Path:
    """Write the bundle of one case; returns its path."""
    case = load_case_file(reference, internal=internal)
    if case is None:  # deleted since the list was made
        raise LookupError(reference)
    target = folder / bundle_name(case)
    write_bundle(target, evidence_bundle(case, case_file_pdf(case), file_name(case)))
    return target


#: A worker process's own app and job (set by _start_worker in each child).
_WORKER: dict[str, Any] = {}


def _start_worker(config: dict[str, Any], folder: Path, internal: bool) -> None:
    """A forked worker builds its own app (its own database connections) and keeps it."""
    from .. import create_app

    app = create_app(config)
    app.app_context().push()
    _WORKER.update(folder=folder, internal=internal)


def _export_in_worker(reference: str) -> bool:
    return _export(reference, _WORKER["folder"], _WORKER["internal"])


def _export(reference: str, folder: Path, internal: bool) -> bool:
    try:
        export_one(reference, folder, internal)
    except LookupError:
        return False
    return True


def export_all(references: list[str], folder: Path, internal: bool, jobs: int) -> int:
    """Write every bundle, in `jobs` processes; returns how many were written."""
    written = 0
    bar = tqdm(
        total=len(references),
        desc="Exporting",
        unit="case",
        file=sys.stderr,
        disable=not references,
    )
    with bar:
        if jobs <= 1 or len(references) < 2 * jobs:
            for reference in references:
                written += _export(reference, folder, internal)
                bar.update(1)
            return written
        context = multiprocessing.get_context("fork")
        setup = (dict(current_app.config), folder, internal)
        with context.Pool(jobs, _start_worker, setup) as pool:
            for done in pool.imap_unordered(_export_in_worker, references, chunksize=4):
                written += done
                bar.update(1)
    return written


@cases_cli.command("export")
@click.option("--ref", "ref", help="Only this reference code.")
@click.option("--status", help="Only cases in this status (e.g. final).")
@click.option("--category", help="Only cases of this category (e.g. physical).")
@click.option("--from", "start", metavar="DATE", help="Received on or after (YYYY-MM-DD).")
@click.option("--to", "end", metavar="DATE", help="Received on or before (YYYY-MM-DD).")
@click.option("--internal", is_flag=True, help="The internal version, with internal notes.")
@click.option("--out", required=True, metavar="DIR", help="Folder for the ZIP files.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1, max=64),
    default=os.cpu_count() or 1,
    show_default="the number of cores",
    help="Cases rendered at once, one process each.",
)
def export_command(
    ref: str | None,
    status: str | None,
    category: str | None,
    start: str | None,
    end: str | None,
    internal: bool,
    out: str,
    jobs: int,
) -> None:
    """Write one evidence bundle (case file PDF, original files and emails, manifest) per case."""
    first, last = _day(start, "--from"), _day(end, "--to")
    code = _checked(ref, status, category, first, last)
    folder = _out_dir(out)
    references = matching_references(code, status, category, first, last)
    if code is not None and not references:
        raise BadInput(f"No complaint has the reference {format_reference(code)}.")
    db.session.rollback()  # workers read on their own connections; hold no transaction open
    written = export_all(references, folder, internal, jobs)
    click.echo(f"{written} evidence bundle(s) written to {folder}.")
