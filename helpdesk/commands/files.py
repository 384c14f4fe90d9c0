"""`flask files check [--delete] [--older-than MINUTES]`: the stored files against the database.

Uploads (UPLOAD_DIR, Attachment rows) and raw inbound emails (RAW_EMAIL_DIR, InboundEmail
rows) are written before their rows are committed (files.storage.write_new_file), and removed
again when the transaction fails; a process killed in between (kill -9, power loss) leaves
a file no row names, or a `.part` file it was still writing. This finds:

- orphan files: a file with no row, older than --older-than (younger ones may belong to a
  submission still in progress, so they are left alone);
- temporary files (`*.part`) older than --older-than;
- rows whose file is missing (reported only: the row is the record that the evidence
  existed, with its name and SHA-256; restore the file from a backup).

A dry run by default; `--delete` removes the orphan and temporary files, asking the
database once more about each orphan just before. Exit status 0 when all is well (or all
that was found has been removed), 1 when problems are found or remain.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from tqdm import tqdm

from ..extensions import db
from ..files.storage import TEMP_SUFFIX
from ..models import Attachment, Complaint, InboundEmail

files_cli = AppGroup("files", help="Look after the stored files (uploads and raw emails).")


@dataclass(frozen=True)
class Store:
    """One folder of stored files and the table whose `stored_name` column names them."""

    label: str
    folder: Path
    model: Any


@dataclass(frozen=True)
class Removable:
    """A file that may go: an orphan or a temporary file left behind."""

    store: Store
    path: Path
    line: str

    @property
    def orphan(self) -> bool:
        return not self.path.name.endswith(TEMP_SUFFIX)


@dataclass
class Findings:
    """What a check found."""

    checked: int = 0
    recent: int = 0
    removable: list[Removable] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def stores() -> list[Store]:
    """The folders this command looks after."""
    config = current_app.config
    return [
        Store("uploads", Path(config["UPLOAD_DIR"]), Attachment),
        Store("raw-email", Path(config["RAW_EMAIL_DIR"]), InboundEmail),
    ]


def _files(folder: Path) -> list[os.DirEntry[str]]:
    """The plain files directly in `folder` (none when it does not exist yet)."""
    try:
        with os.scandir(folder) as entries:
            return [entry for entry in entries if entry.is_file(follow_symlinks=False)]
    except FileNotFoundError:
        return []


def _age(seconds: float) -> str:
    """'3 h old' / '12 min old'."""
    if seconds >= 3600:
        return f"{seconds / 3600:.0f} h old"
    return f"{max(seconds, 0) / 60:.0f} min old"


def _owner(store: Store, name: str) -> str:
    """Whose file a row says it is: 'attachment 12 of ABCD-EFGH-JK12'."""
    row = db.session.execute(
        select(store.model.id, Complaint.reference)
        .join(Complaint, Complaint.id == store.model.complaint_id)
        .where(store.model.stored_name == name)
    ).first()
    if row is None:
        return "row gone"
    kind = "attachment" if store.model is Attachment else "email"
    code = str(row.reference)
    return f"{kind} {row.id} of {code[:4]}-{code[4:8]}-{code[8:]}"


def check_store(store: Store, min_age: float, findings: Findings, bar: tqdm[Any]) -> None:
    """Compare one folder with its table. The folder is listed before the table is read, so
    a file committed in between has its row in what is read."""
    entries = _files(store.folder)
    bar.total = (bar.total or 0) + len(entries)
    bar.refresh()
    known = set(db.session.scalars(select(store.model.stored_name)))
    now = time.time()
    for entry in entries:
        bar.update(1)
        findings.checked += 1
        name = entry.name
        temporary = name.endswith(TEMP_SUFFIX)
        if not temporary and name in known:
            continue
        age = now - entry.stat(follow_symlinks=False).st_mtime
        if age < min_age:
            findings.recent += 1
            continue
        what = "temporary file" if temporary else "orphan file"
        line = f"{what} {store.label}/{name} ({_age(age)})"
        findings.removable.append(Removable(store, Path(entry.path), line))
    on_disk = {entry.name for entry in entries}
    for name in sorted(known - on_disk):
        if not (store.folder / name).exists():  # not written after the listing either
            line = f"missing file {store.label}/{name} ({_owner(store, name)})"
            findings.missing.append(line)


def remove(item: Removable) -> str | None:
    """Delete one file; None when done, else why not (an orphan that has a row by now)."""
    if item.orphan:
        model = item.store.model
        claimed = db.session.scalar(select(model.id).where(model.stored_name == item.path.name))
        if claimed is not None:
            return "it has a row now"
    try:
        item.path.unlink(missing_ok=True)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


@files_cli.command("check")
@click.option("--delete", is_flag=True, help="Remove the orphan and temporary files found.")
@click.option(
    "--older-than",
    "older_than",
    type=click.IntRange(min=0),
    default=60,
    show_default=True,
    metavar="MINUTES",
    help="Only judge files at least this old (younger ones may be a submission in progress).",
)
def check_command(delete: bool, older_than: int) -> None:
    """Find files without a database row, rows without their file, and temporary files left
    behind (a dry run unless --delete); exit status 1 when something is wrong."""
    findings = Findings()
    bar = tqdm(total=0, desc="Checking files", unit="file", file=sys.stderr)
    with bar:
        for store in stores():
            check_store(store, older_than * 60.0, findings, bar)
    db.session.rollback()
    failed = _report(findings, delete)
    if findings.missing or failed or (findings.removable and not delete):
        raise SystemExit(1)


def _report(findings: Findings, delete: bool) -> int:
    """Print what was found (and remove it with --delete); returns how many removals failed."""
    failed = 0
    for item in findings.removable:
        if not delete:
            click.echo(item.line)
            continue
        why_not = remove(item)
        failed += why_not is not None
        click.echo(f"{item.line}: " + (f"not removed, {why_not}" if why_not else "removed"))
    for line in findings.missing:
        click.echo(line)
    orphans = sum(item.orphan for item in findings.removable)
    temporary = len(findings.removable) - orphans
    click.echo(
        f"Checked {findings.checked} files: {orphans} orphan, {temporary} temporary, "
        f"{len(findings.missing)} rows without their file"
        + (f", {findings.recent} too recent to judge" if findings.recent else "")
        + "."
    )
    if findings.removable and not delete:
        click.echo("Dry run: nothing removed. Run again with --delete to remove them.")
    if findings.missing:
        click.echo("Rows without their file are kept: restore the files from a backup.")
    return failed
