"""`flask files check [--delete] [--older-than MINUTES]`: the stored files against the database.

Uploads (UPLOAD_DIR, Attachment rows) and raw inbound emails (RAW_EMAIL_DIR, InboundEmail
rows) are written before their rows are committed (files.storage.write_new_file), and removed
again when the transaction fails; a process killed in between (kill -9, power loss) leaves
a file no row names, or a `.part` file it was still writing. This finds:

- orphan files: a file with no row, older than --older-than (younger ones may belong to a
  submission still in progress, so they are left alone);
- temporary files (`*.part`) older than --older-than;
- stale thumbnails: a preview in UPLOAD_DIR/thumbnails (files.thumbnails) whose attachment
  row is gone, whose upload's file is missing, or that is not the preview its attachment is
  shown with now (another size or format), older than --older-than;
- rows whose file is missing (reported only: the row is the record that the evidence
  existed, with its name and SHA-256; restore the file from a backup).

A dry run by default; `--delete` removes the orphan, temporary and stale thumbnail files,
asking the database once more about each orphan and thumbnail just before. Exit status 0
when all is well (or all that was found has been removed), 1 when problems are found or
remain.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from tqdm import tqdm

from ..extensions import db
from ..files.storage import TEMP_SUFFIX
from ..files.thumbnails import preview_name, previewed_name, thumbnail_dir
from ..models import Attachment, Complaint, InboundEmail

files_cli = AppGroup("files", help="Look after the stored files (uploads and raw emails).")


@dataclass(frozen=True)
class Store:
    """One folder of stored files and the table whose `stored_name` column names them."""

    label: str
    folder: Path
    model: Any


ORPHAN, TEMPORARY, STALE = "orphan file", "temporary file", "stale thumbnail"


def _unwanted() -> bool:
    return False


@dataclass(frozen=True)
class Removable:
    """A file that may go: an orphan, a temporary file left behind, a stale thumbnail."""

    kind: str  # ORPHAN, TEMPORARY or STALE: what the line starts with
    path: Path
    line: str
    #: Asked just before removing: whether the database wants the file by now.
    wanted: Callable[[], bool] = _unwanted


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


def _listed(folder: Path, findings: Findings, bar: tqdm[Any]) -> list[os.DirEntry[str]]:
    """The files of `folder`, added to the progress bar's total and to the files checked."""
    entries = _files(folder)
    bar.total = (bar.total or 0) + len(entries)
    bar.refresh()
    findings.checked += len(entries)
    return entries


def _old_age(entry: os.DirEntry[str], min_age: float, findings: Findings) -> float | None:
    """The file's age in seconds; None (counted as too recent) when younger than `min_age`."""
    age = time.time() - entry.stat(follow_symlinks=False).st_mtime
    if age < min_age:
        findings.recent += 1
        return None
    return age


def _has_row(model: Any, name: str) -> bool:
    return db.session.scalar(select(model.id).where(model.stored_name == name)) is not None


def check_store(store: Store, min_age: float, findings: Findings, bar: tqdm[Any]) -> None:
    """Compare one folder with its table. The folder is listed before the table is read, so
    a file committed in between has its row in what is read."""
    entries = _listed(store.folder, findings, bar)
    known = set(db.session.scalars(select(store.model.stored_name)))
    for entry in entries:
        bar.update(1)
        name = entry.name
        temporary = name.endswith(TEMP_SUFFIX)
        if not temporary and name in known:
            continue
        age = _old_age(entry, min_age, findings)
        if age is None:
            continue
        line = f"{TEMPORARY if temporary else ORPHAN} {store.label}/{name} ({_age(age)})"
        wanted = _unwanted if temporary else partial(_has_row, store.model, name)
        findings.removable.append(
            Removable(TEMPORARY if temporary else ORPHAN, Path(entry.path), line, wanted)
        )
    on_disk = {entry.name for entry in entries}
    for name in sorted(known - on_disk):
        if not (store.folder / name).exists():  # not written after the listing either
            line = f"missing file {store.label}/{name} ({_owner(store, name)})"
            findings.missing.append(line)


@dataclass(frozen=True)
class Previews:
    """What the attachments table says of previews: the preview file name of each attachment
    shown with one (with its stored name), and every stored name."""

    shown: dict[str, str]
    stored: set[str]

    @classmethod
    def read(cls, owner: str | None = None) -> Previews:
        """From the table; only the rows of stored name `owner` when given."""
        query = select(Attachment.stored_name, Attachment.content_type)
        if owner is not None:
            query = query.where(Attachment.stored_name == owner)
        rows = db.session.execute(query).all()
        pairs = ((preview_name(name, kind), name) for name, kind in rows)
        return cls({p: name for p, name in pairs if p is not None}, {name for name, _ in rows})

    def why_stale(self, preview: str, uploads: Path) -> str | None:
        """Why a preview can go; None when a page shows it (its upload is there)."""
        stored = self.shown.get(preview)
        if stored is not None:
            return None if (uploads / stored).is_file() else "its upload's file is missing"
        if previewed_name(preview) in self.stored:
            return "not the preview its attachment is shown with"
        return "its attachment row is gone"


def check_thumbnails(min_age: float, findings: Findings, bar: tqdm[Any]) -> None:
    """Find the previews no page shows any more (listed before the table is read, as above)."""
    entries = _listed(thumbnail_dir(), findings, bar)
    previews, uploads = Previews.read(), Path(current_app.config["UPLOAD_DIR"])
    for entry in entries:
        bar.update(1)
        name = entry.name
        temporary = name.endswith(TEMP_SUFFIX)
        why = "" if temporary else previews.why_stale(name, uploads)
        if why is None:
            continue
        age = _old_age(entry, min_age, findings)
        if age is None:
            continue
        kind = TEMPORARY if temporary else STALE
        line = f"{kind} uploads/thumbnails/{name} ({why + ', ' if why else ''}{_age(age)})"
        wanted = partial(_preview_wanted, name, uploads) if why else _unwanted
        findings.removable.append(Removable(kind, Path(entry.path), line, wanted))


def _preview_wanted(preview: str, uploads: Path) -> bool:
    """Whether a page shows this preview by now: asks about its attachment's row only."""
    return Previews.read(previewed_name(preview)).why_stale(preview, uploads) is None


def remove(item: Removable) -> str | None:
    """Delete one file; None when done, else why not (the database wants it by now)."""
    if item.wanted():
        return "it has a row now" if item.kind == ORPHAN else "a page shows it now"
    try:
        item.path.unlink(missing_ok=True)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


@files_cli.command("check")
@click.option(
    "--delete", is_flag=True, help="Remove the orphan, temporary and stale thumbnail files found."
)
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
    """Find files without a database row, rows without their file, temporary files left
    behind and stale thumbnails (a dry run unless --delete); exit status 1 when something is
    wrong."""
    findings = Findings()
    bar = tqdm(total=0, desc="Checking files", unit="file", file=sys.stderr)
    with bar:
        for store in stores():
            check_store(store, older_than * 60.0, findings, bar)
        check_thumbnails(older_than * 60.0, findings, bar)
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
    kinds = [item.kind for item in findings.removable]
    click.echo(
        f"Checked {findings.checked} files: {kinds.count(ORPHAN)} orphan, "
        f"{kinds.count(TEMPORARY)} temporary, {kinds.count(STALE)} stale thumbnails, "
        f"{len(findings.missing)} rows without their file"
        + (f", {findings.recent} too recent to judge" if findings.recent else "")
        + "."
    )
    if findings.removable and not delete:
        click.echo("Dry run: nothing removed. Run again with --delete to remove them.")
    if findings.missing:
        click.echo("Rows without their file are kept: restore the files from a backup.")
    return failed
