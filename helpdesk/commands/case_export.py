"""`flask cases export`: one evidence bundle (ZIP) per matching case, for mediation or a lawyer.

    flask --app wsgi cases export [--ref REF] [--status S] [--category C]
                                  [--from DATE] [--to DATE] [--internal] [--rebuild]
                                  [--jobs N] --out DIR

Dates are the day the complaint was received, in shop time, both ends included. Bundles are
written as evidence-REF.zip (…-internal.zip with --internal) next to a `.part` name first, so
DIR never holds half a ZIP. A bundle already in DIR is kept when nothing it holds has changed
since it was made (the key in its comment: see documents.bundle), and replaced otherwise;
--rebuild replaces every one. The cases are rendered in --jobs processes, forked from this
one once WeasyPrint, its fonts and our stylesheet are loaded.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

import click
from sqlalchemy import select
from tqdm import tqdm

from ..documents.bundle import bundle_key, bundle_name, evidence_bundle, stored_key, write_bundle
from ..documents.casefile import case_file_source, file_name, warm_up
from ..domain.lifecycle import Status
from ..domain.reference import format_reference, normalise_reference
from ..extensions import db
from ..models import Complaint
from ..runtime.clock import shop_timezone
from ..services.casefile import load_case_file
from ..words.labels import CATEGORIES
from .cases import BadInput, cases_cli, parse_day


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


#: What became of one case: its bundle written, an unchanged one kept, or the case gone.
Result = Literal["written", "kept", "gone"]


def export_one(
    reference: str,
    folder: Path,
    internal: bool,
    rebuild: bool = False,
    now: datetime | None = None,
) -> Result:
    """Write the bundle of one case, unless an unchanged one is already there; `now` (the
    moment the case file says it was made) is the clock's unless given."""
    case = load_case_file(reference, internal=internal, now=now)
    if case is None:  # deleted since the list was made
        return "gone"
    target = folder / bundle_name(case)
    source = case_file_source(case)
    key = bundle_key(case, source)
    if not rebuild and stored_key(target) == key:
        return "kept"
    write_bundle(target, evidence_bundle(case, source.pdf(), file_name(case), key))
    return "written"


#: What each forked worker renders with (set before the pool forks).
_JOB: dict[str, Any] = {}

#: Every this many cases, a worker's collection covers its oldest objects too.
FULL_COLLECTION_EVERY = 100


def collect_between_cases(done: int) -> None:
    """The garbage collection of a process that exports cases in turn, after its `done`-th.

    The collector runs only here, between cases (gc.disable beforehand): a case file leaves
    its whole document as cyclic garbage (styles, boxes, the PDF's objects), which one
    collection of the young generations frees, while the collector's own schedule walks
    the young objects about 45 times a case and everything a worker keeps (the memos of
    documents.fast) every third case: about 6 % of a case's CPU.
    """
    gc.collect(2 if done % FULL_COLLECTION_EVERY == 0 else 1)


def _start_worker() -> None:
    """A forked worker: the parent's app and warmed-up renderer, database connections of its own.

    The parent's pooled connections are set aside, never used nor closed here (a worker
    leaves with os._exit), as SQLite and psycopg connections must not cross a fork.
    """
    for engine in db.engines.values():
        _JOB.setdefault("inherited", []).append(engine.pool)
        engine.dispose(close=False)
    gc.disable()  # collect_between_cases instead
    _JOB["done"] = 0


def _export_in_worker(reference: str) -> Result:
    result = export_one(reference, _JOB["folder"], _JOB["internal"], _JOB["rebuild"])
    _JOB["done"] += 1
    collect_between_cases(_JOB["done"])
    return result


def export_all(
    references: list[str], folder: Path, internal: bool, jobs: int, rebuild: bool = False
) -> dict[Result, int]:
    """Write every bundle, in `jobs` processes; returns how many were written and kept."""
    counts: dict[Result, int] = {"written": 0, "kept": 0, "gone": 0}
    bar = tqdm(
        total=len(references),
        desc="Exporting",
        unit="case",
        file=sys.stderr,
        disable=not references,
    )
    with bar:
        if jobs <= 1 or len(references) < 2 * jobs:
            gc.disable()  # collect_between_cases instead
            try:
                for done, reference in enumerate(references, start=1):
                    counts[export_one(reference, folder, internal, rebuild)] += 1
                    collect_between_cases(done)
                    bar.update(1)
            finally:
                gc.enable()
            return counts
        _JOB.update(folder=folder, internal=internal, rebuild=rebuild)
        warm_up()  # once here, instead of once in every worker
        gc.collect()
        gc.freeze()  # what the workers inherit is never walked, nor copied by a collection
        context = multiprocessing.get_context("fork")
        with context.Pool(jobs, _start_worker) as pool:
            for result in pool.imap_unordered(_export_in_worker, references, chunksize=4):
                counts[result] += 1
                bar.update(1)
        gc.unfreeze()
    return counts


@cases_cli.command("export")
@click.option("--ref", "ref", help="Only this reference code.")
@click.option("--status", help="Only cases in this status (e.g. final).")
@click.option("--category", help="Only cases of this category (e.g. physical).")
@click.option("--from", "start", metavar="DATE", help="Received on or after (YYYY-MM-DD).")
@click.option("--to", "end", metavar="DATE", help="Received on or before (YYYY-MM-DD).")
@click.option("--internal", is_flag=True, help="The internal version, with internal notes.")
@click.option(
    "--rebuild", is_flag=True, help="Make every bundle anew, even those unchanged since made."
)
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
    rebuild: bool,
    out: str,
    jobs: int,
) -> None:
    """Write one evidence bundle (case file PDF, original files and emails, manifest) per case."""
    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    code = _checked(ref, status, category, first, last)
    folder = _out_dir(out)
    references = matching_references(code, status, category, first, last)
    if code is not None and not references:
        raise BadInput(f"No complaint has the reference {format_reference(code)}.")
    db.session.rollback()  # workers read on their own connections; hold no transaction open
    counts = export_all(references, folder, internal, jobs, rebuild)
    kept = f", {counts['kept']} unchanged since made and kept" if counts["kept"] else ""
    click.echo(f"{counts['written']} evidence bundle(s) written to {folder}{kept}.")
