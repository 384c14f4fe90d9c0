"""Inbound emails kept as they arrived (evidence for the case file): one file per stored
message, its SHA-256 in the InboundEmail row, nothing for duplicates or ignored messages, and
nothing left behind when the commit fails."""

from __future__ import annotations

import hashlib
import mailbox
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event

from helpdesk.extensions import db
from helpdesk.mail.inbound import ingest_message
from helpdesk.models import Complaint, InboundEmail
from helpdesk.services.raw_email import raw_email_path
from tests.mail.conftest import eml, png_bytes


def raw_files(app: Flask) -> list[Path]:
    """Every file under RAW_EMAIL_DIR (none when the folder was never made)."""
    folder = Path(app.config["RAW_EMAIL_DIR"])
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def rows() -> list[InboundEmail]:
    return list(db.session.query(InboundEmail).order_by(InboundEmail.id))


def check_stored(app: Flask, row: InboundEmail, raw: bytes) -> None:
    """The row's file holds exactly `raw`, and the row's size and hash are those of `raw`."""
    path = raw_email_path(row)
    assert path.parent == Path(app.config["RAW_EMAIL_DIR"])
    assert path.read_bytes() == raw
    assert row.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert row.size == len(raw)


def test_a_piped_email_is_kept_byte_for_byte(app: Flask, runner: Any) -> None:
    raw = eml("My lamp arrived broken.", attachments=(("lamp.png", png_bytes(), "image/png"),))
    result = runner.invoke(args=["mail", "ingest"], input=raw)
    assert result.exit_code == 0, result.output
    complaint = db.session.query(Complaint).one()
    [row] = rows()
    check_stored(app, row, raw)
    assert row.complaint_id == complaint.id
    assert row.message_id == complaint.messages[0].id
    assert row.received_at == complaint.received_at
    assert raw_files(app) == [raw_email_path(row)]
    assert row.stored_name.endswith(".eml") and "lamp" not in row.stored_name


def test_a_reply_that_joins_is_kept_with_its_message(any_app: Flask) -> None:
    app = any_app
    first = eml("Please help.", message_id="<a@x>")
    ingest_message(first)
    complaint = db.session.query(Complaint).one()
    reply = eml("More details.", subject=f"Re: [Ref {complaint.display_reference}]",
                message_id="<b@x>")  # fmt: skip
    assert ingest_message(reply).action == "joined"
    one, two = rows()
    check_stored(app, one, first)
    check_stored(app, two, reply)
    assert two.complaint_id == complaint.id
    assert two.message_id == complaint.messages[-1].id != one.message_id
    assert len(raw_files(app)) == 2


def test_a_maildir_keeps_one_file_per_stored_message(app: Flask, runner: Any, tmp_path: Path):
    box = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    first = eml("First complaint.", message_id="<1@x>")
    second = eml("Second complaint, other sender.", sender="piet@example.nl", message_id="<2@x>")
    box.add(first)
    box.add(second)
    box.add(eml("Out of office.", message_id="<3@x>", headers={"Auto-Submitted": "auto-replied"}))
    result = runner.invoke(args=["mail", "ingest", "--maildir", str(tmp_path / "Maildir")])
    assert result.stdout.strip() == "3 messages: 2 created, 1 ignored"
    stored = {row.sha256: row for row in rows()}
    assert len(stored) == 2 and len(raw_files(app)) == 2
    for raw in (first, second):
        check_stored(app, stored[hashlib.sha256(raw).hexdigest()], raw)


def test_a_duplicate_or_an_ignored_message_stores_nothing_more(any_app: Flask) -> None:
    app = any_app
    raw = eml("Please help.", message_id="<same@x>")
    assert ingest_message(raw).action == "created"
    assert ingest_message(raw).action == "duplicate"
    robot = eml("I am away.", message_id="<away@x>", headers={"Auto-Submitted": "auto-replied"})
    assert ingest_message(robot).action == "ignored"
    assert ingest_message(b"\x00 not an email").action == "ignored"
    assert len(rows()) == 1 and len(raw_files(app)) == 1


def test_a_web_complaint_has_no_raw_email(app: Flask) -> None:
    from tests.services.outcomes_support import new_complaint

    new_complaint()
    assert rows() == [] and raw_files(app) == []


def test_a_failed_commit_leaves_no_file(app: Flask, runner: Any) -> None:
    ingest_message(eml("Please help.", message_id="<first@x>"))
    complaint = db.session.query(Complaint).one()
    kept = raw_files(app)
    reply = eml("More.", subject=f"Re: [Ref {complaint.display_reference}]", message_id="<r@x>")
    new = eml("Another complaint.", sender="piet@example.nl", message_id="<new@x>")
    seen_at_commit: list[int] = []

    def fail(session: Any) -> None:
        seen_at_commit.append(len(raw_files(app)))
        raise RuntimeError("disk full while committing")

    event.listen(db.session, "before_commit", fail)
    try:
        for raw in (reply, new):
            result = runner.invoke(args=["mail", "ingest"], input=raw)
            assert result.exit_code == 75, result.output  # the MTA keeps it and tries again
            assert "disk full" in result.stderr
    finally:
        event.remove(db.session, "before_commit", fail)
    assert seen_at_commit == [len(kept) + 1] * 2  # written, then removed with the rollback
    assert raw_files(app) == kept and len(rows()) == 1
    assert db.session.query(Complaint).count() == 1
    # The mail server's next try works and keeps the file.
    assert runner.invoke(args=["mail", "ingest"], input=new).exit_code == 0
    assert len(raw_files(app)) == 2 and len(rows()) == 2
