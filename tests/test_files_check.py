"""`flask files check`: a worker killed mid-submission left orphan files nobody found (issue
10). The command finds files without a row, rows without a file and temporary files left
behind; a dry run by default, `--delete` removes what may go; exit 0 clean, 1 problems."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from helpdesk.extensions import db
from helpdesk.models import Attachment, Complaint, InboundEmail
from helpdesk.services.submission import Upload, submit_complaint
from tests.services.test_submission import new_complaint, pdf_bytes, png_bytes

ROOT = Path(__file__).resolve().parent.parent

#: A worker in the middle of a submission: everything of the complaint is in the session and
#: its files are written (a photo, and the raw email of a complaint by email), then it waits
#: for the commit it never makes: the test kills it with SIGKILL, so no clean-up code runs.
WORKER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, sys.argv[1])
    from pathlib import Path
    from tests.conftest import make_app
    from helpdesk.extensions import db
    from helpdesk.services.submission import NewComplaint, _create
    from helpdesk.models.types import utcnow
    from helpdesk.files.uploads import check_evidence_files, Upload
    from tests.services.test_submission import png_bytes

    app = make_app(Path(sys.argv[2]), sys.argv[3])
    with app.app_context():
        data = NewComplaint("Kim", "kim@example.com", None, "physical", "Broken.", channel="email")
        files = check_evidence_files([Upload("photo.png", png_bytes((30, 30)))])
        raw = b"From: kim@example.com\\r\\nSubject: broken\\r\\n\\r\\nBroken.\\r\\n"
        _create(data, files, utcnow(), "<killed@example.com>", raw)
        db.session.flush()
        print("stored", flush=True)
        time.sleep(60)
    """
)


def kill_mid_submission(app: Flask, tmp_path: Path) -> None:
    """Run WORKER against this test's database and folders and kill -9 it before its commit."""
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            WORKER,
            str(ROOT),
            str(tmp_path),
            app.config["SQLALCHEMY_DATABASE_URI"],
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout is not None
        line = worker.stdout.readline()
        assert line.strip() == "stored", worker.stderr.read() if worker.stderr else ""
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        for stream in (worker.stdout, worker.stderr):
            if stream is not None:
                stream.close()
    assert worker.returncode == -signal.SIGKILL


def folder_files(app: Flask, key: str) -> list[Path]:
    return sorted(p for p in Path(app.config[key]).iterdir() if p.is_file())


def test_a_clean_store_exits_0(app: Flask, runner: FlaskCliRunner) -> None:
    submit_complaint(
        new_complaint(), [Upload("photo.png", png_bytes()), Upload("a.pdf", pdf_bytes())]
    )
    result = runner.invoke(args=["files", "check", "--older-than", "0"])
    assert result.exit_code == 0, result.output
    summary = (
        "Checked 2 files: 0 orphan, 0 temporary, 0 stale thumbnails, 0 rows without their file."
    )
    assert summary in result.stdout
    assert "Checking files" in result.stderr  # the progress bar


def test_files_of_a_worker_killed_mid_submission_are_found_and_removed(
    app: Flask, tmp_path: Path, runner: FlaskCliRunner
) -> None:
    kept = submit_complaint(new_complaint(), [Upload("kept.png", png_bytes())])
    kill_mid_submission(app, tmp_path)
    db.session.expire_all()
    # The killed submission left its files, and nothing in the database.
    assert db.session.query(Complaint).count() == 1
    assert len(folder_files(app, "UPLOAD_DIR")) == 2
    assert len(folder_files(app, "RAW_EMAIL_DIR")) == 1

    dry = runner.invoke(args=["files", "check", "--older-than", "0"])
    assert dry.exit_code == 1, dry.output
    assert dry.stdout.count("orphan file uploads/") == 1
    assert dry.stdout.count("orphan file raw-email/") == 1
    summary = (
        "Checked 3 files: 2 orphan, 0 temporary, 0 stale thumbnails, 0 rows without their file."
    )
    assert summary in dry.stdout
    assert "Dry run: nothing removed" in dry.stdout
    assert len(folder_files(app, "UPLOAD_DIR")) == 2  # a dry run removes nothing

    fixed = runner.invoke(args=["files", "check", "--older-than", "0", "--delete"])
    assert fixed.exit_code == 0, fixed.output
    assert fixed.stdout.count(": removed") == 2
    kept_file = kept.attachments[0].stored_name
    assert [p.name for p in folder_files(app, "UPLOAD_DIR")] == [kept_file]
    assert folder_files(app, "RAW_EMAIL_DIR") == []
    assert runner.invoke(args=["files", "check", "--older-than", "0"]).exit_code == 0


def test_young_files_may_be_a_submission_in_progress(
    app: Flask, tmp_path: Path, runner: FlaskCliRunner
) -> None:
    kill_mid_submission(app, tmp_path)
    result = runner.invoke(args=["files", "check", "--delete"])  # the default: an hour
    assert result.exit_code == 0, result.output
    assert "2 too recent to judge" in result.stdout
    assert len(folder_files(app, "UPLOAD_DIR")) == 1


def test_temporary_files_older_than_an_hour_go(app: Flask, runner: FlaskCliRunner) -> None:
    uploads = Path(app.config["UPLOAD_DIR"])
    old, new = uploads / "a1b2.png.part", uploads / "c3d4.png.part"
    old.write_bytes(b"half a photo")
    new.write_bytes(b"a photo being written")
    two_hours_ago = time.time() - 2 * 3600
    os.utime(old, (two_hours_ago, two_hours_ago))
    dry = runner.invoke(args=["files", "check"])
    assert dry.exit_code == 1
    assert "temporary file uploads/a1b2.png.part (2 h old)" in dry.stdout
    assert "c3d4" not in dry.stdout
    assert runner.invoke(args=["files", "check", "--delete"]).exit_code == 0
    assert not old.exists() and new.exists()


def test_a_row_whose_file_is_missing_is_reported_and_kept(
    app: Flask, runner: FlaskCliRunner
) -> None:
    complaint = submit_complaint(
        new_complaint(channel="email"),
        [Upload("photo.png", png_bytes())],
        email_message_id="<m@example.com>",
        raw_email=b"From: a@example.com\r\n\r\nhi\r\n",
    )
    attachment = complaint.attachments[0]
    (Path(app.config["UPLOAD_DIR"]) / attachment.stored_name).unlink()
    for _ in (1, 2):  # --delete never removes a row
        result = runner.invoke(args=["files", "check", "--older-than", "0", "--delete"])
        assert result.exit_code == 1
        line = f"missing file uploads/{attachment.stored_name} (attachment {attachment.id} of "
        assert line + f"{complaint.display_reference})" in result.stdout
        assert "restore the files from a backup" in result.stdout
    assert db.session.query(Attachment).count() == 1
    assert db.session.query(InboundEmail).count() == 1


def test_folders_that_do_not_exist_yet_are_empty(app: Flask, runner: FlaskCliRunner) -> None:
    app.config["RAW_EMAIL_DIR"] = str(Path(app.config["DATA_DIR"]) / "never-made")
    result = runner.invoke(args=["files", "check"])
    assert result.exit_code == 0
    assert "Checked 0 files" in result.stdout
