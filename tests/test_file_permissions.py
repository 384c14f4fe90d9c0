"""What the helpdesk writes is readable by its own user only (0600 files, 0700 folders): the
database, uploads and raw emails were world-readable (0644)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.sqlite_only("the SQLite database file's mode (the data files' are the same on both)")
def test_database_and_data_files_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HELPDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'helpdesk.sqlite3'}",
        "HELPDESK_DATA_DIR": str(data),
        "HELPDESK_SECRET_KEY": "k" * 40,
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    old = os.umask(0o022)  # a permissive shell, as on most servers
    try:
        subprocess.run(
            [*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        message = (
            b"From: Anna <anna@example.com>\r\nTo: info@iopro.nl\r\nSubject: broken lamp\r\n"
            b"Message-ID: <perm@x>\r\n\r\nThe lamp arrived broken.\r\n"
        )
        subprocess.run(
            [*flask, "mail", "ingest"],
            cwd=ROOT,
            env=env,
            input=message,
            check=True,
            capture_output=True,
        )
    finally:
        os.umask(old)
    files = [tmp_path / "helpdesk.sqlite3", *(p for p in data.rglob("*") if p.is_file())]
    folders = [data, *(p for p in data.rglob("*") if p.is_dir())]
    assert any(p.suffix == ".eml" for p in files)  # the raw email was kept
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    for path in folders:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
