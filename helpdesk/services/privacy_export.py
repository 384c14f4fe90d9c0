"""Writing a person's data export (services.privacy_data says what it holds): one ZIP with
data.json, their files and emails, and README.txt, written next to its final name under a
temporary name (mode 0600) and then renamed, so a reader never sees half an export; an
audit event on each case says its data went out.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..extensions import db
from ..models import Complaint
from ..models.types import utcnow
from .lifecycle import record_event
from .privacy_data import Member, PersonData, collect
from .privacy_lookup import log_line
from .privacy_readme import readme_text

__all__ = ["ExportPathError", "ExportSummary", "check_out_path", "collect", "write_export"]

#: Called with the number of files just written.
Progress = Callable[[int], object]


class ExportPathError(ValueError):
    """The export cannot be written there; the message says why, in one line."""


@dataclass(frozen=True)
class ExportSummary:
    """What was written."""

    path: Path
    complaints: int
    files: int
    size: int


def check_out_path(out: Path) -> None:
    """ExportPathError when no file can be written at `out`."""
    if out.is_dir():
        raise ExportPathError(f"{out} is a folder; give the path of the ZIP file to write.")
    folder = out.parent
    if not folder.is_dir():
        raise ExportPathError(f"The folder {folder} does not exist.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportPathError(f"Cannot write in {folder}: permission denied.")


def write_export(
    person: PersonData, out: Path, *, progress: Progress | None = None, now: datetime | None = None
) -> ExportSummary:
    """Write the ZIP atomically (0600), then record an audit event on each case."""
    check_out_path(out)
    try:
        descriptor, temp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    except OSError as exc:
        raise ExportPathError(f"Cannot write in {out.parent}: {exc.strerror}.") from None
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            copied = _zip(handle, person, progress)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, out)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _audit(person, copied, now or utcnow())
    references = [case["reference"] for case in person.data["complaints"]]
    log_line("export", complaints=references, files=copied,
             internal_notes=person.data["internal_notes_included"])  # fmt: skip
    return ExportSummary(out, len(person.complaint_ids), copied, out.stat().st_size)


def _zip(handle: Any, person: PersonData, progress: Progress | None) -> int:
    """data.json, README.txt and every file that is still there; how many files were copied."""
    copied = 0
    actual: dict[str, str | None] = {}
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in person.members:
            actual[member.name] = _copy(archive, member)
            copied += actual[member.name] is not None
            if progress is not None:
                progress(1)
        _mark_copies(person.data, actual)
        text = json.dumps(person.data, indent=2, ensure_ascii=False, sort_keys=False)
        archive.writestr("data.json", text.encode("utf-8"))
        archive.writestr("README.txt", readme_text(person).encode("utf-8"))
    return copied


def _copy(archive: zipfile.ZipFile, member: Member) -> str | None:
    """Stream one file into the ZIP; its SHA-256 (None when the file is gone)."""
    if not member.source.is_file():
        return None
    digest = hashlib.sha256()
    info = zipfile.ZipInfo(member.name, time.localtime(member.source.stat().st_mtime)[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with member.source.open("rb") as source, archive.open(info, "w") as target:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            target.write(chunk)
    return digest.hexdigest()


def _mark_copies(data: dict[str, Any], actual: dict[str, str | None]) -> None:
    """Say in data.json which files are missing, or differ from the hash we recorded."""

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            name = node.get("file")
            if isinstance(name, str) and name in actual and isinstance(node.get("size"), int):
                found = actual[name]
                node["in_this_export"] = found is not None
                if found is not None and node.get("sha256") not in (None, found):
                    node["sha256_of_the_copy"] = found
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(data)


def _audit(person: PersonData, files: int, now: datetime) -> None:
    """One audit event per case: its data was exported (an export is no activity on the case,
    so its last activity, which the inbox and closing read, stays as it was)."""
    for complaint_id in person.complaint_ids:
        complaint = db.session.get(Complaint, complaint_id)
        if complaint is None:
            continue
        quiet_since = complaint.last_activity_at
        detail = {"files": files, "internal_notes": bool(person.data["internal_notes_included"])}
        record_event(complaint, "personal_data_exported", now=now, actor="system", detail=detail)
        complaint.last_activity_at = quiet_since
    db.session.commit()
