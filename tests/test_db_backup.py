"""`flask db backup PATH`: a consistent copy of the SQLite database and the data folder,
taken while the app writes, restored into a fresh app; bad paths and PostgreSQL refused
with one line."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.files.storage import attachment_path
from helpdesk.mail.inbound import ingest_message
from helpdesk.models import Attachment, AuditEvent, Complaint, InboundEmail
from helpdesk.services.raw_email import raw_email_path
from helpdesk.services.submission import Upload, submit_complaint
from tests.conftest import make_app
from tests.services.test_submission import new_complaint, png_bytes

pytestmark = pytest.mark.sqlite_only("db backup copies SQLite; PostgreSQL uses pg_dump")

EMAIL = b"""From: Jan Smit <jan@example.com>
To: complaints@shop.example
Subject: Broken lamp
Message-ID: <lamp-1@example.com>
Date: Mon, 20 Apr 2026 10:00:00 +0200
Content-Type: text/plain; charset=utf-8

The lamp arrived broken.
"""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _backup(runner: FlaskCliRunner, target: Path) -> str:
    result = runner.invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_backup_restores_into_a_fresh_app(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    photo = submit_complaint(new_complaint(), [Upload("lamp.png", png_bytes())])
    ingest_message(EMAIL)
    references = set(db.session.scalars(select(Complaint.reference)))
    files = {
        a.stored_name: _digest(attachment_path(a)) for a in db.session.scalars(select(Attachment))
    }
    [inbound] = db.session.scalars(select(InboundEmail))
    raw_digest = _digest(raw_email_path(inbound))
    (Path(app.config["UPLOAD_DIR"]) / "half.png.part").write_bytes(b"in progress")

    output = _backup(runner, tmp_path / "backup")

    target = tmp_path / "backup"
    assert "Backup written to" in output
    assert sorted(p.name for p in target.iterdir()) == ["backup.json", "data", "helpdesk.sqlite3"]
    assert not list(target.rglob("*.part")) and not (target / "data" / "search-index").exists()
    for path in [target, *target.rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    manifest = json.loads((target / "backup.json").read_text())
    assert manifest["data"]["files"] == len(files) + 1  # the photo and the raw email
    assert "search reindex" in manifest["not_copied"]

    restored_dir = tmp_path / "restored"
    restored = make_app(
        restored_dir,
        f"sqlite:///{target / 'helpdesk.sqlite3'}",
        DATA_DIR=str(target / "data"),
        UPLOAD_DIR=str(target / "data" / "uploads"),
        RAW_EMAIL_DIR=str(target / "data" / "raw-email"),
    )
    with restored.app_context():
        assert set(db.session.scalars(select(Complaint.reference))) == references
        assert photo.reference in references
        for attachment in db.session.scalars(select(Attachment)):
            assert _digest(attachment_path(attachment)) == files[attachment.stored_name]
        [kept] = db.session.scalars(select(InboundEmail))
        assert _digest(raw_email_path(kept)) == raw_digest
        db.session.remove()
        db.engine.dispose()


def test_the_copy_is_consistent_while_the_app_writes(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """A thread keeps submitting complaints (one commit each: the complaint, its messages,
    its audit event, its outbox email) while the backups run."""
    stop = threading.Event()
    written: list[int] = []

    def keep_writing() -> None:
        with app.app_context():
            while not stop.is_set():
                submit_complaint(new_complaint())
                written.append(1)
            db.session.remove()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 3:
            threading.Event().wait(0.05)
        targets = [tmp_path / f"backup-{n}" for n in range(3)]
        before = []
        for target in targets:
            before.append(len(written))  # committed before this backup started
            _backup(runner, target)
    finally:
        stop.set()
        writer.join(30)
    assert len(written) > 3
    counts = []
    for target in targets:
        with sqlite3.connect(target / "helpdesk.sqlite3") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            complaints = conn.execute("SELECT count(*) FROM complaint").fetchone()[0]
            # Every complaint in the copy is whole: its receipt event came in the same commit.
            received = conn.execute(
                "SELECT count(DISTINCT complaint_id) FROM audit_event"
            ).fetchone()[0]
        conn.close()
        assert complaints == received
        counts.append(complaints)
    assert counts == sorted(counts)
    assert all(count >= committed for count, committed in zip(counts, before, strict=True))
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Complaint))
        assert (
            db.session.scalar(select(func.count(func.distinct(AuditEvent.complaint_id)))) == total
        )
    assert counts[-1] <= (total or 0)


def test_bad_paths_get_one_line(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "something").write_text("x")
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    cases = {
        str(full): "exists and is not empty",
        str(a_file): "exists and is not a folder",
        str(a_file / "backup"): "Cannot write a backup to",
        str(Path(app.config["UPLOAD_DIR"]) / "backup"): "is inside the data folder",
    }
    for path, message in cases.items():
        result = runner.invoke(args=["db", "backup", path])
        assert result.exit_code == 2, path
        assert message in result.output
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert not list(tmp_path.glob("*.part-*"))


def test_an_empty_folder_is_used(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    target = tmp_path / "mounted-disk"
    target.mkdir()
    _backup(runner, target)
    assert (target / "helpdesk.sqlite3").exists() and (target / "backup.json").exists()


@pytest.mark.postgres
def test_postgresql_is_told_to_use_pg_dump(pg_app: Flask, tmp_path: Path) -> None:
    result = pg_app.test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "b")])
    assert result.exit_code == 1
    assert "pg_dump" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "b").exists()
