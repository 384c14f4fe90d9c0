"""`cases export` keeps a bundle nothing has changed in, and makes it anew when anything has:
the case (a new event), an original file on disk, or --rebuild. The moment a file is made is
the one thing its key leaves out."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from pypdf import PdfReader

from helpdesk.commands.case_export import export_one
from helpdesk.documents.bundle import stored_key
from helpdesk.documents.casefile import case_file_source
from helpdesk.files.storage import attachment_path
from helpdesk.services.casefile import load_case_file
from helpdesk.services.replies import add_note
from tests.documents.casefile_support import full_case
from tests.documents.test_casefile_delivery import check_bundle
from tests.services.outcomes_support import fast_staff


def _export(runner: FlaskCliRunner, out: Path, *extra: str) -> str:
    result = runner.invoke(args=["cases", "export", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return str(result.output)


def _pdf_text(bundle: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".pdf"))
        pdf = archive.read(name)
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_key_leaves_out_only_the_moment_the_file_is_made(app: Flask) -> None:
    case = full_case(fast_staff("agent"), fast_staff("manager"), photos=1)
    reference = case.complaint.reference
    first = load_case_file(reference, internal=False)
    assert first is not None
    later = load_case_file(reference, internal=False, now=first.generated_at + timedelta(days=3))
    assert later is not None
    one, two = case_file_source(first), case_file_source(later)
    assert one.made_on != two.made_on
    assert one.made_on in one.html and two.made_on in two.html
    assert one.html != two.html
    assert one.key == two.key
    internal = load_case_file(reference, internal=True, now=later.generated_at)
    assert internal is not None
    assert case_file_source(internal).key != two.key


def test_an_unchanged_bundle_is_kept_and_a_changed_one_made_anew(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    case = full_case(fast_staff("agent"), fast_staff("manager"), photos=1)
    out = tmp_path / "out"
    assert "1 evidence bundle(s) written" in _export(runner, out)
    bundle = out / f"evidence-{case.complaint.display_reference}.zip"
    made = bundle.read_bytes()
    check_bundle(made, case.complaint.reference, attachments=1)
    assert stored_key(bundle) is not None

    output = _export(runner, out)
    assert "0 evidence bundle(s) written" in output and "1 unchanged since made and kept" in output
    assert bundle.read_bytes() == made

    # A new event changes the audit chain's head, which the customer's version prints too.
    add_note(case.complaint, case.agent, "Checked the pallet again.", case.complaint.version)
    assert "1 evidence bundle(s) written" in _export(runner, out)
    again = bundle.read_bytes()
    assert again != made
    check_bundle(again, case.complaint.reference, attachments=1)
    assert _pdf_text(again).count("Checked the pallet") == 0  # a note: not in this version

    assert "1 evidence bundle(s) written" in _export(runner, out, "--rebuild")


def test_a_changed_original_file_makes_the_bundle_anew(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    case = full_case(fast_staff("agent"), fast_staff("manager"), photos=1)
    out = tmp_path / "out"
    _export(runner, out)
    bundle = out / f"evidence-{case.complaint.display_reference}.zip"
    photo = attachment_path(case.complaint.attachments[0])
    photo.write_bytes(photo.read_bytes() + b"tampered")
    assert "1 evidence bundle(s) written" in _export(runner, out)
    with zipfile.ZipFile(bundle) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    (entry,) = [e for e in manifest["files"] if e["kind"] == "attachment"]
    assert entry["sha256"] != entry["recorded_sha256"]  # the bundle shows the change
    photo.unlink()
    assert "1 evidence bundle(s) written" in _export(runner, out)
    with zipfile.ZipFile(bundle) as archive:
        assert not [n for n in archive.namelist() if n.startswith("attachments/")]


def test_a_bundle_not_made_by_us_is_replaced(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    case = full_case(fast_staff("agent"), fast_staff("manager"), photos=0)
    out = tmp_path / "out"
    out.mkdir()
    bundle = out / f"evidence-{case.complaint.display_reference}.zip"
    bundle.write_bytes(b"not a zip")
    assert "1 evidence bundle(s) written" in _export(runner, out)
    check_bundle(bundle.read_bytes(), case.complaint.reference, attachments=0)


def test_export_one_makes_the_case_file_at_the_moment_given(app: Flask, tmp_path: Path) -> None:
    """bench/casefile_profile.py pins the moment so two runs print the same case files."""
    case = full_case(fast_staff("agent"), fast_staff("manager"), photos=0)
    moment = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)
    with app.test_request_context():
        assert export_one(case.complaint.reference, tmp_path, internal=False, now=moment) == (
            "written"
        )
    (bundle,) = tmp_path.glob("*.zip")
    with zipfile.ZipFile(bundle) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["generated_at"] == moment.isoformat()
    assert "1 Apr 2026" in _pdf_text(bundle.read_bytes())
