"""What the submission benchmark runs on and beside: a scratch copy of the seeded data (so
the data set other runs reuse stays as seeded), and `flask search indexer` when the
command exists."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from dataset import FLASK, PG_SERVER, ROOT, Dataset, pg_database
from server import cpu_seconds, stop_group

INDEXER = [*FLASK, "search", "indexer"]


@dataclass(frozen=True)
class Scratch(Dataset):
    """A copy of a data set; on PostgreSQL a database of its own."""

    pg_database: str = ""

    @property
    def database_url(self) -> str:
        """The copy's HELPDESK_DATABASE_URL."""
        if self.backend == "postgres":
            return f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.pg_database}"
        return super().database_url


def scratch_copy(dataset: Dataset, name: str = "submissions", *, files: bool = False) -> Scratch:
    """Copy the database and the search files next to the data set, into a folder (and, on
    PostgreSQL, a database) named with `name` (replacing an old copy); the stored files too
    when `files` (so `flask files check` finds every file its row names)."""
    folder = dataset.folder.with_name(f"{dataset.folder.name}-{name}")
    shutil.rmtree(folder, ignore_errors=True)
    source = dataset.folder / "data"
    if source.is_dir():
        skip = None if files else shutil.ignore_patterns("uploads", "raw-email")
        shutil.copytree(source, folder / "data", symlinks=True, ignore=skip)
    (folder / "data" / "uploads").mkdir(parents=True, exist_ok=True)
    suffix = "_sub" if name == "submissions" else "_" + name.replace("-", "_")
    source_db = pg_database(dataset.complaints)
    copy = Scratch(dataset.backend, dataset.complaints, dataset.seed, folder, source_db + suffix)
    if dataset.backend == "postgres":
        import psycopg

        with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{copy.pg_database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{copy.pg_database}" TEMPLATE "{source_db}"')
    else:
        # The backup API copies a consistent state, whatever the journal mode.
        src = sqlite3.connect(dataset.folder / "helpdesk.sqlite3")
        dst = sqlite3.connect(folder / "helpdesk.sqlite3")
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    return copy


def indexer_probe(dataset: Dataset, wanted: bool) -> subprocess.Popen[bytes] | None:
    """`flask --app wsgi search indexer --help`, started (it exits 0 when the command exists);
    None when the indexer is not wanted."""
    if not wanted:
        return None
    quiet = subprocess.DEVNULL
    return subprocess.Popen(
        [*INDEXER, "--help"], cwd=ROOT, env=dataset.env(), stdout=quiet, stderr=quiet
    )


@contextmanager
def indexer(dataset: Dataset, probe: subprocess.Popen[bytes] | None) -> Iterator[dict[str, Any]]:
    """`flask search indexer` beside gunicorn when the probe found the command."""
    info: dict[str, Any] = {"command": "flask --app wsgi search indexer", "ran": False}
    if probe is None or probe.wait(timeout=120) != 0:
        info["note"] = "not wanted (--no-indexer)" if probe is None else "no such command"
        yield info
        return
    with (dataset.folder / "indexer.log").open("wb") as log:
        process = subprocess.Popen(
            INDEXER, cwd=ROOT, env=dataset.env(), stdout=log, stderr=log, start_new_session=True
        )
    info["ran"], info["pid"] = True, process.pid
    try:
        yield info
    finally:
        info["exited_early"] = process.poll()
        # Its CPU time, start-up included (what the indexing and merging took from the cores).
        info["cpu_s"] = round(cpu_seconds([process.pid]), 2)
        stop_group(process)


def health(base_url: str) -> dict[str, Any]:
    """What /healthz says."""
    try:
        with urllib.request.urlopen(base_url + "/healthz", timeout=10) as answer:  # noqa: S310
            return dict(json.loads(answer.read()).get("checks", {}))
    except urllib.error.HTTPError as error:
        return dict(json.loads(error.read() or b"{}").get("checks", {}))
