"""The benchmark's own database and data folder: made, migrated and seeded once, then reused.

Everything lives under bench/.work/<backend>/ (SQLite file, uploads, search index), or, for
the postgres backend, in the database `helpdesk_bench` on 127.0.0.1:5432 (for another size
than 100,000, `helpdesk_bench_<size>`, so both sizes are kept side by side). A stamp file
records what was seeded (size, seed, schema and seeder code); a matching stamp means the
data is reused, so re-runs skip the minutes of seeding.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "helpdesk_bench"


def pg_database(complaints: int) -> str:
    """The PostgreSQL database of a data set of this size (100,000: `helpdesk_bench`)."""
    return PG_DATABASE if complaints == 100_000 else f"{PG_DATABASE}_{complaints}"


FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]


@dataclass(frozen=True)
class Dataset:
    """Where the benchmark's data is and the environment that points the app at it."""

    backend: str
    complaints: int
    seed: int
    folder: Path

    @property
    def database_url(self) -> str:
        """The HELPDESK_DATABASE_URL of this data set."""
        if self.backend == "postgres":
            return f"postgresql+psycopg://postgres@127.0.0.1:5432/{pg_database(self.complaints)}"
        return f"sqlite:///{self.folder / 'helpdesk.sqlite3'}"

    def env(self) -> dict[str, str]:
        """The process environment for flask and gunicorn."""
        env = dict(os.environ)
        env.update(
            HELPDESK_DATABASE_URL=self.database_url,
            HELPDESK_DATA_DIR=str(self.folder / "data"),
            HELPDESK_SEARCH_BACKEND=self.backend,
            HELPDESK_SECRET_KEY="bench-secret-key-not-for-production-0123456789",  # noqa: S106
            HELPDESK_RATELIMIT_ENABLED="0",
            HELPDESK_SMTP_URL="smtp://127.0.0.1:9",
            # Measure real searches, not the per-process page cache of repeated queries.
            HELPDESK_SEARCH_CACHE_SIZE="0",
        )
        return env


def fingerprint(complaints: int, seed: int) -> str:
    """What the seeded data depends on: size, seed, the schema and the seeder's code."""
    digest = hashlib.sha256(f"{complaints}:{seed}".encode())
    for folder in (ROOT / "migrations" / "versions", ROOT / "helpdesk" / "demo"):
        for path in sorted(folder.glob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def flask(dataset: Dataset, *args: str, quiet: bool = False) -> float:
    """Run one `flask --app wsgi …` command for the data set; returns seconds taken."""
    started = time.monotonic()
    output = subprocess.DEVNULL if quiet else None
    subprocess.run([*FLASK, *args], cwd=ROOT, env=dataset.env(), check=True, stdout=output)
    return time.monotonic() - started


def _reset_postgres(name: str) -> None:
    """Drop and create a benchmark database."""
    import psycopg

    with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def prepare(
    backend: str, complaints: int, seed: int, *, fresh: bool
) -> tuple[Dataset, dict[str, Any]]:
    """A migrated, seeded data set; returns it with what was measured while making it."""
    folder = WORK / f"{backend}-{complaints}-s{seed}"
    dataset = Dataset(backend, complaints, seed, folder)
    stamp = folder / "stamp.json"
    wanted = fingerprint(complaints, seed)
    if not fresh and stamp.exists() and json.loads(stamp.read_text()).get("fp") == wanted:
        print(f"bench: reusing the seeded data in {folder.relative_to(ROOT)}", file=sys.stderr)
        return dataset, json.loads(stamp.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if backend == "postgres":
        _reset_postgres(pg_database(complaints))
    flask(dataset, "db", "upgrade", quiet=True)
    print(f"bench: seeding {complaints:,} complaints (seed {seed})", file=sys.stderr)
    seconds = flask(
        dataset,
        "demo",
        "seed",
        "--complaints",
        str(complaints),
        "--seed",
        str(seed),
        "--no-reindex",
    )
    facts = {"fp": wanted, "seed_seconds": round(seconds, 1), **counts(dataset)}
    stamp.write_text(json.dumps(facts, indent=2))
    return dataset, facts


def counts(dataset: Dataset) -> dict[str, int]:
    """How many complaints and messages the data set has."""
    from sqlalchemy import create_engine, text

    engine = create_engine(dataset.database_url)
    with engine.connect() as conn:
        result = {
            table: int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())  # noqa: S608
            for table in ("complaint", "message")
        }
    engine.dispose()
    return result


def reindex(dataset: Dataset) -> tuple[float | None, str]:
    """Seconds for a full `flask search reindex` and "", or None and why it was not measured."""
    probe = subprocess.run(
        [*FLASK, "search", "--help"], cwd=ROOT, env=dataset.env(), capture_output=True, text=True
    )
    if "reindex" not in probe.stdout:
        return None, "`flask search reindex` does not exist yet"
    print("bench: timing a full search reindex", file=sys.stderr)
    try:
        return flask(dataset, "search", "reindex"), ""
    except subprocess.CalledProcessError as error:
        return None, f"`flask search reindex` failed (exit {error.returncode})"
