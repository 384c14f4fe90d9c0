"""`privacy export EMAIL --out PATH`: one ZIP with data.json (every complaint of the address
with all its parts, ISO dates), the person's files and original emails whose hashes match
what was stored, a README.txt; written atomically and private (0600); an audit event per
case; nothing of anyone else; bad paths and addresses are one line and exit status 2."""

from __future__ import annotations

import hashlib
import json
import logging
import stat
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.files.storage import attachment_path
from helpdesk.models import Attachment, AuditEvent, Complaint, InboundEmail
from helpdesk.services.raw_email import raw_email_path
from tests.services.audit_support import new_complaint
from tests.services.privacy_support import EMAIL, ORDER, other_traces, whole_case


def export(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["privacy", "export", *args])


def unzip(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """data.json and every member's bytes."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(members["data.json"]), members


@pytest.fixture
def exported(app: Flask, tmp_path: Path) -> tuple[Result, Path, Complaint]:
    """The whole case and the other traces of the address, exported."""
    case = whole_case()
    new_complaint(name="Bram Baksteen", email="bram@example.nl")
    other_traces()
    out = tmp_path / "out" / "zeb.zip"
    out.parent.mkdir()
    return export(app, EMAIL.upper(), "--out", str(out)), out, case.complaint


def test_the_zip_holds_every_part_of_the_case(exported: tuple[Result, Path, Complaint]) -> None:
    result, out, complaint = exported
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Wrote {out}: 1 complaint(s), 5 file(s)")
    data, members = unzip(out)
    assert data["email"] == EMAIL.lower() and data["internal_notes_included"] is True
    [case] = data["complaints"]
    assert case["reference"] == complaint.display_reference
    assert (case["name"], case["email"], case["order_number"]) == (
        "Zebedeus Quaxelbaum",
        EMAIL,
        ORDER,
    )
    assert "kumquatfiasco" in case["description"]
    assert case["preferred_solution"] == "replacement_product"
    assert datetime.fromisoformat(case["received_at"]) == complaint.received_at
    bodies = [m["body"] for m in case["messages"]]
    assert any("brambleworth" in b for b in bodies)  # their answer by email
    assert any("Thank you Zebedeus" in b for b in bodies)  # our reply
    assert [n["body"] for n in case["internal_notes"]] == [
        "Customer sounded gloomhollow on the phone."
    ]
    assert [o["kind"] for o in case["outcomes"]] == ["replacement_file", "replacement_product"]
    assert case["outcomes"][1]["details"]["tracking_number"] == "TRK-QX-5521"
    assert case["outcomes"][0]["file"].endswith("manual.epub")
    assert case["rating"]["comment"] == "Not marmalise enough."
    assert case["review_reason"] == "The wobblecrank is still broken."
    assert case["referrals"][0]["body_reference"] == "GC-2027-QX-4411"
    kinds = [e["kind"] for e in case["emails_sent_to_you"]]
    assert kinds[0] == "acknowledgement" and "final_response" in kinds
    assert {h["action"] for h in case["history"]} >= {"submitted", "final_response_sent"}
    assert case["retention"]["kept_because"] == "window"
    assert [e["subject"] for e in data["other_emails_to_you"]] == ["Hello Quaxelbaum"]
    assert len(data["quarantined_emails_from_you"]) == 1
    assert {"README.txt", "data.json"} <= set(members)
    assert "Baksteen" not in members["data.json"].decode()  # nobody else's data


def test_files_and_emails_are_copied_with_matching_hashes(
    exported: tuple[Result, Path, Complaint],
) -> None:
    _result, out, _complaint = exported
    data, members = unzip(out)
    [case] = data["complaints"]
    stored = {a.sha256: attachment_path(a) for a in db.session.scalars(select(Attachment))}
    assert len(case["files"]) == 3
    for item in case["files"]:
        copy = members[item["file"]]
        assert hashlib.sha256(copy).hexdigest() == item["sha256"]
        assert copy == stored[item["sha256"]].read_bytes()
        assert item["in_this_export"] is True
    [inbound] = db.session.scalars(select(InboundEmail))
    [email] = case["original_emails"]
    assert members[email["file"]] == raw_email_path(inbound).read_bytes()
    assert hashlib.sha256(members[email["file"]]).hexdigest() == email["sha256"] == inbound.sha256
    assert (
        b"brambleworth" in members["quarantined/001.eml"]
        or b"kumquatfiasco" in (members["quarantined/001.eml"])
    )


def test_the_readme_explains_the_parts(exported: tuple[Result, Path, Complaint]) -> None:
    _result, out, _complaint = exported
    readme = unzip(out)[1]["README.txt"].decode()
    for words in ("data.json", "files/REFERENCE/", "emails/REFERENCE/", "internal_notes",
                  "SHA-256", "730 days after it was closed", "info@iopro.nl"):  # fmt: skip
        assert words in readme, words


def test_written_private_and_whole(exported: tuple[Result, Path, Complaint]) -> None:
    _result, out, _complaint = exported
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in out.parent.iterdir()] == ["zeb.zip"]  # no temporary file left


def test_an_audit_event_per_case_and_the_last_activity_unchanged(app: Flask, tmp_path: Path):
    complaint = whole_case().complaint
    quiet_since = complaint.last_activity_at
    assert export(app, EMAIL, "--out", str(tmp_path / "x.zip")).exit_code == 0
    db.session.expire_all()
    last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last is not None and last.action == "personal_data_exported"
    assert last.detail == {"files": 4, "internal_notes": True}  # 3 files and the raw email
    assert db.session.get(Complaint, complaint.id).last_activity_at == quiet_since  # type: ignore[union-attr]
    verified = app.test_cli_runner().invoke(args=["cases", "verify"])
    assert verified.exit_code == 0, verified.output


def test_internal_notes_can_be_left_out(app: Flask, tmp_path: Path) -> None:
    whole_case()
    out = tmp_path / "x.zip"
    assert export(app, EMAIL, "--out", str(out), "--without-internal-notes").exit_code == 0
    data, members = unzip(out)
    assert "internal_notes" not in data["complaints"][0]
    text = members["data.json"].decode()
    assert "gloomhollow" not in text and "sprocketeer" not in text
    assert "left out of this export" in members["README.txt"].decode()


def test_a_file_no_longer_stored_is_said_so(app: Flask, tmp_path: Path) -> None:
    complaint = whole_case().complaint
    attachment_path(complaint.attachments[0]).unlink()
    out = tmp_path / "x.zip"
    assert export(app, EMAIL, "--out", str(out)).exit_code == 0
    data, members = unzip(out)
    first = data["complaints"][0]["files"][0]
    assert first["in_this_export"] is False and first["file"] not in members


def test_an_unknown_address_gets_an_export_saying_nothing_is_held(app: Flask, tmp_path: Path):
    whole_case()
    out = tmp_path / "x.zip"
    result = export(app, "nobody@example.org", "--out", str(out))
    assert result.exit_code == 0
    assert "No personal data held for nobody@example.org" in result.stdout
    data, _members = unzip(out)
    assert data["complaints"] == [] and data["other_emails_to_you"] == []


@pytest.mark.parametrize(
    ("email", "where", "message"),
    [
        ("not-an-address", "x.zip", "'not-an-address' is not an email address."),
        ("a@b.nl", "missing/x.zip", "does not exist"),
        ("a@b.nl", ".", "is a folder"),
        ("a@b.nl", "/proc/x.zip", "Cannot write in /proc"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    app: Flask, tmp_path: Path, email: str, where: str, message: str
) -> None:
    out = where if where.startswith("/") else str(tmp_path / where)
    result = export(app, email, "--out", out)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and message in line
    assert "Traceback" not in result.output


def test_an_export_leaves_one_log_line_without_the_address(
    app: Flask, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    reference = whole_case().complaint.display_reference
    with caplog.at_level(logging.INFO, logger="helpdesk.privacy"):
        assert export(app, EMAIL, "--out", str(tmp_path / "x.zip")).exit_code == 0
    [line] = [r.getMessage() for r in caplog.records if r.name == "helpdesk.privacy"]
    assert line.startswith("privacy export {")
    assert json.loads(line.split(" ", 2)[2])["complaints"] == [reference]
    assert "@" not in line


def test_the_readme_speaks_the_language_of_the_latest_complaint(app: Flask, tmp_path: Path) -> None:
    """Written for the person: Dutch after a Dutch complaint, the moment of the export in
    Dutch words in the shop's time (not an ISO stamp), the keys and folders as in the files."""
    new_complaint(email="lotte@example.nl", language="en")
    new_complaint(email="lotte@example.nl", language="nl")
    out = tmp_path / "lotte.zip"
    assert export(app, "lotte@example.nl", "--out", str(out)).exit_code == 0
    data, members = unzip(out)
    readme = members["README.txt"].decode()
    assert "Uw persoonsgegevens bij de klachtenafdeling van" in readme
    assert "Hoe lang wij het bewaren" in readme and "How long we keep it" not in readme
    assert "data.json" in readme and "quarantined_emails_from_you" in readme
    assert "files/REFERENTIE/" in readme
    weekdays = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
    exported_line = next(line for line in readme.splitlines() if line.startswith("Geëxporteerd"))
    assert any(day in exported_line for day in weekdays), exported_line
    assert data["generated_at"][:10] not in exported_line  # words, not the ISO date
    assert "lotte@example.nl" in exported_line


def test_the_readme_is_english_without_a_known_language(app: Flask, tmp_path: Path) -> None:
    new_complaint(email="otto@example.de", language="de")  # stored as the default, English
    out = tmp_path / "otto.zip"
    assert export(app, "otto@example.de", "--out", str(out)).exit_code == 0
    readme = unzip(out)[1]["README.txt"].decode()
    assert readme.startswith("Your personal data held by the complaints helpdesk of")
    assert "Exported on" in readme and "UTC)" not in readme.splitlines()[1]
