"""Files from outside: checked by content, images re-encoded, stored under random names.

A customer's evidence may be a JPEG, PNG, WebP or PDF of at most MAX_ATTACHMENT_BYTES. The
name someone gave a file proves nothing, so the type comes from the bytes: magic numbers,
then Pillow (images) or pypdf (PDF) must be able to read it. Images are re-encoded, which
applies the orientation and drops EXIF/GPS data and anything hidden after the image.

A picture's size in pixels is read from its header (Pillow's open is lazy) and checked
against MAX_IMAGE_PIXELS before anything is decoded: a few kilobytes of PNG can describe
7000 x 7000 pixels, 200 MB once decoded. `init_app` also sets Pillow's own limit to the same
budget for the whole process, so any image over twice the budget raises wherever it is
opened instead of being decoded.

Files are written as soon as `store_upload` is called, each under a temporary name in the
same folder (`NAME.part`), flushed to disk, then renamed, so a file with a real name is always
whole. A write that fails (disk full, I/O error) removes its temporary file and raises
StorageFailed; if the surrounding transaction does not commit, the files it wrote are
removed again (a hook on the session), so nothing half-stored stays behind. What a killed
process leaves anyway, `flask files check` finds (commands.files).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import secrets
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import event

from ..extensions import db
from ..models import Attachment, Complaint, Message

log = logging.getLogger(__name__)

_NEW_FILES = "helpdesk_new_files"
#: The suffix of a file being written; one left behind is removed by `flask files check`.
TEMP_SUFFIX = ".part"

#: content type → (Pillow format or None for PDF, file extension)
KINDS: dict[str, tuple[str | None, str]] = {
    "image/jpeg": ("JPEG", "jpg"),
    "image/png": ("PNG", "png"),
    "image/webp": ("WEBP", "webp"),
    "application/pdf": (None, "pdf"),
}


@dataclass(frozen=True)
class Upload:
    """A file as received, not yet trusted."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class CheckedUpload(Upload):
    """A file that passed the checks: cleaned bytes, a safe name and its real content type."""

    content_type: str = "application/octet-stream"


class UploadError(ValueError):
    """A file we refuse; `.message` is translated and meant for the form field."""

    def __init__(self, filename: str, message: str) -> None:
        super().__init__(message)
        self.filename = filename
        self.message = message


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


def sniff_type(data: bytes) -> str | None:
    """The content type the first bytes announce (only the kinds we accept), else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def safe_filename(name: str, extension: str | None = None) -> str:
    """A display name without folders or control characters, ending in `extension` if given."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem[:120] or "file"
    if extension:
        ext = "jpg" if extension == "jpg" and ext.lower() == "jpeg" else extension
    return f"{stem}.{ext[:10]}" if ext else stem


def check_evidence(upload: Upload) -> CheckedUpload:
    """Check one customer file by content and clean it; raises UploadError."""
    name = safe_filename(upload.filename)
    limit = int(current_app.config["MAX_ATTACHMENT_BYTES"])
    if not upload.data:
        raise UploadError(name, _("%(name)s is empty.", name=name))
    if len(upload.data) > limit:
        raise UploadError(
            name, _("%(name)s is larger than %(mb)d MB.", name=name, mb=limit // (1024 * 1024))
        )
    content_type = sniff_type(upload.data)
    if content_type is None:
        raise UploadError(
            name,
            _("%(name)s is not a JPEG, PNG, WebP or PDF file.", name=name),
        )
    pil_format, extension = KINDS[content_type]
    if pil_format is None:
        _check_pdf(name, upload.data)
        data = upload.data
    else:
        data = _reencode_image(name, upload.data, pil_format)
    if len(data) > limit:
        raise UploadError(
            name, _("%(name)s is larger than %(mb)d MB.", name=name, mb=limit // (1024 * 1024))
        )
    return CheckedUpload(safe_filename(name, extension), data, content_type)


def check_evidence_files(uploads: Sequence[Upload]) -> list[CheckedUpload]:
    """Check every file and the number of files; raises UploadError at the first problem."""
    most = int(current_app.config["MAX_ATTACHMENTS"])
    if len(uploads) > most:
        raise UploadError("", _("You can attach at most %(count)d files.", count=most))
    return [u if isinstance(u, CheckedUpload) else check_evidence(u) for u in uploads]


def init_app(app: Flask) -> None:
    """Pillow's decompression-bomb limit, for every image this process opens: over
    MAX_IMAGE_PIXELS it warns, over twice that Image.open raises."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = int(app.config["MAX_IMAGE_PIXELS"])


def over_pixel_budget(size: tuple[int, int]) -> bool:
    """True when a picture of `size` (width, height; from its header) has more pixels than
    MAX_IMAGE_PIXELS allows: never decode it."""
    width, height = size
    return width * height > int(current_app.config["MAX_IMAGE_PIXELS"])


def _too_many_pixels(name: str) -> UploadError:
    millions = format_decimal(int(current_app.config["MAX_IMAGE_PIXELS"]) / 1_000_000)
    return UploadError(
        name,
        _(
            "%(name)s has too many pixels: a picture may have at most %(millions)s million. "
            "Please send a smaller version.",
            name=name,
            millions=millions,
        ),
    )


def _unreadable(name: str) -> UploadError:
    return UploadError(name, _("%(name)s is damaged or not a real image or PDF.", name=name))


def _reencode_image(name: str, data: bytes, pil_format: str) -> bytes:
    """Open, verify and save the picture again: orientation applied, metadata gone."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:  # reads the header only
                if probe.format != pil_format:
                    raise _unreadable(name)
                if over_pixel_budget(probe.size):
                    raise _too_many_pixels(name)
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image) or image
                return _save_clean(upright, pil_format)
    except UploadError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _unreadable(name) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(name) from exc


def _save_clean(image: Any, pil_format: str) -> bytes:
    """Encode `image` without EXIF, ICC or text chunks."""
    image.info = {}
    if pil_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif pil_format == "PNG" and image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I"):
        image = image.convert("RGBA")
    elif pil_format == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    out = io.BytesIO()
    options: dict[str, Any] = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}}.get(pil_format, {})
    image.save(out, pil_format, **options)
    return out.getvalue()


def _check_pdf(name: str, data: bytes) -> None:
    """pypdf must read the document and find at least one page."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if len(reader.pages) < 1:
                raise _unreadable(name)
    except UploadError:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _unreadable(name) from exc
    except RecursionError as exc:
        raise _unreadable(name) from exc


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
