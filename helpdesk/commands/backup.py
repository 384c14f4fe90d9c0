"""`flask --app wsgi db backup PATH`: a consistent copy of the SQLite database and the data
folder, taken while the helpdesk runs.

PATH is a new (or empty) folder; it receives

    helpdesk.sqlite3   the database, through SQLite's online backup API: one snapshot in a
                       single read transaction, so it is consistent however busy the app is
                       (in WAL mode writers go on meanwhile)
    data/              the data folder (uploads, raw and quarantined emails), copied after
                       the snapshot, so every file a row of it names is there (files are
                       written before their rows are committed); `*.part` files (writes in
                       progress) are left out
    backup.json        when, the schema revision, what was copied, how to restore

The search index is not copied: it is rebuilt from the database (`flask search reindex`).
Everything is written under PATH.part-* first and renamed at the end, so PATH never holds
half a backup (an existing empty PATH is written into, and emptied again on failure;
backup.json comes last); files are 0600 and folders 0700. On PostgreSQL the command refuses with one
line: the README's Production section says how to use pg_dump there.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate.cli import db as db_cli
from sqlalchemy.engine import make_url
from tqdm import tqdm

from ..files.storage import TEMP_SUFFIX
from .cases import BadInput

DB_NAME = "helpdesk.sqlite3"
MANIFEST = "backup.json"


def sqlite_file() -> Path:
    """The database file; ClickException (one line) when the database is not SQLite."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            f"db backup copies SQLite databases; this one is {url.get_backend_name()}: "
            "back it up with pg_dump and copy the data folder (README, Production: Backups)."
        )
    if not url.database or url.database == ":memory:":
        raise click.ClickException("db backup needs a database file, not an in-memory one.")
    return Path(url.database).resolve()


def _target(path: str, data_dir: Path) -> Path:
    """PATH, checked: a new or empty folder outside the data folder, whose parent we can write."""
    target = Path(path).expanduser().resolve()
    if target == data_dir or data_dir in target.parents:
        raise BadInput(f"{path!r} is inside the data folder {data_dir}; choose a place outside.")
    if target.exists() and not target.is_dir():
        raise BadInput(f"{path!r} exists and is not a folder.")
    if target.is_dir() and any(target.iterdir()):
        raise BadInput(f"{path!r} exists and is not empty; give a new or empty folder.")
    return target


def _staging(target: Path) -> Path:
    """Where to write: a private folder beside PATH (renamed to PATH at the end), or PATH
    itself when it is an existing empty folder (a mount point cannot be renamed onto)."""
    try:
        if target.is_dir():
            os.chmod(target, 0o700)
            return target
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return Path(tempfile.mkdtemp(prefix=f"{target.name}.part-", dir=target.parent))
    except OSError as exc:
        raise BadInput(f"Cannot write a backup to {str(target)!r}: {exc.strerror}.") from None


def _discard(staging: Path, target: Path) -> None:
    """Remove what a failed backup wrote (an existing PATH is emptied, not removed)."""
    if staging != target:
        shutil.rmtree(staging, ignore_errors=True)
        return
    for child in staging.iterdir():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def copy_database(source: Path, destination: Path) -> None:
    """One consistent snapshot of `source` through SQLite's backup API."""
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(destination)
        try:
            # pages=-1: the whole database in one step, in one read transaction. Steps of a
            # few pages would let writers in between, but every write by another connection
            # restarts the copy, so a busy helpdesk could keep it from ever finishing.
            src.backup(dst, pages=-1)
            # One self-contained file (the app switches a restored copy back to WAL).
            dst.execute("PRAGMA journal_mode = DELETE")
            check = dst.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            dst.close()
    finally:
        src.close()
    if check != "ok":
        raise click.ClickException(f"The copy of the database failed its check: {check}.")
    os.chmod(destination, 0o600)


def data_files(data_dir: Path, skip: set[Path]) -> Iterator[Path]:
    """The files of the data folder worth keeping: not the search index (nor its lock and
    rebuilds beside it, all named after it), the database's own files, or `.part` files."""
    configured = Path(current_app.config["SEARCH_INDEX_DIR"])
    index = configured.parent.resolve() / configured.name  # it may be a link to a version
    for folder, dirs, files in os.walk(data_dir):
        here = Path(folder)
        kept = [name for name in sorted(dirs) if _kept(here / name, index, skip)]
        dirs[:] = kept
        for name in sorted(files):
            path = here / name
            if not name.endswith(TEMP_SUFFIX) and _kept(path, index, skip):
                yield path


def _kept(path: Path, index: Path, skip: set[Path]) -> bool:
    return path not in skip and not (
        path.parent == index.parent and path.name.startswith(index.name)
    )


def copy_data(data_dir: Path, destination: Path, skip: set[Path]) -> tuple[int, int]:
    """Copy the data folder with a progress bar (bytes); returns (files, bytes)."""
    files = list(data_files(data_dir, skip))
    sizes = {path: _size(path) for path in files}
    copied = total = 0
    bar = tqdm(
        total=sum(sizes.values()), desc="Copying files", unit="B", unit_scale=True,
        file=sys.stderr, disable=not files,
    )  # fmt: skip
    with bar:
        for path in files:
            if sizes[path] < 0:
                continue  # removed since the listing (erased, or a .part renamed): not needed
            target = destination / path.relative_to(data_dir)
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                shutil.copyfile(path, target)
            except FileNotFoundError:
                continue
            os.chmod(target, 0o600)
            copied, total = copied + 1, total + sizes[path]
            bar.update(sizes[path])
    for folder, _dirs, _files in os.walk(destination):  # mkdir(parents=True) obeys the umask
        os.chmod(folder, 0o700)
    return copied, total


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return -1


def _revision(database: Path) -> str | None:
    """The schema revision of the copy (alembic_version), for the restore notes."""
    with closing(sqlite3.connect(database)) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            return None
    return str(row[0]) if row else None


def _skipped(database: Path) -> set[Path]:
    """The database's own files, when they live inside the data folder."""
    return {database.with_name(database.name + end) for end in ("", "-wal", "-shm", "-journal")}


@db_cli.command("backup")  # type: ignore[untyped-decorator]
@click.argument("path")
@with_appcontext
def backup_command(path: str) -> None:
    """Copy the SQLite database and the data folder into PATH, a new or empty folder."""
    database = sqlite_file()
    data_dir = Path(current_app.config["DATA_DIR"]).resolve()
    target = _target(path, data_dir)
    staging = _staging(target)
    started = time.monotonic()
    try:
        copy_database(database, staging / DB_NAME)
        click.echo(f"Database copied ({(staging / DB_NAME).stat().st_size / 1e6:.1f} MB).")
        files, size = copy_data(data_dir, staging / "data", _skipped(database))
        _write_manifest(staging, database, data_dir, files, size)  # last: it marks a whole one
        if staging != target:
            os.chmod(staging, 0o700)
            os.replace(staging, target)
    except BaseException:
        _discard(staging, target)
        raise
    took = time.monotonic() - started
    click.echo(f"Backup written to {target}: the database and {files} files in {took:.1f} s.")


def _write_manifest(staging: Path, database: Path, data_dir: Path, files: int, size: int) -> None:
    manifest = {
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "database": {"file": DB_NAME, "source": str(database)},
        "schema_revision": _revision(staging / DB_NAME),
        "data": {"folder": "data", "source": str(data_dir), "files": files, "bytes": size},
        "not_copied": "the search index: run `flask --app wsgi search reindex` after a restore",
        "restore": (
            f"stop the helpdesk; copy {DB_NAME} to the HELPDESK_DATABASE_URL file and data/ "
            "to HELPDESK_DATA_DIR; run `flask --app wsgi db upgrade` and `search reindex`; start"
        ),
    }
    path = staging / MANIFEST
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    os.chmod(path, 0o600)
