"""Files written to disk for the database: under random names, atomically, and removed again
when their transaction does not commit.

Files are written as soon as `store_upload` is called, each under a temporary name in the
same folder (`NAME.part`), flushed to disk, then renamed, so a file with a real name is always
whole. A write that fails (disk full, I/O error) removes its temporary file and raises
StorageFailed; if the surrounding transaction does not commit, the files it wrote are
removed again (a hook on the session), so nothing half-stored stays behind. What a killed
process leaves anyway, `flask files check` finds (commands.files). What may be stored is
files.uploads' to decide.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event

from ..extensions import db
from ..models import Attachment, Complaint, Message
from .uploads import (
    KINDS,
    CheckedUpload,
    Upload,
    UploadError,
    check_evidence,
    safe_filename,
    sniff_type,
)

log = logging.getLogger(__name__)

_NEW_FILES = "helpdesk_new_files"
#: The suffix of a file being written; one left behind is removed by `flask files check`.
TEMP_SUFFIX = ".part"


class StorageFailed(UploadError):
    """A good file we could not write (disk full, I/O error): nothing of the submission is
    kept, and the person may simply try again later."""

    def __init__(self, filename: str) -> None:
        super().__init__(
            filename,
            _(
                "We could not store your files just now, so nothing was saved. "
                "Please try again in a little while."
            ),
        )


def upload_dir() -> Path:
    """UPLOAD_DIR as a Path."""
    return Path(current_app.config["UPLOAD_DIR"])


def attachment_path(attachment: Attachment) -> Path:
    """Where an attachment's bytes live on disk."""
    return upload_dir() / Path(attachment.stored_name).name


def store_upload(
    upload: Upload,
    *,
    complaint: Complaint,
    message: Message | None,
    uploaded_by: str,
    purpose: str = "evidence",
) -> Attachment:
    """Write the file under a random name and add its Attachment row (no commit).

    Evidence is checked and cleaned here unless it is a CheckedUpload already; other
    purposes (a staff member's replacement file) are stored as given.
    """
    if isinstance(upload, CheckedUpload):
        checked = upload
    elif purpose == "evidence":
        checked = check_evidence(upload)
    else:
        content_type = sniff_type(upload.data) or "application/octet-stream"
        checked = CheckedUpload(safe_filename(upload.filename), upload.data, content_type)
    extension = KINDS.get(checked.content_type, (None, "bin"))[1]
    stored_name = f"{secrets.token_hex(16)}.{extension}"
    try:
        write_new_file(upload_dir() / stored_name, checked.data)
    except OSError as exc:
        log.error("could not store upload %s", stored_name, exc_info=exc)
        raise StorageFailed(checked.filename) from exc
    attachment = Attachment(
        complaint=complaint,
        message=message,
        original_name=checked.filename[:255],
        stored_name=stored_name,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=hashlib.sha256(checked.data).hexdigest(),
        uploaded_by=uploaded_by,
        purpose=purpose,
    )
    db.session.add(attachment)
    return attachment


def write_new_file(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, atomically, and remember it until the commit:
    if the transaction ends without one, the file is removed again. Any folder will do
    (uploads here, raw inbound emails in services.raw_email).

    The bytes go to `<name>.part` in the same folder, are fsynced, and the file is renamed
    (and the folder fsynced, so the name survives a crash after the commit). Any failure
    removes what this call wrote and raises (OSError for a full disk or an I/O error).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + TEMP_SUFFIX)
    try:
        with open(partial, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(path)
        _fsync_folder(path.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        path.unlink(missing_ok=True)  # a new random name: only this call can have made it
        raise
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that the end of this transaction decides the file's fate
    session.info.setdefault(_NEW_FILES, []).append(path)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where folders cannot be opened)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@event.listens_for(db.session, "after_commit")
def _keep_new_files(session: Any) -> None:
    """Committed: the files written in this transaction stay."""
    session.info.pop(_NEW_FILES, None)


@event.listens_for(db.session, "after_transaction_end")
def _drop_new_files(session: Any, transaction: Any) -> None:
    """Ended without a commit (rollback, close): remove files for rows that will never exist."""
    if transaction.parent is not None:
        return
    for path in session.info.pop(_NEW_FILES, []):
        Path(path).unlink(missing_ok=True)
