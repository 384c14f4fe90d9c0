"""What staff fill in for an outcome, and checking it: the text and each kind's fields.

Returns the checked facts ready to store, or raises InvalidInput with a message per form
field (all problems at once, so the form can show them together).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from ..domain.outcomes import (
    MAX_BODY,
    MAX_REPLACEMENT_BYTES,
    OutcomeKind,
    parse_amount_cents,
    sniff_replacement,
)
from ..files.uploads import CheckedUpload, Upload, safe_filename
from ..models import Attachment, RootCause
from .outcome_errors import InvalidInput
from .root_causes import MAX_NOTE, find_root_cause


@dataclass(frozen=True)
class OutcomeInput:
    """What staff filled in: the kind, the response text and the kind's fields, as typed."""

    kind: OutcomeKind
    body: str
    items: str = ""
    carrier: str = ""
    tracking_number: str = ""
    amount: str = ""
    refund_type: str = ""  # "full" | "partial"
    file: Upload | None = None
    root_cause: str = ""  # a root cause's key (services.root_causes); required
    root_cause_note: str = ""


@dataclass
class Details:
    """The checked facts of an outcome, ready to store."""

    data: dict[str, Any] = field(default_factory=dict)
    amount_cents: int | None = None
    upload: CheckedUpload | None = None
    reuse_attachment: Attachment | None = None
    root_cause: RootCause | None = None
    root_cause_note: str = ""


def check_details(data: OutcomeInput, *, keep_file: Attachment | None = None) -> Details:
    """Check the text and the kind's fields; raises InvalidInput with a message per field.

    A replacement file needs a new upload, unless `keep_file` (the file of the first outcome,
    for a final response) may be sent again.
    """
    errors: dict[str, str] = {}
    body = data.body.replace("\r\n", "\n").strip()
    if len(body) < 10:
        errors["body"] = _("Write the response to the customer (at least 10 characters).")
    elif len(body) > MAX_BODY:
        errors["body"] = _("The text may be at most %(count)d characters.", count=MAX_BODY)
    details = Details()
    _check_root_cause(data, details, errors)
    kind = data.kind
    if kind == OutcomeKind.REPLACEMENT_PRODUCT:
        _check_shipment(data, details, errors)
    elif kind == OutcomeKind.REFUND:
        _check_refund(data, details, errors)
    elif kind == OutcomeKind.REPLACEMENT_FILE and data.file is not None:
        _check_file(data.file, details, errors)
    elif kind == OutcomeKind.REPLACEMENT_FILE and keep_file is not None:
        details.reuse_attachment = keep_file
        details.data["file_name"] = keep_file.original_name
    elif kind == OutcomeKind.REPLACEMENT_FILE:
        errors["file"] = _("Choose the replacement file to send.")
    if errors:
        raise InvalidInput(errors)
    return details


def _check_root_cause(data: OutcomeInput, details: Details, errors: dict[str, str]) -> None:
    """Why it happened: one of the root causes still offered, and an optional note."""
    cause = find_root_cause(data.root_cause) if data.root_cause else None
    if cause is None or not cause.active:
        errors["root_cause"] = _("Choose the root cause of this complaint.")
    details.root_cause = cause
    note = data.root_cause_note.replace("\r\n", "\n").strip()
    if len(note) > MAX_NOTE:
        errors["root_cause_note"] = _("At most %(count)d characters.", count=MAX_NOTE)
    details.root_cause_note = note


def _check_shipment(data: OutcomeInput, details: Details, errors: dict[str, str]) -> None:
    limits = {"items": 2000, "carrier": 100, "tracking_number": 100}
    missing = {
        "items": _("Say which items you sent."),
        "carrier": _("Name the carrier."),
        "tracking_number": _("Enter the tracking number."),
    }
    for name, limit in limits.items():
        value = str(getattr(data, name)).strip()
        if not value:
            errors[name] = missing[name]
        elif len(value) > limit:
            errors[name] = _("At most %(count)d characters.", count=limit)
        elif name != "items" and any(ord(ch) < 32 for ch in value):
            errors[name] = _("Use letters, digits and spaces only.")
        details.data[name] = value


def _check_refund(data: OutcomeInput, details: Details, errors: dict[str, str]) -> None:
    cents = parse_amount_cents(data.amount)
    if cents is None:
        errors["amount"] = _("Enter an amount in euros, for example 12,50 or 12.50.")
    details.amount_cents = cents
    if data.refund_type not in ("full", "partial"):
        errors["refund_type"] = _("Choose a full or a partial refund.")
    details.data["full"] = data.refund_type == "full"


def _check_file(upload: Upload, details: Details, errors: dict[str, str]) -> None:
    if not upload.data:
        errors["file"] = _("The file is empty. Choose the replacement file again.")
        return
    limit = int(current_app.config.get("MAX_REPLACEMENT_BYTES", MAX_REPLACEMENT_BYTES))
    if len(upload.data) > limit:
        errors["file"] = _("The file is larger than %(mb)d MB.", mb=max(limit >> 20, 1))
        return
    found = sniff_replacement(upload.data, upload.filename)
    if found is None:
        errors["file"] = _(
            "This kind of file cannot be sent. Send a PDF, EPUB, Office document, ZIP, audio, "
            "video, image or plain text file."
        )
        return
    name = safe_filename(upload.filename, found.extension)
    details.upload = CheckedUpload(name, upload.data, found.content_type)
    details.data["file_name"] = name
