"""A database that is busy, full or read-only answers 503 with Retry-After and a page that
says nothing was saved (never a 500 or a traceback), logs the error with its traceback, and
stores nothing half; /healthz tells about a full or unwritable disk and index (issue 10)."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from helpdesk.extensions import db
from helpdesk.models import Attachment, Complaint, OutboxEmail
from helpdesk.models.search import SearchQueueEntry
from tests.web.test_public_submit import GOOD, jpeg_bytes, submit

SQLITE_ONLY = pytest.mark.sqlite_only("SQLite's own locks, page limit and read-only mode")

NOTHING_SAVED = "Nothing was saved"


def rows(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def db_file() -> Path:
    return Path(db.engine.url.database or "")


def uploads(app: Flask) -> list[Path]:
    return [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]


def assert_unavailable(response: Any, retry_after: str) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == retry_after
    assert NOTHING_SAVED in page and "Traceback" not in page
    return str(page)


def assert_logged(caplog: pytest.LogCaptureFixture, reason: str) -> None:
    records = [r for r in caplog.records if r.name == "helpdesk.errors"]
    assert records, "nothing on helpdesk.errors"
    assert f"database unavailable ({reason}) on POST /complaints/new" in records[-1].getMessage()
    assert records[-1].exc_info is not None  # with its traceback


@pytest.fixture
def app_config() -> dict[str, Any]:
    """A short busy timeout, so a held lock outlasts it quickly."""
    return {"SQLITE_BUSY_TIMEOUT_MS": 200}


# --- busy ------------------------------------------------------------------------------------


@SQLITE_ONLY
def test_a_write_lock_held_beyond_the_busy_timeout_gives_503_and_stores_nothing(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    page = client.get("/complaints/new").get_data(as_text=True)
    holder = sqlite3.connect(db_file(), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing, and keeps at it
    try:
        started = time.monotonic()
        with caplog.at_level(logging.ERROR, logger="helpdesk.errors"):
            response = submit(client, page=page)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    text = assert_unavailable(response, "5")
    assert "very busy" in text
    assert waited >= 0.2  # it waited for the lock first
    assert_logged(caplog, "busy")
    assert rows(Complaint) == 0 and rows(OutboxEmail) == 0 and rows(SearchQueueEntry) == 0
    # Once the lock is free, the same form goes through.
    assert submit(client, page=page).status_code == 303
    assert rows(Complaint) == 1


@SQLITE_ONLY
def test_reads_go_on_while_another_process_holds_the_write_lock(
    app: Flask, client: FlaskClient
) -> None:
    """WAL: a writer holding the lock blocks no reader (in rollback-journal mode it did)."""
    holder = sqlite3.connect(db_file(), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO search_queue (complaint_id, queued_at) VALUES (1, '2026-01-01')")
    try:
        assert client.get("/complaints/new").status_code == 200
        assert client.get("/healthz").json["checks"]["database"] == "ok"
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# --- full ------------------------------------------------------------------------------------


@contextmanager
def database_full(app: Flask) -> Iterator[None]:
    """SQLite's own limit on the file's pages, set to its size now: the next page it needs
    fails with SQLITE_FULL ("database or disk is full"), as on a full disk."""
    db.session.remove()
    db.engine.dispose()
    with sqlite3.connect(db_file()) as conn:
        conn.execute("VACUUM")  # no free pages left inside the file
        pages = conn.execute("PRAGMA page_count").fetchone()[0]

    def limit(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(db.engine, "connect", limit)
    try:
        yield
    finally:
        event.remove(db.engine, "connect", limit)
        db.session.remove()
        db.engine.dispose()


@SQLITE_ONLY
def test_a_full_database_gives_503_and_keeps_nothing_half_stored(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    page = client.get("/complaints/new").get_data(as_text=True)
    values = {**GOOD, "Description": "The lamp arrived broken. " * 700}  # ~17,000 characters
    with database_full(app), caplog.at_level(logging.ERROR, logger="helpdesk.errors"):
        response = submit(client, values, [(jpeg_bytes(), "lamp.jpg")], page=page)
    text = assert_unavailable(response, "300")
    assert "cannot store anything" in text
    assert_logged(caplog, "full")
    assert rows(Complaint) == 0 and rows(OutboxEmail) == 0 and rows(Attachment) == 0
    assert rows(SearchQueueEntry) == 0
    assert uploads(app) == []  # the photo written before the commit is gone again
    assert submit(client, values, [(jpeg_bytes(), "lamp.jpg")], page=page).status_code == 303
    assert rows(Complaint) == 1 and len(uploads(app)) == 1


# --- read-only -------------------------------------------------------------------------------


@SQLITE_ONLY
def test_a_read_only_database_gives_503_not_500(
    make_database: Callable[[], str],
    new_app: Callable[..., Flask],
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = make_database().removeprefix("sqlite:///")
    read_only = new_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///file:{path}?mode=ro&uri=true")
    client = read_only.test_client()
    assert client.get("/complaints/new").status_code == 200  # reading works
    with caplog.at_level(logging.ERROR, logger="helpdesk.errors"):
        response = submit(client)
    assert_unavailable(response, "300")
    assert_logged(caplog, "read-only")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM complaint").fetchone()[0] == 0


# --- /healthz --------------------------------------------------------------------------------


def test_healthz_reports_a_data_folder_with_less_free_space_than_the_minimum(
    app: Flask, client: FlaskClient
) -> None:
    assert client.get("/healthz").json["checks"]["disk"] == "ok"
    free_mb = shutil.disk_usage(app.config["DATA_DIR"]).free // (1024 * 1024)
    app.config["MIN_FREE_DISK_MB"] = free_mb + 1024
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["disk"].startswith("low: ")
    assert f"(minimum {free_mb + 1024} MB)" in response.json["checks"]["disk"]


@contextmanager
def immutable(folder: Path) -> Iterator[None]:
    """No file can be made in `folder`, even by root (chattr +i), until the block ends."""
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not possible here: {done.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_healthz_reports_a_data_folder_where_nothing_can_be_written(
    app: Flask, client: FlaskClient
) -> None:
    with immutable(Path(app.config["DATA_DIR"])):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["disk"].startswith("not writable: data: ")
    assert client.get("/healthz").status_code == 200


def test_healthz_reports_an_index_that_cannot_be_written(app: Flask, client: FlaskClient) -> None:
    assert submit(client).status_code == 303  # the index exists now
    live = Path(app.config["SEARCH_INDEX_DIR"]).resolve()
    assert client.get("/healthz").status_code == 200
    with immutable(live):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["search"] == "read-only index: Operation not permitted"
    assert client.get("/healthz").status_code == 200
