"""Small previews of image attachments: made with Pillow on the server, within the pixel
budget, cached on disk beside the uploads, and only ever a JPEG or PNG we wrote ourselves.

Only stored pictures (JPEG, PNG, WebP: what files.uploads accepts and re-encodes) get one;
a PDF, an SVG or an HTML file never does, and nothing of the original is sent: the preview is
decoded from the original and encoded afresh. A PNG stays a PNG (screenshots, transparency),
anything else becomes a JPEG. The size in the header is checked against MAX_IMAGE_PIXELS
before any pixel is decoded.

The cache is `UPLOAD_DIR/thumbnails/<stored name>.<size>.jpg|png`, written atomically, so
two requests making the same preview at once both end with a whole file. An erasure removes
the previews with the upload (`thumbnail_files`); `files check` finds the stale ones (their
attachment row or its file gone, or named for another size or format) and `--delete`
removes them.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ..models import Attachment
from .storage import attachment_path, upload_dir
from .uploads import over_pixel_budget

log = logging.getLogger(__name__)

#: The longest side of a preview on a page, in pixels (shown at half that for sharp screens).
THUMBNAIL_SIZE = 320
#: Content types that get a preview, and the format it is written in.
THUMBNAIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "JPEG"}
_MIMETYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
_SUFFIXES = {"JPEG": "jpg", "PNG": "png"}


@dataclass(frozen=True)
class Thumbnail:
    """A preview's bytes and content type."""

    data: bytes
    mimetype: str


def has_thumbnail(attachment: Attachment) -> bool:
    """True when `attachment` is a picture that gets a preview (pages show an <img> for it)."""
    return attachment.content_type in THUMBNAIL_FORMATS


def thumbnail_dir() -> Path:
    """Where previews are cached: a folder inside the uploads folder."""
    return upload_dir() / "thumbnails"


def preview_name(stored_name: str, content_type: str) -> str | None:
    """The file name in thumbnail_dir() of the preview an upload is shown with; None when
    its content type gets none."""
    output = THUMBNAIL_FORMATS.get(content_type)
    if output is None:
        return None
    return f"{Path(stored_name).name}.{THUMBNAIL_SIZE}.{_SUFFIXES[output]}"


def previewed_name(preview: str) -> str:
    """The stored name a preview's file name starts with (whatever its size and format)."""
    return preview.rsplit(".", 2)[0]


def thumbnail_files(attachment: Attachment) -> list[Path]:
    """Every preview of `attachment` that may be on disk (to remove them with the file)."""
    name = Path(attachment.stored_name).name
    return [thumbnail_dir() / f"{name}.{THUMBNAIL_SIZE}.{suffix}" for suffix in _SUFFIXES.values()]


def thumbnail(attachment: Attachment) -> Thumbnail | None:
    """The attachment's preview, made now if not cached; None when it has none (not a
    picture, the file is gone or unreadable, or it is over the pixel budget)."""
    preview = preview_name(attachment.stored_name, attachment.content_type)
    if preview is None:
        return None
    output = THUMBNAIL_FORMATS[attachment.content_type]
    path = thumbnail_dir() / preview
    try:
        return Thumbnail(path.read_bytes(), _MIMETYPES[output])
    except FileNotFoundError:
        pass
    data = shrink(attachment_path(attachment), THUMBNAIL_SIZE, output)
    if data is None:
        return None
    try:
        _write(path, data)
    except OSError:  # a full disk: show the preview all the same, cache it another time
        log.warning(
            "could not cache the preview of %s", Path(attachment.stored_name).name, exc_info=True
        )
    return Thumbnail(data, _MIMETYPES[output])


def shrink(path: Path, size: int, output: str = "JPEG") -> bytes | None:
    """The picture at `path` at most `size` pixels on its longest side, encoded afresh as
    `output` ("JPEG" or "PNG"); None when it cannot be read or is over the pixel budget."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if over_pixel_budget(image.size):  # from the header: nothing decoded yet
                    return None
                image.draft("RGB", (size, size))  # a JPEG decodes at a fraction of its size
                mode = "RGBA" if output == "PNG" and _has_alpha(image) else "RGB"
                small = image.convert(mode)
                small.thumbnail((size, size))
                out = io.BytesIO()
                if output == "PNG":
                    small.save(out, "PNG", optimize=True)
                else:
                    small.save(out, "JPEG", quality=80)
                return out.getvalue()
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, Warning):
        log.warning("no preview of %s", path.name, exc_info=True)
        return None


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _write(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole: a private temporary name first, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{secrets.token_hex(6)}.part")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
