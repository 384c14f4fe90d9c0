"""The five outcome kinds of the policy (clause 4), what each needs, and the rules around them.

Pure: placeholders in response texts, the review window, refund amounts and which files
may be sent as a replacement (recognised by their bytes, not their names).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class OutcomeKind(StrEnum):
    """Stable keys for the outcomes staff can give."""

    REPLACEMENT_FILE = "replacement_file"
    REPLACEMENT_PRODUCT = "replacement_product"
    REFUND = "refund"
    TECHNICAL_ASSISTANCE = "technical_assistance"
    CORRECTION = "correction"


#: The remedy a customer may ask for on the complaint form ("Preferred solution"): one of
#: the outcome kinds, or "not sure". Complaint.preferred_solution holds one of these or None.
NOT_SURE = "not_sure"
PREFERRED_SOLUTIONS: tuple[str, ...] = (*(kind.value for kind in OutcomeKind), NOT_SURE)

#: Button labels (PRODUCT.md "Words people read").
LABELS: dict[OutcomeKind, str] = {
    OutcomeKind.REPLACEMENT_FILE: "Replacement file",
    OutcomeKind.REPLACEMENT_PRODUCT: "Replacement product",
    OutcomeKind.REFUND: "Refund",
    OutcomeKind.TECHNICAL_ASSISTANCE: "Technical assistance",
    OutcomeKind.CORRECTION: "Clarification or correction",
}

#: The fields each kind asks for besides the response text.
FIELDS: dict[OutcomeKind, tuple[str, ...]] = {
    OutcomeKind.REPLACEMENT_FILE: ("file",),
    OutcomeKind.REPLACEMENT_PRODUCT: ("items", "carrier", "tracking_number"),
    OutcomeKind.REFUND: ("amount", "refund_type"),
    OutcomeKind.TECHNICAL_ASSISTANCE: (),
    OutcomeKind.CORRECTION: (),
}

#: Placeholders a response text may use.
PLACEHOLDERS: tuple[str, ...] = (
    "name",
    "reference",
    "shop",
    "order_number",
    "amount",
    "carrier",
    "tracking_number",
    "items",
    "download_link_note",
)
#: Filled from the complaint as soon as the form opens; the rest come from the kind's fields.
COMPLAINT_PLACEHOLDERS: tuple[str, ...] = ("name", "reference", "shop", "order_number")

MAX_BODY = 20_000
MAX_REPLACEMENT_BYTES = 50 * 1024 * 1024


def parse_kind(text: str) -> OutcomeKind | None:
    """The kind for a key from a URL or form, else None."""
    try:
        return OutcomeKind(text)
    except ValueError:
        return None


# --- placeholders ------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Replace {name}-style placeholders with plain-text values; unknown ones stay visible.

    Same syntax as str.format_map ({{ and }} are literal braces) but only bare names are
    recognised: no attribute or index access, no format specs, and a stray brace in a
    manager's text never raises.
    """

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        if found in ("{{", "}}"):
            return found[0]
        value = values.get(match.group(1))
        return found if value is None else str(value)

    return _PLACEHOLDER.sub(replace, text)


def placeholders_in(text: str) -> list[str]:
    """Every {placeholder} name used in `text`, in order, without repeats."""
    seen: list[str] = []
    for match in _PLACEHOLDER.finditer(text):
        key = match.group(1)
        if key and key not in seen:
            seen.append(key)
    return seen


def unknown_placeholders(text: str) -> list[str]:
    """Placeholder names in `text` that are not in PLACEHOLDERS."""
    return [key for key in placeholders_in(text) if key not in PLACEHOLDERS]


# --- refunds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Refund:
    """A refund amount in euro cents, full or partial."""

    amount_cents: int
    full: bool


def parse_amount_cents(text: str) -> int | None:
    """Euro amount as typed ("12,50", "12.50", "€ 12") to cents; None when not a positive amount."""
    cleaned = (text or "").strip().replace("€", "").replace("EUR", "").strip()
    if "," in cleaned and "." in cleaned:
        # 1.234,56 (Dutch) or 1,234.56 (English): the last separator is the decimal one.
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        return None
    if value > Decimal("1000000"):
        return None
    return int(value * 100)


def format_eur(cents: int) -> str:
    """12.50 style amount with the euro sign."""
    return f"€{cents // 100:,}.{cents % 100:02d}"


# --- the review window -------------------------------------------------------------------


def review_deadline(responded_at: datetime, period_days: int) -> datetime:
    """The last moment a review may be requested: `period_days` calendar days after the outcome."""
    return responded_at + timedelta(days=period_days)


def is_review_open(
    *,
    status: str,
    responded_at: datetime | None,
    review_requested_at: datetime | None,
    now: datetime,
    period_days: int,
) -> bool:
    """True while the customer may still ask for the one review of a first outcome."""
    if status != "resolved" or responded_at is None or review_requested_at is not None:
        return False
    return now <= review_deadline(responded_at, period_days)


# --- replacement files -------------------------------------------------------------------

#: family → (content type, default extension, extensions a file of this family may keep)
FILE_FAMILIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", "pdf", ("pdf",)),
    "epub": ("application/epub+zip", "epub", ("epub",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        ("docx",),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        ("xlsx",),
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        ("pptx",),
    ),
    "odf": ("application/vnd.oasis.opendocument.text", "odt", ("odt", "ods", "odp")),
    "zip": ("application/zip", "zip", ("zip",)),
    "mp3": ("audio/mpeg", "mp3", ("mp3",)),
    "mp4": ("video/mp4", "mp4", ("mp4", "m4a", "m4v", "m4b", "mov")),
    "wav": ("audio/wav", "wav", ("wav",)),
    "flac": ("audio/flac", "flac", ("flac",)),
    "ogg": ("audio/ogg", "ogg", ("ogg", "oga", "ogv", "opus")),
    "png": ("image/png", "png", ("png",)),
    "jpeg": ("image/jpeg", "jpg", ("jpg", "jpeg")),
    "gif": ("image/gif", "gif", ("gif",)),
    "webp": ("image/webp", "webp", ("webp",)),
    "txt": ("text/plain", "txt", ("txt", "md", "csv", "srt", "key", "lic")),
}


@dataclass(frozen=True)
class FileType:
    """What a replacement file really is: its content type and the extension to store."""

    family: str
    content_type: str
    extension: str


def _zip_family(data: bytes) -> str | None:
    """epub/docx/xlsx/pptx/odf/zip for a readable ZIP archive, else None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                if mimetype.startswith(b"application/epub+zip"):
                    return "epub"
                if mimetype.startswith(b"application/vnd.oasis.opendocument"):
                    return "odf"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, EOFError):
        return None
    if "[Content_Types].xml" in names:
        for prefix, family in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(name.startswith(prefix) for name in names):
                return family
    return "zip"


def _media_family(data: bytes) -> str | None:
    """Audio, video and image families recognised by their magic bytes."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"OggS"):
        return "ogg"
    return None


def _is_text(data: bytes) -> bool:
    """Plain UTF-8 text without control characters other than whitespace."""
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text)


def sniff_replacement(data: bytes, filename: str) -> FileType | None:
    """The type of a file staff want to send as a replacement, from its content; None if refused.

    Documents (PDF, EPUB, Office, ZIP), audio, video, images and plain text are accepted.
    Executables, scripts and HTML are not: they are not replacements a shop sends, and the
    customer opens whatever we send.
    """
    if not data:
        return None
    family = _media_family(data)
    if family is None and data.startswith(b"PK\x03\x04"):
        family = _zip_family(data)
    if family is None and _is_text(data):
        family = "txt"
        lowered = data[:1024].lower()
        if b"<html" in lowered or b"<script" in lowered or b"<!doctype" in lowered:
            return None
    if family is None:
        return None
    content_type, default_ext, allowed = FILE_FAMILIES[family]
    given = filename.rpartition(".")[2].lower() if "." in filename else ""
    return FileType(family, content_type, given if given in allowed else default_ext)
