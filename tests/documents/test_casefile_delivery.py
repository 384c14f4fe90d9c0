"""The case file leaves the helpdesk: as a manager's download (PDF, ZIP), as `cases export`,
and attached to the customer's final response (read at a real SMTP server)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskCliRunner
from pypdf import PdfReader

from helpdesk.mail.sender import send_pending
from helpdesk.services.audit_trail import chain_head
from helpdesk.services.submission import NewComplaint, submit_complaint
from tests.documents.casefile_support import SECRET_NOTE, Case, full_case
from tests.services.outcomes_support import fast_staff, login


def _case(**kw: Any) -> Case:
    return full_case(
        fast_staff("agent", name="Sanne Agent"), fast_staff("manager", name="Pieter Reviewer"), **kw
    )


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_final_response_email_carries_the_customers_case_file(
    app: Flask, smtp_server: Any
) -> None:
    case = _case()
    app.config["SMTP_URL"] = smtp_server.url
    report = send_pending()
    assert report.failed == 0, report.summary()
    messages = smtp_server.wait_for(report.sent)
    final = next(m for m in messages if "Final response" in m["Subject"])
    files = list(final.iter_attachments())
    assert [f.get_filename() for f in files] == [
        f"case-file-{case.complaint.display_reference}.pdf"
    ]
    assert files[0].get_content_type() == "application/pdf"
    text = _text(files[0].get_content())
    assert case.complaint.display_reference in text
    assert "De Geschillencommissie" in text
    assert "Zebrawortel" not in text and "Internal notes (not shown" not in text
    body = final.get_body(preferencelist=("plain",)).get_content()
    assert "De Geschillencommissie" in body
    others = [m for m in messages if m is not final]
    assert all(not list(m.iter_attachments()) for m in others)


def test_managers_download_the_pdf_and_the_bundle(app: Flask) -> None:
    case = _case(photos=2)
    complaint = case.complaint
    client = app.test_client()
    login(client, case.reviewer)
    page = client.get(f"/staff/complaints/{complaint.reference}").get_data(as_text=True)
    assert "Export case file" in page and "Evidence bundle" in page
    pdf = client.get(f"/staff/complaints/{complaint.reference}/case-file.pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert "attachment;" in pdf.headers["Content-Disposition"]
    assert "no-store" in pdf.headers["Cache-Control"]
    assert SECRET_NOTE.split()[0] not in _text(pdf.data)
    internal = client.get(f"/staff/complaints/{complaint.reference}/case-file.pdf?internal=1")
    assert "Zebrawortel" in _text(internal.data)
    zipped = client.get(f"/staff/complaints/{complaint.reference}/evidence-bundle.zip")
    assert zipped.status_code == 200 and zipped.mimetype == "application/zip"
    check_bundle(zipped.data, complaint.reference, attachments=2)
    assert client.get("/staff/complaints/ZZZZZZZZZZZZ/case-file.pdf").status_code == 404


def check_bundle(
    data: bytes, reference: str, *, attachments: int, emails: int = 0
) -> dict[str, Any]:
    """The manifest matches the bytes of every file, and SHA256SUMS says the same."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
        for entry in manifest["files"]:
            content = archive.read(entry["name"])
            assert len(content) == entry["size"]
            assert hashlib.sha256(content).hexdigest() == entry["sha256"]
            if "recorded_sha256" in entry:
                assert entry["recorded_sha256"] == entry["sha256"]
        listed = {entry["name"] for entry in manifest["files"]}
        assert names == listed | {"manifest.json", "SHA256SUMS"}
        sums = archive.read("SHA256SUMS").decode()
        for entry in manifest["files"]:
            assert f"{entry['sha256']}  {entry['name']}\n" in sums
    kinds = [entry["kind"] for entry in manifest["files"]]
    assert kinds.count("case_file") == 1
    assert kinds.count("attachment") == attachments
    assert kinds.count("email") == emails
    assert manifest["audit_chain"]["intact"] is True
    assert manifest["missing_files"] == []
    return manifest


def test_the_bundle_names_the_chain_head(app: Flask) -> None:
    case = _case(photos=1)
    client = app.test_client()
    login(client, case.reviewer)
    data = client.get(f"/staff/complaints/{case.complaint.reference}/evidence-bundle.zip").data
    manifest = check_bundle(data, case.complaint.reference, attachments=1)
    assert manifest["audit_chain"]["head"] == chain_head(case.complaint)
    assert manifest["reference"] == case.complaint.display_reference


def test_agents_see_no_buttons_and_get_403(app: Flask) -> None:
    case = _case(photos=0)
    client = app.test_client()
    login(client, case.agent)
    reference = case.complaint.reference
    page = client.get(f"/staff/complaints/{reference}").get_data(as_text=True)
    assert "Export case file" not in page and "Evidence bundle" not in page
    for url in (
        f"/staff/complaints/{reference}/case-file.pdf",
        f"/staff/complaints/{reference}/case-file.pdf?internal=1",
        f"/staff/complaints/{reference}/evidence-bundle.zip",
    ):
        assert client.get(url).status_code == 403
    anonymous = app.test_client()
    response = anonymous.get(f"/staff/complaints/{reference}/case-file.pdf")
    assert response.status_code in (302, 401)


def test_cases_export_writes_one_bundle_per_matching_case(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    case = _case(photos=1)
    other = submit_complaint(
        NewComplaint(
            name="Bob",
            email="bob@example.com",
            order_number=None,
            category="billing",
            description="Charged twice.",
        )
    )
    out = tmp_path / "out"
    result = runner.invoke(args=["cases", "export", "--status", "final", "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"evidence-{case.complaint.display_reference}.zip"]
    check_bundle((out / files[0]).read_bytes(), case.complaint.reference, attachments=1)
    result = runner.invoke(
        args=["cases", "export", "--category", "billing", "--from", "2020-01-01", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / f"evidence-{other.display_reference}.zip").is_file()
    result = runner.invoke(
        args=["cases", "export", "--ref", other.reference.lower(), "--internal", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / f"evidence-{other.display_reference}-internal.zip").is_file()
    assert not list(out.glob("*.part"))


def test_cases_export_bad_input_is_one_clear_line(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for args, words in (
        (["--ref", "nope", "--out", str(tmp_path)], "not a reference code"),
        (["--ref", "ABCD-EFGH-JK12", "--out", str(tmp_path)], "No complaint has the reference"),
        (["--status", "lost", "--out", str(tmp_path)], "Unknown status"),
        (["--category", "shoes", "--out", str(tmp_path)], "Unknown category"),
        (["--from", "2026-13-01", "--out", str(tmp_path)], "YYYY-MM-DD"),
        (["--from", "2026-05-01", "--to", "2026-04-01", "--out", str(tmp_path)], "is after"),
        (["--out", str(blocker / "sub")], "Cannot use"),
        ([], "Missing option '--out'"),
    ):
        result = runner.invoke(args=["cases", "export", *args])
        assert result.exit_code != 0, args
        assert words in result.output, (args, result.output)
        assert "Traceback" not in result.output
        assert len([line for line in result.output.splitlines() if line.startswith("Error")]) == 1


def test_cases_export_in_parallel_workers(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    references = [
        submit_complaint(
            NewComplaint(
                name=f"Customer {n}",
                email=f"c{n}@example.com",
                order_number=None,
                category="website",
                description=f"The page {n} shows an error.",
            )
        ).display_reference
        for n in range(6)
    ]
    out = tmp_path / "parallel"
    result = runner.invoke(args=["cases", "export", "--jobs", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "6 evidence bundle(s) written" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"evidence-{r}.zip" for r in references)
    for path in out.iterdir():
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
        assert path.name == f"evidence-{manifest['reference']}.zip"
