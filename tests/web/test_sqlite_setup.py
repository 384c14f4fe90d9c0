"""SQLite set up for several processes (helpdesk.database): WAL, synchronous=NORMAL, the
busy timeout, and transactions that write taking the write lock before they read."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, func, select, text

from helpdesk.extensions import db
from helpdesk.models.search import SearchQueueEntry

pytestmark = pytest.mark.sqlite_only("SQLite pragmas and file locks")

ROUNDS = 30
INSERT = text("INSERT INTO search_queue (complaint_id, queued_at) VALUES (:n, '2026-01-01')")


def _file(app: Flask) -> Path:
    return Path(db.engine.url.database or "")


@pytest.fixture
def app_config() -> dict[str, Any]:
    """A busy timeout of its own, to see that the setting reaches the connection."""
    return {"SQLITE_BUSY_TIMEOUT_MS": 4321}


def test_every_connection_gets_wal_normal_sync_and_the_busy_timeout(app: Flask) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 4321
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0  # as before
    # WAL is kept in the file itself: any other program opening it reads in WAL mode.
    with sqlite3.connect(_file(app)) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_transaction_that_writes_holds_the_write_lock_from_its_first_write(
    app: Flask,
) -> None:
    """Reads before the first write run on their own; the write begins IMMEDIATE, so a
    second writer waits for the commit instead of failing on an upgrade."""
    db.session.scalar(select(func.count()).select_from(SearchQueueEntry))
    other = sqlite3.connect(_file(app), isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")  # nobody holds the lock after a plain read
    other.execute("ROLLBACK")
    db.session.add(SearchQueueEntry(complaint_id=1))
    db.session.flush()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")  # the flush holds it until the commit
    db.session.commit()
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()


def _read_then_write(args: tuple[str, str, str]) -> int:
    """In a process of its own: ROUNDS transactions that read, pause, then write; returns how
    many failed with "database is locked". `mode` is "app" (the app's engine), or "deferred":
    a plain BEGIN at the first statement (the control, without helpdesk.database)."""
    folder, url, mode = args
    if mode == "deferred":
        return _deferred_rounds(folder, url)
    from helpdesk import create_app
    from tests.conftest import base_config

    config = base_config(Path(folder), url)
    failed = 0
    with create_app(config).app_context():
        _all_ready(folder)
        for n in range(ROUNDS):
            try:
                db.session.scalar(select(func.count()).select_from(SearchQueueEntry))
                time.sleep(0.005)
                db.session.add(SearchQueueEntry(complaint_id=n))
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 — counted: the test says which
                db.session.rollback()
                failed += "locked" in str(exc)
        db.session.remove()
        db.engine.dispose()
    return failed


def _all_ready(folder: str) -> None:
    """Start the rounds together: both processes wait until both are ready."""
    Path(folder + ".ready").touch()
    deadline = time.monotonic() + 120
    while len(list(Path(folder).parent.glob("*.ready"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)


def _deferred_rounds(folder: str, url: str) -> int:
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA busy_timeout = 5000")

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    failed = 0
    _all_ready(folder)
    for n in range(ROUNDS):
        try:
            with engine.begin() as conn:
                conn.execute(text("SELECT count(*) FROM search_queue")).scalar()
                time.sleep(0.005)
                conn.execute(INSERT, {"n": n})
        except Exception as exc:  # noqa: BLE001 — counted
            failed += "locked" in str(exc)
    engine.dispose()
    return failed


def _run_two(app: Flask, tmp_path: Path, mode: str) -> list[int]:
    url = str(db.engine.url)
    (tmp_path / mode).mkdir()
    jobs = [(str(tmp_path / mode / f"p{n}"), url, mode) for n in range(2)]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        return pool.map(_read_then_write, jobs)


def count_rows() -> int:
    with db.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(SearchQueueEntry)) or 0)


def test_two_processes_reading_then_writing_at_once_never_deadlock(
    app: Flask, tmp_path: Path
) -> None:
    assert _run_two(app, tmp_path, "app") == [0, 0]
    assert count_rows() == 2 * ROUNDS


def test_the_same_work_in_deferred_transactions_does_deadlock(app: Flask, tmp_path: Path) -> None:
    """The control: without BEGIN IMMEDIATE this very workload fails, so the test above
    would see an upgrade deadlock if there were one."""
    assert sum(_run_two(app, tmp_path, "deferred")) > 0
