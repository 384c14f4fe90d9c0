"""Files from outside, checked by content and images re-encoded before anything is stored.

A customer's evidence may be a JPEG, PNG, WebP or PDF of at most MAX_ATTACHMENT_BYTES. The
name someone gave a file proves nothing, so the type comes from the bytes: magic numbers,
then Pillow (images) or pypdf (PDF) must be able to read it. Images are re-encoded, which
applies the orientation and drops EXIF/GPS data and anything hidden after the image.

A picture's size in pixels is read from its header (Pillow's open is lazy) and checked
against MAX_IMAGE_PIXELS before anything is decoded: a few kilobytes of PNG can describe
7000 x 7000 pixels, 200 MB once decoded. `init_app` also sets Pillow's own limit to the same
budget for the whole process, so any image over twice the budget raises wherever it is
opened instead of being decoded.

Storing a checked file is files.storage's.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from flask_babel import format_decimal
from flask_babel import gettext as _

log = logging.getLogger(__name__)

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


#: Formats whose Pillow plugin checks a file with verify() (PNG: every chunk's CRC). For JPEG
#: and WebP, Pillow's verify() only closes the file: decoding them is the check, so they are
#: opened once (docs/performance.md, "Profiles and fixes").
_VERIFIED = frozenset({"PNG"})


def _reencode_image(name: str, data: bytes, pil_format: str) -> bytes:
    """Open, verify and save the picture again: orientation applied, metadata gone."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _open_checked(name, data, pil_format) as image:
                image.load()
                # In place: a copy of every pixel only when the picture must be turned.
                ImageOps.exif_transpose(image, in_place=True)
                return _save_clean(image, pil_format)
    except UploadError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _unreadable(name) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(name) from exc


def _open_checked(name: str, data: bytes, pil_format: str) -> Any:
    """The picture opened (its header read, nothing decoded) after the checks that need no
    decoding: its real format and its size against the pixel budget; verified where the
    format can be (verify() leaves the image unusable, so it is opened again)."""
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    try:
        if image.format != pil_format:
            raise _unreadable(name)
        if over_pixel_budget(image.size):
            raise _too_many_pixels(name)
        if pil_format in _VERIFIED:
            image.verify()
            image.close()
            image = Image.open(io.BytesIO(data))
    except BaseException:
        image.close()
        raise
    return image


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
