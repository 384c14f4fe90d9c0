"""Uploads on a disk that fills up (issue 10): an upload that failed on a full disk left
`.part` files and answered 500. Now nothing of the submission is kept, files included, and
the customer sees the form again with a clear message and what they typed.

The full disk is real: the submitting process runs under RLIMIT_FSIZE (with SIGXFSZ
ignored), so the kernel refuses to let any file it writes grow past the limit and the write
fails with EFBIG, as a full disk fails with ENOSPC. The limit sits above the database file
and the request, below the size of the re-encoded photo, so only the photo's write fails.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from flask import Flask
from PIL import Image
from sqlalchemy.engine import make_url

from helpdesk.extensions import db
from helpdesk.files.uploads import Upload, check_evidence
from helpdesk.models import Attachment, Complaint, Message, OutboxEmail

ROOT = Path(__file__).resolve().parents[2]

#: Runs in its own process: opens the form, lowers the file size limit, submits the form with
#: a small PNG (written first) and a photo whose re-encoded file is too big for the limit,
#: then lifts the limit and sends the very same form again (the "try again later").
SCRIPT = textwrap.dedent(
    """
    import json, resource, signal, sys
    sys.path.insert(0, sys.argv[1])
    from tests.conftest import make_app
    from tests.web.test_public_submit import GOOD, PageForm, file_part, post_multipart

    args = json.loads(sys.argv[2])
    app = make_app(__import__("pathlib").Path(args["tmp"]), args["db"])
    client = app.test_client()
    if "track" in args:  # open the case as the customer does: code and email
        track = PageForm(client.get("/track").get_data(as_text=True), "track-form")
        values = track.data({"Reference code": args["track"][0], "Email": args["track"][1]})
        assert client.post(track.action, data=values).status_code == 303
    page = client.get(args["url"]).get_data(as_text=True)
    form = PageForm(page, args["form"])
    data = form.data(args["values"])
    files = [(open(p, "rb").read(), name) for p, name in args["files"]]

    def post():
        body = dict(data)
        body[form.file_input()] = [file_part(b, n) for b, n in files]
        return post_multipart(client, form.action, body)

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (args["limit"], resource.RLIM_INFINITY))
    full = post()
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    again = post()
    print(json.dumps({
        "full": [full.status_code, full.get_data(as_text=True)],
        "again": [again.status_code, again.headers.get("Location")],
    }))
    """
)

MESSAGE = "We could not store your files just now, so nothing was saved."


def database_file_size(app: Flask) -> int:
    """The SQLite file's size: the submitting process writes it under the limit too. On
    PostgreSQL the server writes the database, so nothing of it counts."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    return Path(url.database or "").stat().st_size if url.get_backend_name() == "sqlite" else 0


def noisy_jpeg() -> bytes:
    """A low-quality JPEG of noise: small to send (about 280 kB), about three times bigger once
    re-encoded (about 790 kB), well above the limit the migrated database (about 370 kB) sets.
    At 1400 pixels a side the re-encoded photo sat 200 bytes under that limit and the check
    below failed in CI."""
    pixels = Image.frombytes("RGB", (1600, 1600), os.urandom(1600 * 1600 * 3))
    out = io.BytesIO()
    pixels.save(out, "JPEG", quality=10)
    return out.getvalue()


def small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 120, 0)).save(out, "PNG")
    return out.getvalue()


def run_full_disk(app: Flask, tmp_path: Path, args: dict[str, object]) -> dict[str, list[object]]:
    """Run SCRIPT against this test's database and folders; its JSON answer."""
    photo, png = noisy_jpeg(), small_png()
    # The limit must let the database, the request and the PNG be written, not the photo.
    limit = max(database_file_size(app), len(photo)) + 160 * 1024
    assert len(check_evidence(Upload("photo.jpg", photo)).data) > limit + 64 * 1024
    assert len(photo) < 400 * 1024  # werkzeug keeps requests under 500 kB in memory
    (tmp_path / "evidence.png").write_bytes(png)
    (tmp_path / "photo.jpg").write_bytes(photo)
    args |= {
        "tmp": str(tmp_path),
        "db": app.config["SQLALCHEMY_DATABASE_URI"],
        "limit": limit,
        "files": [[str(tmp_path / name), name] for name in ("evidence.png", "photo.jpg")],
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT), json.dumps(args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, list[object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def files_in(folder: str) -> list[Path]:
    return sorted(p for p in Path(folder).rglob("*") if p.is_file())


def test_a_full_disk_keeps_nothing_and_shows_the_form_again(app: Flask, tmp_path: Path) -> None:
    values = {
        "Name": "Anna de Vries",
        "Email": "anna@example.com",
        "Category": "physical",
        "Description": "The lamp arrived broken; photos attached.",
    }
    result = run_full_disk(
        app, tmp_path, {"url": "/complaints/new", "form": "complaint-form", "values": values}
    )
    status, page = result["full"]
    assert status == 200
    assert isinstance(page, str)
    assert MESSAGE in page
    assert 'value="Anna de Vries"' in page  # what was typed is kept
    assert "The lamp arrived broken; photos attached." in page
    # The form sent again once there is room makes exactly one complaint with both files.
    assert result["again"] == [303, "/complaints/submitted"]
    db.session.expire_all()
    assert db.session.query(Complaint).count() == 1
    assert db.session.query(OutboxEmail).count() == 1
    stored = {a.stored_name for a in db.session.query(Attachment)}
    assert len(stored) == 2
    # No .part file, and no file of the failed try: only the two of the second try.
    assert {p.name for p in files_in(app.config["UPLOAD_DIR"])} == stored


def test_a_full_disk_during_an_answer_keeps_nothing(app: Flask, tmp_path: Path) -> None:
    from helpdesk.services.submission import submit_complaint
    from tests.services.test_submission import new_complaint
    from tests.web.test_public_track import waiting

    complaint = submit_complaint(new_complaint())
    waiting(complaint)
    messages = db.session.query(Message).count()
    result = run_full_disk(
        app,
        tmp_path,
        {
            "url": "/track/case",
            "form": "answer-form",
            "values": {"Your answer": "Here are the photos you asked for."},
            "track": [complaint.display_reference, complaint.email],
        },
    )
    status, page = result["full"]
    assert status == 200 and isinstance(page, str)
    assert MESSAGE in page
    assert "Here are the photos you asked for." in page
    assert result["again"][0] == 303
    db.session.expire_all()
    assert db.session.query(Message).count() == messages + 1
    stored = {a.stored_name for a in db.session.query(Attachment)}
    assert len(stored) == 2
    assert {p.name for p in files_in(app.config["UPLOAD_DIR"])} == stored


#: The staff side: an agent sends "Replacement file" with a file too big for the limit.
OUTCOME_SCRIPT = textwrap.dedent(
    """
    import json, re, resource, signal, sys
    sys.path.insert(0, sys.argv[1])
    from pathlib import Path
    from tests.conftest import STAFF_PASSWORD, make_app
    from tests.web.test_public_submit import file_part, post_multipart

    args = json.loads(sys.argv[2])
    app = make_app(Path(args["tmp"]), args["db"])
    client = app.test_client()
    login = {"email": args["staff"], "password": STAFF_PASSWORD}
    assert client.post("/staff/login", data=login).status_code in (302, 303)
    page = client.get(args["url"]).get_data(as_text=True)
    hidden = r'name="(outcome-(?:version|seen))" type="hidden" value="([^"]*)"'
    data = dict(re.findall(hidden, page))
    data["outcome-body"] = "Here is the corrected manual."
    cause = re.search(r'name="outcome-root_cause".*?<option value="(\\w+)"', page, re.S)
    if cause:  # the form asks for a root cause: give the first one
        data["outcome-root_cause"] = cause.group(1)
    big = open(args["file"], "rb").read()

    def post():
        sent = data | {"outcome-file": file_part(big, "manual.pdf")}
        return post_multipart(client, args["url"], sent)

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (args["limit"], resource.RLIM_INFINITY))
    full = post()
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    again = post()
    print(json.dumps({"full": [full.status_code, full.get_data(as_text=True)],
                      "again": [again.status_code, again.headers.get("Location")]}))
    """
)


def test_a_full_disk_during_a_replacement_file_sends_nothing(app: Flask, tmp_path: Path) -> None:
    from helpdesk.models import Outcome
    from helpdesk.models.types import utcnow
    from tests.services.outcomes_support import fast_staff, new_complaint, pdf_bytes

    complaint = new_complaint(now=utcnow())
    agent = fast_staff("agent")
    limit = database_file_size(app) + 64 * 1024
    manual = pdf_bytes() + b"%" + b"x" * (limit + 32 * 1024)
    assert len(manual) < 480 * 1024, "the request must stay in memory (werkzeug: 500 kB)"
    (tmp_path / "manual.pdf").write_bytes(manual)
    args = {
        "tmp": str(tmp_path),
        "db": app.config["SQLALCHEMY_DATABASE_URI"],
        "limit": limit,
        "staff": agent.email,
        "url": f"/staff/complaints/{complaint.reference}/outcome/replacement_file",
        "file": str(tmp_path / "manual.pdf"),
    }
    done = subprocess.run(
        [sys.executable, "-c", OUTCOME_SCRIPT, str(ROOT), json.dumps(args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    status, page = result["full"]
    assert status == 422
    assert MESSAGE in page and "Here is the corrected manual." in page
    assert result["again"] == [303, f"/staff/complaints/{complaint.reference}"]
    db.session.expire_all()
    assert db.session.query(Outcome).count() == 1
    kinds = sorted(e.kind for e in db.session.query(OutboxEmail))
    assert kinds == ["acknowledgement", "outcome"]  # one outcome email, from the second try
    stored = {a.stored_name for a in db.session.query(Attachment)}
    assert {p.name for p in files_in(app.config["UPLOAD_DIR"])} == stored and len(stored) == 1
