"""`flask mail …` as operators and mail servers run it: send (once and --loop), ingest from
stdin and from a Maildir, exit codes for an MTA pipe, status and retry."""

from __future__ import annotations

import mailbox
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpdesk.config import ROOT
from helpdesk.extensions import db
from helpdesk.models import Complaint, OutboxEmail
from tests.conftest import make_app
from tests.mail.conftest import eml


def test_send_prints_a_summary(app, runner, smtp_server, queue_row):
    app.config["SMTP_URL"] = smtp_server.url
    queue_row()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "sent 1, failed 0, waiting 0"
    assert len(smtp_server.received) == 1


def test_send_with_the_server_down_exits_0_and_says_why(app, runner, queue_row):
    queue_row()
    queue_row(to="b@example.com")
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "sent 0, failed 1, waiting 2"
    assert "127.0.0.1:9" in result.stderr and "2 emails wait for the next run" in result.stderr


def test_send_with_a_broken_smtp_url_is_an_error(app, runner, queue_row):
    app.config["SMTP_URL"] = "smtp://"
    queue_row()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 1 and "no host" in result.stderr


def test_send_loop_runs_until_terminated(app, smtp_server, queue_row, tmp_path: Path):
    queue_row()
    env = {
        **os.environ,
        "HELPDESK_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "HELPDESK_DATA_DIR": str(tmp_path / "data"),
        "HELPDESK_SMTP_URL": smtp_server.url,
        "HELPDESK_SECRET_KEY": "loop-test",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "send", "--loop",
               "--interval", "0.2"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert len(smtp_server.wait_for(1, timeout=30)) == 1
        queue_row(to="later@example.com")  # queued while the loop runs
        assert len(smtp_server.wait_for(2, timeout=10)) == 2
    finally:
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        try:
            out, err = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()  # never leave a sender running after the test
            out, err = process.communicate()
            pytest.fail(f"`mail send --loop` ignored SIGTERM for 15 s; stderr: {err}")
    assert process.returncode == 0, err
    assert out.count(" sent 1, failed 0, waiting ") == 2  # one line per drain that sent
    assert out.rstrip().endswith("Stopped.")
    assert len(smtp_server.received) == 2


def test_ingest_reads_one_message_from_stdin(app, runner):
    result = runner.invoke(args=["mail", "ingest"], input=eml("My file is broken."))
    assert result.exit_code == 0, result.output
    complaint = db.session.query(Complaint).one()
    assert result.stdout.strip() == f"created complaint {complaint.display_reference}"
    again = runner.invoke(args=["mail", "ingest"], input=eml("My file is broken."))
    assert again.exit_code == 0 and "already stored" in again.stdout
    assert db.session.query(Complaint).count() == 1


def test_ingest_accepts_and_drops_robots_and_garbage(app, runner):
    robot = eml("Out of office", headers={"Auto-Submitted": "auto-replied"})
    for raw in (robot, b"\x00\xff garbage"):
        result = runner.invoke(args=["mail", "ingest"], input=raw)
        assert result.exit_code == 0 and result.stdout.startswith("ignored:")
    empty = runner.invoke(args=["mail", "ingest"], input=b"")
    assert empty.exit_code == 65 and "No message" in empty.stderr
    assert db.session.query(Complaint).count() == 0


def test_ingest_with_the_database_down_asks_the_mta_to_retry(tmp_path: Path):
    down = make_app(tmp_path, "postgresql+psycopg://postgres@127.0.0.1:1/helpdesk")
    result = down.test_cli_runner().invoke(args=["mail", "ingest"], input=eml("Hello there."))
    assert result.exit_code == 75
    assert "Database unavailable" in result.stderr
    send = down.test_cli_runner().invoke(args=["mail", "send"])
    assert send.exit_code == 75 and "Database unavailable, nothing sent" in send.stderr


def test_a_maildir_is_processed_once(app, runner, tmp_path: Path):
    box = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    box.add(eml("First complaint.", message_id="<1@x>"))
    box.add(eml("Out of office.", message_id="<2@x>", headers={"Auto-Submitted": "auto-replied"}))
    unread = mailbox.MaildirMessage(eml("Read by nobody yet.", message_id="<3@x>"))
    unread.set_subdir("cur")  # in cur/ but without the Seen flag: still to do
    box.add(unread)
    seen = mailbox.MaildirMessage(eml("Handled long ago.", message_id="<4@x>"))
    seen.set_subdir("cur")
    seen.add_flag("S")
    box.add(seen)

    result = runner.invoke(args=["mail", "ingest", "--maildir", str(tmp_path / "Maildir")])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "3 messages: 2 created, 1 ignored"
    assert "Ingesting" in result.stderr  # the progress bar
    assert sorted(c.messages[0].email_message_id for c in db.session.query(Complaint)) == [
        "<1@x>",
        "<3@x>",
    ]
    assert os.listdir(tmp_path / "Maildir" / "new") == []
    flags = sorted(box.get_message(key).get_flags() for key in box.iterkeys())
    assert flags == ["S", "S", "S", "S"]

    second = runner.invoke(args=["mail", "ingest", "--maildir", str(tmp_path / "Maildir")])
    assert second.exit_code == 0 and second.stdout.strip() == "0 messages"
    assert db.session.query(Complaint).count() == 2


def test_status_shows_failed_emails_and_retry_requeues_them(app, runner, smtp_server, queue_row):
    app.config["SMTP_URL"] = smtp_server.url
    queue_row(to="broken\naddress@example.com")
    runner.invoke(args=["mail", "send"])
    status = runner.invoke(args=["mail", "status"])
    assert status.exit_code == 0
    assert "waiting 0, sent 0, failed 1" in status.stdout
    assert "FAILED" in status.stdout and "cannot build the message" in status.stdout
    assert runner.invoke(args=["mail", "retry"]).exit_code == 2  # says what to give
    retry = runner.invoke(args=["mail", "retry", "--all-failed"])
    assert retry.stdout.strip() == "1 emails queued again."
    row = db.session.query(OutboxEmail).one()
    db.session.refresh(row)
    assert row.failed_at is None and row.attempts == 0
    assert "waiting 1, sent 0, failed 0" in runner.invoke(args=["mail", "status"]).stdout


def _nested(depth: int, message_id: str) -> bytes:
    """A crafted message whose MIME parts nest `depth` levels (about 20 KB at 300)."""
    inner = "Content-Type: text/plain\r\n\r\nhello\r\n"
    for level in range(depth, 0, -1):
        b = f"b{level}"
        inner = (
            f'Content-Type: multipart/mixed; boundary="{b}"\r\n\r\n--{b}\r\n{inner}\r\n--{b}--\r\n'
        )
    head = (
        "From: eve@example.com\r\nTo: info@iopro.nl\r\nSubject: nested\r\n"
        f"Message-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
    )
    return (head + inner).encode()


def test_a_deeply_nested_message_does_not_stop_maildir_intake(app, runner, tmp_path: Path):
    """Marking a message seen used to re-serialise it (RecursionError at 300 levels): the run
    crashed after storing it, left it unflagged, and every later run crashed on it again.
    (Now it is also quarantined: 300 levels is deeper than any real email.)"""
    box = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    box.add(_nested(300, "<deep@x>"))
    box.add(eml("My lamp arrived broken.", message_id="<after@x>"))
    result = runner.invoke(args=["mail", "ingest", "--maildir", str(tmp_path / "Maildir")])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2 messages: 1 created, 1 quarantined"
    assert os.listdir(tmp_path / "Maildir" / "new") == []
    assert all(name.endswith(":2,S") for name in os.listdir(tmp_path / "Maildir" / "cur"))
    second = runner.invoke(args=["mail", "ingest", "--maildir", str(tmp_path / "Maildir")])
    assert second.exit_code == 0 and second.stdout.strip() == "0 messages"


def test_a_folder_that_is_not_a_maildir_is_one_clear_line(app, runner, tmp_path: Path):
    (tmp_path / "plain").mkdir()
    result = runner.invoke(args=["mail", "ingest", "--maildir", str(tmp_path / "plain")])
    assert result.exit_code == 2
    assert "is not a Maildir (no new/ and cur/ folders)" in result.output
    assert "Traceback" not in result.output


def test_a_message_nested_too_deep_is_quarantined_not_retried(app, runner, tmp_path: Path):
    """Piped, a message nested 1,000 levels made walk() raise RecursionError: exit 75, so the
    mail server kept retrying it for ever. Now it is kept aside and the pipe says done."""
    raw = _nested(1000, "<abyss@x>")
    result = runner.invoke(args=["mail", "ingest"], input=raw)
    assert result.exit_code == 0, result.output
    assert "quarantined: MIME structure too deep to parse" in result.stdout
    kept = list((Path(app.config["DATA_DIR"]) / "quarantine").iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == raw
    assert kept[0].stat().st_mode & 0o777 == 0o600
    assert db.session.query(Complaint).count() == 0


def test_a_quarantined_message_does_not_stop_a_maildir_batch(app, runner, tmp_path: Path):
    box = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    box.add(_nested(1000, "<abyss@x>"))
    box.add(eml("My lamp arrived broken.", message_id="<after@x>"))
    result = runner.invoke(args=["mail", "ingest", "--maildir", str(tmp_path / "Maildir")])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2 messages: 1 created, 1 quarantined"
    assert db.session.query(Complaint).count() == 1
    again = runner.invoke(args=["mail", "ingest", "--maildir", str(tmp_path / "Maildir")])
    assert again.stdout.strip() == "0 messages"
