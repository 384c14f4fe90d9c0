"""Files an outbox email carries, made when it is sent (OutboxEmail.attachments).

Today one kind: the customer's case file PDF, attached to the final response so the
deadlock notice reaches the customer on a durable medium. It is the customer-facing
variant, never the one with internal notes, whatever a row asks for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from ..documents.casefile import case_file_pdf, file_name
from ..models import OutboxEmail
from ..services.casefile import load_case_file

log = logging.getLogger(__name__)


class AttachmentUnavailable(RuntimeError):
    """A file could not be made now; the email waits and is tried again."""


@dataclass(frozen=True)
class MadeFile:
    """One file ready to attach."""

    filename: str
    maintype: str
    subtype: str
    data: bytes


def make_attachments(row: OutboxEmail) -> list[MadeFile]:
    """The files `row` names; raises AttachmentUnavailable (logged) when one cannot be made."""
    return [_make(row, spec) for spec in row.attachments or []]


def _make(row: OutboxEmail, spec: dict[str, Any]) -> MadeFile:
    if spec.get("kind") != "casefile" or row.complaint is None:
        raise ValueError(f"unknown attachment {spec!r}")
    try:
        case = load_case_file(row.complaint.reference, internal=False)
        if case is None:
            raise LookupError(row.complaint.reference)
        return MadeFile(file_name(case), "application", "pdf", case_file_pdf(case))
    except Exception as exc:
        log.exception("could not make the case file for email %s", row.id)
        raise AttachmentUnavailable(f"case file not made: {exc}") from exc
